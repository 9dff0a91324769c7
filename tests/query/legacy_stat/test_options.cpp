// The original's command line: getopt forms, errors and their exit statuses.

#include <catch2/catch.hpp>

#include "stat_run.hpp"

using namespace flowkeep_test;

namespace {

const std::filesystem::path v5_file() {
    return test_data("files/v5_zdefault/ft-v05.2009-10-15.153110+0000");
}

}  // namespace

TEST_CASE("the original's interface is chosen by -f in any getopt form") {
    using flowquery::wants_legacy_flow_stat;
    using V = std::vector<std::string>;
    CHECK(wants_legacy_flow_stat(V{"flow-stat", "-f", "8"}));
    CHECK(wants_legacy_flow_stat(V{"flow-stat", "-f8"}));
    CHECK(wants_legacy_flow_stat(V{"flow-stat", "-Pwf", "8"}));
    CHECK(wants_legacy_flow_stat(V{"flow-stat", "-S", "2", "-f5"}));
    CHECK_FALSE(wants_legacy_flow_stat(V{"flow-stat"}));
    CHECK_FALSE(wants_legacy_flow_stat(V{"flow-stat", "-T", "-f"}));  // -f is the title
    CHECK_FALSE(wants_legacy_flow_stat(V{"flow-stat", "-Tf"}));       // so is "f"
    CHECK_FALSE(wants_legacy_flow_stat(V{"flow-stat", "--", "-f", "8"}));
    CHECK_FALSE(wants_legacy_flow_stat(V{"flow-stat", "--format", "x"}));
    CHECK(wants_legacy_flow_stat(V{"flow-stat", "-f"}));  // the original then complains
}

TEST_CASE("bundled and attached option values are read like getopt") {
    const StatRun r = run_stat({"flow-stat", "-f5", "-S2", "-Pw", "-t", "3"}, v5_file());
    CHECK(r.status == 0);
    CHECK(r.out.find("# Fields:    Percent Total\n") != std::string::npos);
    CHECK(r.out.find("# Sorting:   Descending Field 2\n") != std::string::npos);
    CHECK(r.out.find("# Args:      flow-stat -f5 -S2 -Pw -t 3 \n") != std::string::npos);
    CHECK(r.out.find("# port           flows    octets   packets  duration\n") !=
          std::string::npos);
    CHECK(r.out.find("#SUB ") != std::string::npos);
}

TEST_CASE("report 33 and negative formats are refused with the original's message") {
    for (const char* format : {"33", "-1"}) {
        const StatRun r = run_stat({"flow-stat", "-f", format}, v5_file());
        CHECK(r.status == 1);
        CHECK(r.out.empty());
        CHECK(r.err == std::string("flow-stat: No such format, ") + format + "\n");
    }
}

TEST_CASE("a sort field the report lacks prints the report information and the complaint") {
    SECTION("array report: fields 0..4") {
        const StatRun r = run_stat({"flow-stat", "-f", "5", "-S", "5"}, v5_file());
        CHECK(r.status == 0);
        CHECK(r.err == "# can't sort on field 6.\n");
        CHECK(r.out.find("# Sorting:   Descending Field 5\n") != std::string::npos);
        CHECK(r.out.find("# port") == std::string::npos);
    }
    SECTION("hash report, ascending") {
        const StatRun r = run_stat({"flow-stat", "-f", "8", "-s", "7"}, v5_file());
        CHECK(r.err == "# can't sort on field -8.\n");
        CHECK(r.out.find("# IPaddr") == std::string::npos);
    }
    SECTION("pair reports have one more field: 5 is the duration") {
        const StatRun r = run_stat({"flow-stat", "-f", "10", "-S", "5"}, v5_file());
        CHECK(r.err.empty());
        CHECK(r.out.find("# src IPaddr") != std::string::npos);
    }
}

