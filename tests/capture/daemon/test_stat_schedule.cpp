#include <catch2/catch.hpp>

#include <vector>

#include "daemon/stat_schedule.hpp"

namespace {

// Seconds at which STAT lines come out, sampling every 10 s from `start`.
std::vector<long> printed(int interval, std::time_t start, long seconds) {
    capture::StatSchedule s(interval);
    std::vector<long> out;
    for (long t = 0; t <= seconds; t += 10)
        if (s.due(start + t)) out.push_back(t);
    return out;
}

}  // namespace

TEST_CASE("STAT lines at start, then on minute multiples of -S", "[capture][stat]") {
    // The spec's example: start 10:03:30 UTC with -S 5 prints at 10:05, 10:10, 10:15.
    const std::time_t start = 1255687410;  // 2009-10-16 10:03:30 UTC
    CHECK(printed(5, start, 12 * 60) == std::vector<long>{0, 90, 390, 690});
}

TEST_CASE("an interval not dividing 60 restarts its phase each hour", "[capture][stat]") {
    const std::time_t start = 1255687200 + 50 * 60;  // 10:50:00
    // -S 7 from 10:50: 10:56, then (56 + 7 - 0) % 60 = 3 -> 11:03, 11:07 ...
    const auto at = printed(7, start, 20 * 60);
    REQUIRE(at.size() >= 4);
    CHECK(at[0] == 0);
    CHECK(at[1] == 6 * 60);
    CHECK(at[2] == 13 * 60);
    CHECK(at[3] == 17 * 60);
}

TEST_CASE("a STAT interval of 0 prints nothing", "[capture][stat]") {
    CHECK(printed(0, 1255687410, 3600).empty());
}
