// The progress line never draws over a pager or over the flows printed.
#include <catch2/catch.hpp>

#include "inputs/progress_policy.hpp"

using namespace flowquery;

TEST_CASE("no progress unless stderr is a terminal") {
    for (auto kind : {StdoutKind::terminal, StdoutKind::pipe, StdoutKind::other})
        for (auto timing : {OutputTiming::during_scan, OutputTiming::after_scan})
            CHECK_FALSE(progress_wanted(false, kind, timing));
}

TEST_CASE("stdout a pipe (| less on the same terminal): no progress") {
    CHECK_FALSE(progress_wanted(true, StdoutKind::pipe, OutputTiming::during_scan));
    CHECK_FALSE(progress_wanted(true, StdoutKind::pipe, OutputTiming::after_scan));
}

TEST_CASE("stdout the terminal: progress only while nothing is printed there") {
    CHECK_FALSE(progress_wanted(true, StdoutKind::terminal, OutputTiming::during_scan));
    CHECK(progress_wanted(true, StdoutKind::terminal, OutputTiming::after_scan));
}

TEST_CASE("stdout a file: progress") {
    CHECK(progress_wanted(true, StdoutKind::other, OutputTiming::during_scan));
    CHECK(progress_wanted(true, StdoutKind::other, OutputTiming::after_scan));
}
