// flow-index's command line: bad options are one line and exit status 2,
// --help and --version exit 0, -q is silent on success.
#include <catch2/catch.hpp>

#include "indexer/index_archive.hpp"

using namespace flowkeep_test;

TEST_CASE("flow-index refuses bad options with one line and exit status 2") {
    IndexArchive a;
    const auto bytes = tree_bytes(a.root);
    const std::string root = shell_arg(a.root);
    struct Bad {
        std::string args;
        std::string says;
    };
    const Bad cases[] = {
        {"--block 0 -w " + root, "--block"},
        {"--block many -w " + root, "--block"},
        {"--block 99999999 -w " + root, "--block"},
        {"--threads -1 -w " + root, "--threads"},
        {"--frobnicate -w " + root, "--frobnicate"},
        {"--verify --rewrite -w " + root, "--rewrite"},
        {"--verify --dry-run -w " + root, "--dry-run"},
        {"", "no input"},
        {"-", "standard input"},
        {"-w " + shell_arg(a.root / "nowhere"), "nowhere"},
        {"-w " + shell_arg(a.uncompressed), "not a directory"},
    };
    for (const Bad& c : cases) {
        const ToolRun run = flow_index(c.args);
        INFO("flow-index " << c.args << "\n" << run.out << run.err);
        CHECK(run.status == 2);
        CHECK(run.out.empty());
        CHECK(lines_in(run.err) == 1);
        CHECK(run.err.starts_with("flow-index: "));
        CHECK(run.err.find(c.says) != std::string::npos);
    }
    CHECK(tree_bytes(a.root) == bytes);
}

TEST_CASE("flow-index --help and --version exit 0") {
    const ToolRun help = flow_index("--help");
    CHECK(help.status == 0);
    for (const char* option : {"--archive", "--block", "--rewrite", "--verify", "--dry-run",
                               "--threads", "--quiet", "--nice", "--version"})
        CHECK(help.out.find(option) != std::string::npos);
    const ToolRun version = flow_index("--version");
    CHECK(version.status == 0);
    CHECK(version.out.starts_with("flow-index (flowkeep) "));
}

TEST_CASE("flow-index -q prints nothing when all went well, and still every failure") {
    IndexArchive a;
    const ToolRun quiet = flow_index("-q -w " + shell_arg(a.root));
    CHECK(quiet.status == 0);
    CHECK(quiet.out.empty());
    CHECK(quiet.err.empty());
    CHECK(has_index(a.uncompressed));

    auto bytes = slurp(a.ipv6);
    bytes.resize(bytes.size() - 100);
    spit(a.ipv6, bytes);
    const ToolRun failing = flow_index("-q -w " + shell_arg(a.root));
    CHECK(failing.status == 1);
    CHECK(failing.out.empty());
    CHECK(lines_in(failing.err) == 1);
    CHECK(failing.err.starts_with("flow-index: " + a.ipv6.string()));
}
