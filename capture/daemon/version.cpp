#include "version.hpp"

namespace capture {

const char* version_string() {
    return "flowkeep " FLOWKEEP_VERSION;
}

}  // namespace capture
