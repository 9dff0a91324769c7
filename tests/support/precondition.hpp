#pragma once

// Tests that need root, a capability, or a package CI installs.  CI runs the
// tests as root with every package, so there a missing precondition is a
// failure, never a silent pass.  Elsewhere the
// test is skipped: under ctest (which sets FLOWKEEP_CTEST) by exiting with
// 77, ctest's SKIP_RETURN_CODE, and run by hand with a WARN, since Catch2 v2
// cannot skip.  Call it before the test makes anything that needs cleaning.

#include <catch2/catch.hpp>

#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace flowkeep_test {

inline bool precondition(bool met, const std::string& what) {
    if (met) return true;
    if (std::getenv("CI") != nullptr) FAIL("CI must be able to run this test: " << what);
    if (std::getenv("FLOWKEEP_CTEST") != nullptr) {
        std::printf("SKIPPED: %s\n", what.c_str());
        std::fflush(stdout);
        std::_Exit(77);
    }
    WARN("SKIPPED: " << what);
    return false;
}

inline bool running_as_root(const std::string& why) {
    return precondition(::geteuid() == 0, why + " needs root");
}

}  // namespace flowkeep_test
