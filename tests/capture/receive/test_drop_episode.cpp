#include <catch2/catch.hpp>

#include <vector>

#include "receive/drop_episode.hpp"

using capture::DropEpisode;
using namespace std::chrono_literals;

TEST_CASE("a burst of drops logs a start, summaries and an end, not a line per drop",
          "[capture][drops]") {
    std::vector<std::string> log;
    DropEpisode e([&](const std::string& l) { log.push_back(l); });
    const auto t0 = DropEpisode::Clock::time_point{} + 1h;
    for (int ms = 0; ms < 25000; ms += 10) e.dropped(t0 + std::chrono::milliseconds(ms));
    CHECK(e.active());
    e.tick(t0 + 25500ms);  // half a second quiet: still the same episode
    CHECK(e.active());
    e.tick(t0 + 26100ms);
    CHECK_FALSE(e.active());
    REQUIRE(log.size() == 4);
    CHECK(log[0] == "writer not keeping up (disk full or too slow): dropping datagrams, counted");
    CHECK(log[1] == "still dropping: 1001 datagrams in the last 10 s");
    CHECK(log[2] == "still dropping: 1000 datagrams in the last 10 s");
    CHECK(log[3] == "writer keeping up again: 2500 datagrams dropped meanwhile");
}
