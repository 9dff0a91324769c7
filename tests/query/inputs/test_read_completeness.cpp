// "Nothing read" only when every input failed and none gave a flow.
#include <catch2/catch.hpp>

#include "inputs/read_completeness.hpp"

using namespace flowquery;

namespace {

InputSelection sources(std::size_t n) {
    InputSelection s;
    for (std::size_t i = 0; i < n; ++i)
        s.sources.push_back({std::string("f").append(std::to_string(i))});
    return s;
}

}  // namespace

TEST_CASE("every input failed without a flow: nothing read") {
    ScanReport report;
    report.problems = {"f0: cannot open: Permission denied", "f1: cannot open: Permission denied"};
    const auto c = read_completeness(sources(2), report);
    CHECK(c.nothing_read);
    CHECK(c.failed_inputs == 2);
}

TEST_CASE("a damaged input that gave flows is read in part") {
    ScanReport report;
    report.problems = {"f0: corrupt compressed data ... 10 flows read"};
    report.flows_read = 10;
    const auto c = read_completeness(sources(1), report);
    CHECK_FALSE(c.nothing_read);
    CHECK(c.failed_inputs == 1);
}

TEST_CASE("one input of two read: an incomplete answer") {
    ScanReport report;
    report.problems = {"f1: cannot open: Permission denied"};
    const auto c = read_completeness(sources(2), report);
    CHECK_FALSE(c.nothing_read);
    CHECK_FALSE(c.complete());
}

TEST_CASE(
    "an unreadable directory and no file: nothing read, no input and no problem: no traffic") {
    InputSelection only_problem;
    only_problem.problems = {"/var/flows: Permission denied"};
    CHECK(read_completeness(only_problem, ScanReport{}).nothing_read);
    const auto empty = read_completeness(InputSelection{}, ScanReport{});
    CHECK_FALSE(empty.nothing_read);
    CHECK(empty.complete());
}

TEST_CASE("the note says how many inputs") {
    CHECK(incomplete_note(1) == "incomplete: 1 input damaged or unreadable, see stderr");
    CHECK(incomplete_note(3) == "incomplete: 3 inputs damaged or unreadable, see stderr");
}
