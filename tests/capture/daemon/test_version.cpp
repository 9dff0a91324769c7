#include <catch2/catch.hpp>

#include <string>

#include "daemon/version.hpp"

TEST_CASE("the version string names the project and its CMake version", "[capture]") {
    CHECK(std::string(capture::version_string()) == std::string("flowkeep ") + EXPECTED_VERSION);
}
