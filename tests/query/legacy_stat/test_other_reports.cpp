// Every flow-stat -f report, 0 to 32, against what the real flow-stat 0.68.5
// printed for the same input and arguments (tests/data/legacy_stat, made by
// its generate.sh): stdout, stderr and exit status byte for byte.

#include <catch2/catch.hpp>

#include <sstream>

#include "stat_run.hpp"
#include "support/time_zone.hpp"

using namespace flowkeep_test;

namespace {

// One line of cases.tsv: a flow-stat run of the original.
struct OriginalRun {
    std::string input;  // paths relative to tests/data/legacy_stat
    int status = -1;
    std::string out_file;
    std::string err_file;  // "-" when the original printed nothing there
    std::string args;
    std::vector<std::string> argv;
};

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> fields;
    std::istringstream in(text);
    for (std::string field; std::getline(in, field, separator);) fields.push_back(field);
    return fields;
}

std::vector<OriginalRun> original_runs() {
    std::vector<OriginalRun> runs;
    std::istringstream in(file_text(test_data("legacy_stat/cases.tsv")));
    for (std::string line; std::getline(in, line);) {
        const auto fields = split(line, '\t');
        REQUIRE(fields.size() == 5);
        OriginalRun run{fields[0], std::stoi(fields[1]), fields[2], fields[3],
                        fields[4], {"flow-stat"}};
        // generate.sh runs flow-stat by name with these words, so the
        // "# Args:" line of the original's output is this argv joined.
        for (const auto& word : split(fields[4], ' ')) run.argv.push_back(word);
        runs.push_back(std::move(run));
    }
    return runs;
}

std::string expected_err(const OriginalRun& run) {
    return run.err_file == "-" ? std::string()
                               : file_text(test_data("legacy_stat/" + run.err_file));
}

void check_against_original(const OriginalRun& run) {
    INFO("flow-stat " << run.args << " < " << run.input << " (" << run.out_file << ")");
    const StatRun ours = run_stat(run.argv, test_data("legacy_stat/" + run.input));
    CHECK(ours.status == run.status);
    CHECK(ours.err == expected_err(run));
    CHECK(ours.out == file_text(test_data("legacy_stat/" + run.out_file)));
}

}  // namespace

TEST_CASE("flow-stat -f N prints what the real flow-stat printed for the same input and options") {
    const ScopedTimeZone utc("UTC");
    const auto runs = original_runs();
    // Every report on v1, v5, v6, v7 and v1005 streams at least once.
    REQUIRE(runs.size() >= 33 * 9);
    // Includes reports 24..26 on flow-gen's streams, whose flows all have /0
    // masks: the original keeps a /0 flow's whole address ("0.0.0.7/0").
    for (const OriginalRun& run : runs) check_against_original(run);
}
