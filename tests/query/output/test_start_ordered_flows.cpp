// The packed, merged chronological order is exactly a stable sort of all
// flows, file after file, with every field of every record intact.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "output/start_ordered_flows.hpp"

using namespace flowquery;
using flowfile::Record;

namespace {

// Flows of one file: exported in order, started up to a minute before
// (often in the same millisecond, to exercise ties), random everything else.
std::vector<Record> file_flows(std::mt19937& rng, std::uint32_t export_secs, std::size_t n) {
    std::vector<Record> flows;
    for (std::size_t i = 0; i < n; ++i) {
        Record r;
        r.unix_secs = export_secs + static_cast<std::uint32_t>(i / 50);
        r.unix_nsecs = (rng() % 3) * 1000000u;
        r.sysuptime = 864000000u;
        r.first = r.sysuptime - 1000 * (rng() % 60);
        r.last = r.sysuptime - (rng() % 1000);
        r.srcaddr = rng();
        r.dstaddr = rng();
        r.nexthop = rng() % 4;
        r.input = static_cast<std::uint16_t>(rng());
        r.srcport = static_cast<std::uint16_t>(rng());
        r.dstport = static_cast<std::uint16_t>(i % 7);  // a marker of stored order
        r.dpkts = rng();
        r.doctets = rng();
        r.prot = static_cast<std::uint8_t>(rng());
        r.tcp_flags = static_cast<std::uint8_t>(rng());
        r.src_as = static_cast<std::uint16_t>(rng());
        r.peer_nexthop = rng();
        r.router_sc = rng();
        r.src_tag = rng();
        r.dst_tag = rng();
        r.exaddr = 0x7f000001u + static_cast<std::uint32_t>(rng() % 2);
        flows.push_back(r);
    }
    return flows;
}

}  // namespace

TEST_CASE("the merge of packed files equals a stable sort of all flows by start") {
    std::mt19937 rng(18);
    std::vector<Record> all;
    StartOrderedFlows ordered;
    // Files overlap in time (late exports), one is empty, sizes differ.
    for (std::size_t f = 0; f < 6; ++f) {
        auto flows = file_flows(rng, 1773529200u + static_cast<std::uint32_t>(f) * 40,
                                f == 3 ? 0 : 300 + 211 * f);
        all.insert(all.end(), flows.begin(), flows.end());
        ordered.add_file(flows);
    }
    CHECK(ordered.size() == all.size());
    std::stable_sort(all.begin(), all.end(), [](const Record& a, const Record& b) {
        return flowfile::flow_times(a).start_ms < flowfile::flow_times(b).start_ms;
    });

    std::vector<Record> merged;
    std::size_t largest_batch = 0;
    ordered.drain(100, [&](std::span<const Record> batch) {
        largest_batch = std::max(largest_batch, batch.size());
        merged.insert(merged.end(), batch.begin(), batch.end());
    });
    CHECK(largest_batch == 100);
    REQUIRE(merged.size() == all.size());
    CHECK(merged == all);
    CHECK(ordered.size() == 0);
}

TEST_CASE("nothing added: nothing written") {
    StartOrderedFlows ordered;
    std::vector<Record> none;
    ordered.add_file(none);
    bool called = false;
    ordered.drain(10, [&](std::span<const Record>) { called = true; });
    CHECK_FALSE(called);
}
