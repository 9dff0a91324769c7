// A file reached twice is read once, at its first place.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "inputs/input_identity.hpp"
#include "inputs/input_selection.hpp"
#include "support/temp_dir.hpp"

using namespace flowquery;
using flowkeep_test::TempDir;

namespace {

std::vector<std::string> paths(const std::vector<InputSource>& sources) {
    std::vector<std::string> out;
    for (const auto& s : sources) out.push_back(s.is_stdin() ? "-" : s.path);
    return out;
}

}  // namespace

TEST_CASE("the same file by name, by symbolic link and twice is kept once, first place first") {
    TempDir dir;
    const std::string a = dir / "a";
    const std::string b = dir / "b";
    std::ofstream(a) << "x";
    std::ofstream(b) << "y";
    std::filesystem::create_symlink(a, dir / "link-to-a");
    std::vector<InputSource> sources{{b}, {a}, {dir / "link-to-a"}, {b}, {dir.path() / "." / "a"}};
    drop_repeated_sources(sources);
    CHECK(paths(sources) == std::vector<std::string>{b, a});
}

TEST_CASE("standard input given twice is read once, a path that cannot be looked up is kept") {
    std::vector<InputSource> sources{{""}, {"/nonexistent/x"}, {""}, {"/nonexistent/x"}};
    drop_repeated_sources(sources);
    CHECK(paths(sources) == std::vector<std::string>{"-", "/nonexistent/x", "/nonexistent/x"});
}

TEST_CASE("a missing path is a problem of the selection, not a usage error") {
    InputSpec spec;
    spec.paths = {"/nonexistent/flows"};
    const InputSelection s = select_inputs(spec);
    CHECK(s.sources.empty());
    REQUIRE(s.problems.size() == 1);
    CHECK(s.problems[0] == "/nonexistent/flows: No such file or directory");
}
