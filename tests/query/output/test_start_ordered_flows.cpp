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
    bool ipv6_written = false;
    ordered.drain(
        100,
        [&](std::span<const Record> batch) {
            largest_batch = std::max(largest_batch, batch.size());
            merged.insert(merged.end(), batch.begin(), batch.end());
        },
        [&](std::span<const flowfile::Record6>) { ipv6_written = true; });
    CHECK_FALSE(ipv6_written);
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
    std::vector<flowfile::Record6> none6;
    ordered.add_file(none6);
    ordered.drain(
        10, [&](std::span<const Record>) { called = true; },
        [&](std::span<const flowfile::Record6>) { called = true; });
    CHECK_FALSE(called);
}

TEST_CASE("IPv4 and IPv6 files of one window merge into one start order") {
    // Flow start of an IPv4 record: export time minus (sysuptime - first).
    auto v4 = [](std::uint32_t unix_secs, std::uint32_t ago_ms, std::uint16_t tag) {
        Record r;
        r.unix_secs = unix_secs;
        r.sysuptime = 100000;
        r.first = r.sysuptime - ago_ms;
        r.last = r.sysuptime;
        r.dstport = tag;
        return r;
    };
    auto v6 = [](std::int64_t start_ms, std::uint16_t tag) {
        flowfile::Record6 r;
        r.start_ms = start_ms;
        r.end_ms = start_ms + 10;
        r.srcaddr[0] = 0x20;
        r.dstport = tag;
        return r;
    };
    const std::int64_t t0 = 1764790200000;  // 2026-12-03 19:30:00 UTC
    // Stored out of order within each file; ties between the files go to
    // the file added first (the IPv4 file here).
    std::vector<Record> ipv4{v4(1764790205, 1000, 2), v4(1764790201, 1000, 0),
                             v4(1764790210, 0, 5)};
    std::vector<flowfile::Record6> ipv6{v6(t0 + 7000, 4), v6(t0 + 4000, 3), v6(t0 + 2000, 1),
                                        v6(t0 + 10000, 6)};
    StartOrderedFlows ordered;
    ordered.add_file(ipv4);
    ordered.add_file(ipv6);
    CHECK(ordered.size() == 7);

    std::vector<std::pair<char, std::uint16_t>> order;
    std::size_t batches = 0;
    ordered.drain(
        100,
        [&](std::span<const Record> batch) {
            ++batches;
            for (const Record& r : batch) order.emplace_back('4', r.dstport);
        },
        [&](std::span<const flowfile::Record6> batch) {
            ++batches;
            for (const auto& r : batch) order.emplace_back('6', r.dstport);
        });
    const std::vector<std::pair<char, std::uint16_t>> expected{
        {'4', 0}, {'6', 1}, {'4', 2}, {'6', 3}, {'6', 4}, {'4', 5}, {'6', 6}};
    CHECK(order == expected);
    CHECK(batches == 6);  // a batch ends where the series changes
    CHECK(ordered.size() == 0);
}
