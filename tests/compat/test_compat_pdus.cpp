// pdus/: what flow-capture stored from hand-made datagrams: every export
// version and translation between them, sequence gaps, resets and the 2^32
// wrap, several engines, malformed packets, an unexpected exporter.

#include <catch2/catch.hpp>

#include "golden_check.hpp"

using namespace flowkeep_compat;

TEST_CASE("every golden pdus/ capture reads as flow-header and flow-export showed it",
          "[compat][pdus]") {
    const auto cases = golden_cases("pdus");
    // capture_{v5,v5_as_v1,v1,v1_as_v5,v7,v7_as_v5,auto}, seq_{gap,reset,wrap},
    // multi_engine, malformed, wrong_exporter.
    CHECK(cases.size() == 13);
    for (const auto& c : cases) check_complete_file(c);
}
