#pragma once

#include <stdexcept>
#include <string>

namespace flowfile {

// Thrown only where nothing useful can be delivered (a header that cannot be
// parsed, a file that cannot be opened or written).  Damage inside the record
// area is never thrown: the Reader hands out what it could read and reports
// the problem through ReadStatus.  The message is one line, names the file and
// the problem, and is meant to be printed as it is.
class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// The header's own checksum did not match.  Readers of a file that is still
// being written read its header again before believing it: the capture
// rewrites the header at every flush point, and a read can meet a rewrite.
class HeaderChecksumError : public Error {
  public:
    using Error::Error;
};

}  // namespace flowfile