TEST_CASE("option values that are not numbers are usage errors") {
    const StatRun r = run_stat({"flow-stat", "-f", "eight"}, v5_file());
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "flow-stat: -f: not a number: 'eight'\n");
    const StatRun t = run_stat({"flow-stat", "-f", "5", "-P", "-t", "0"}, v5_file());
    CHECK(t.status == 2);
    CHECK(t.err == "flow-stat: -t: tally_lines must be at least 1, not '0'\n");
}

// The original refuses operands ("Extra arguments starting with file.ft.");
// flowkeep reads them as files and directories instead of standard input.
TEST_CASE("an argument that is not an option is an input to read") {
    const StatRun r = run_stat({"/usr/bin/flow-stat", "-f", "8", "file.ft"}, v5_file());
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK(r.err ==
          "flow-stat: file.ft: No such file or directory\n"
          "flow-stat: no input could be read, so there is no answer\n");
    const StatRun named = run_stat({"flow-stat", "-f", "8", v5_file().string()}, v5_file());
    const StatRun piped = run_stat({"flow-stat", "-f", "8", "-"}, v5_file());
    CHECK(named.status == 0);
    CHECK(named.err.empty());
    CHECK(piped.status == 0);
    CHECK(piped.err.empty());
    // The same report but for the "# Args:" line naming the operand.
    const auto after_args = [](const std::string& text) {
        return text.substr(text.find('\n', text.find("# Args:")));
    };
    CHECK(after_args(named.out) == after_args(piped.out));
    CHECK(named.out.find("# Args:      flow-stat -f 8 " + v5_file().string() + " \n") !=
          std::string::npos);
}

TEST_CASE(
    "option -h prints the usage and a second -h the report list and exits 0 without reading") {
    const StatRun r = run_stat({"flow-stat", "-h", "-f", "8"}, v5_file());
    CHECK(r.status == 0);
    CHECK(r.out.empty());
    CHECK(r.err ==
          "Usage: flow-stat [-hnpPw] [-d debug_level] [-f format] [-S sort_field]\n"
          "       [-s sort_field] [-t tally_lines] [-T title]\n");
    const StatRun twice = run_stat({"flow-stat", "-hh", "-f", "8"}, v5_file());
    CHECK(twice.err.find("Formats:\n  0  Overall Summary\n") != std::string::npos);
    CHECK(twice.err.find("\n  32 Source/Destination Tag\n") != std::string::npos);
}

TEST_CASE("an unknown option or a missing value prints getopt's message and the usage") {
    const StatRun r = run_stat({"flow-stat", "-f", "8", "-x"}, v5_file());
    CHECK(r.status == 0);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("flow-stat: invalid option -- 'x'\nUsage: flow-stat", 0) == 0);
    const StatRun m = run_stat({"flow-stat", "-f"}, v5_file());
    CHECK(m.err.rfind("flow-stat: option requires an argument -- 'f'\n", 0) == 0);
}

TEST_CASE("option -c changes the comment character also in the flow header block") {
    const StatRun r = run_stat({"flow-stat", "-c", "%", "-p", "-f", "12"}, v5_file());
    CHECK(r.out.rfind("%  --- ---- ---- Report Information --- --- ---\n%\n", 0) == 0);
    CHECK(r.out.find("% capture hostname:     flowbox-a\n") != std::string::npos);
    CHECK(r.out.find("% protocol  flows") != std::string::npos);
    CHECK(r.out.find("\n#") == std::string::npos);
}

TEST_CASE("the Args line drops non-printable characters and -n is announced") {
    const StatRun r = run_stat({"flow-stat", "-n", "-f", "8", "-T", "a\tb\x01"}, v5_file());
    CHECK(r.out.find("# Title:     a\tb\x01\n") != std::string::npos);
    CHECK(r.out.find("# Symbols:   Enabled\n") != std::string::npos);
    CHECK(r.out.find("# Args:      flow-stat -n -f 8 -T ab \n") != std::string::npos);
}
