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

}  // namespace flowfile
