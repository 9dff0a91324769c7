#pragma once

namespace capture {

// "flowkeep X.Y.Z", as --version prints it; X.Y.Z comes from CMake's project().
const char* version_string();

}  // namespace capture
