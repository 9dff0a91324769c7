#pragma once

#include <stdexcept>

namespace flowquery {

// A bad option value or option file (address, port, date, clients file...).
// The tools print what() as one line, prefixed with the program name, and
// exit with status 2; what() names the option or file and the bad value.
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

}  // namespace flowquery
