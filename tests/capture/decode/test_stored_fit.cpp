#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "decode/stored_fit.hpp"
#include "flowfile/record.hpp"

using capture::ExportContext;
using capture::ExportedFlow;
using capture::fit_to_stored;
using capture::FitCounters;
using capture::FlowClock;
using capture::FlowInstant;

namespace {

constexpr std::uint64_t max32 = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint32_t export_secs = 1'700'000'000;  // 2023-11-14T22:13:20Z
constexpr std::int64_t export_ms = std::int64_t{export_secs} * 1000;

ExportContext v9_context(std::uint32_t sysuptime) {
    ExportContext c;
    c.unix_secs = export_secs;
    c.has_sysuptime = true;
    c.sysuptime = sysuptime;
    c.exporter = 0xc0000201;
    return c;
}

ExportContext ipfix_context() {
    ExportContext c;
    c.unix_secs = export_secs;
    c.exporter = 0xc0000201;
    return c;
}

FlowInstant at_ms(std::int64_t ms) {
    return {FlowClock::absolute_ms, ms};
}

// A TCP flow of the last minute, times in ms since 1970.
ExportedFlow tcp_flow() {
    ExportedFlow f;
    f.ip_version = 4;
    f.src4 = 0x0a000001;
    f.dst4 = 0x0a000102;
    f.nexthop4 = 0x0a0000fe;
    f.packets = 10;
    f.octets = 1500;
    f.input = 3;
    f.output = 7;
    f.srcport = 40000;
    f.dstport = 443;
    f.prot = 6;
    f.tos = 0x10;
    f.tcp_flags = 0x1b;
    f.src_mask = 24;
    f.dst_mask = 16;
    f.src_as = 64500;
    f.dst_as = 64501;
    f.start = at_ms(export_ms - 60'000);
    f.end = at_ms(export_ms - 1'000);
    return f;
}

struct Fitted {
    std::vector<flowfile::Record> records;
    FitCounters counters;
    std::size_t returned = 0;
};

Fitted fit(const ExportedFlow& flow, const ExportContext& context) {
    Fitted f;
    f.returned = fit_to_stored(flow, context, f.records, f.counters);
    return f;
}

// The flow-tools reader's view of the record's times.
void check_times(const flowfile::Record& r, std::int64_t start_ms, std::int64_t end_ms) {
    const flowfile::FlowTimes t = flowfile::flow_times(r);
    CHECK(t.start_ms == start_ms);
    CHECK(t.end_ms == end_ms);
}

}  // namespace

TEST_CASE("a record without addresses is no flow", "[stored_fit]") {
    ExportedFlow f = tcp_flow();
    f.ip_version = 0;
    const Fitted r = fit(f, ipfix_context());
    CHECK(r.returned == 0);
    CHECK(r.records.empty());
    CHECK(r.counters.no_address == 1);
    CHECK(r.counters.ipv6_flows == 0);
}

TEST_CASE("the fields of a v5 record are copied as exported", "[stored_fit]") {
    ExportContext c = v9_context(3'600'000);
    c.domain = 0;
    const Fitted r = fit(tcp_flow(), c);
    REQUIRE(r.returned == 1);
    REQUIRE(r.records.size() == 1);
    const flowfile::Record& rec = r.records[0];
    CHECK(rec.unix_secs == export_secs);
    CHECK(rec.unix_nsecs == 0);
    CHECK(rec.exaddr == 0xc0000201);
    CHECK(rec.srcaddr == 0x0a000001);
    CHECK(rec.dstaddr == 0x0a000102);
    CHECK(rec.nexthop == 0x0a0000fe);
    CHECK(rec.dpkts == 10);
    CHECK(rec.doctets == 1500);
    CHECK(rec.input == 3);
    CHECK(rec.output == 7);
    CHECK(rec.srcport == 40000);
    CHECK(rec.dstport == 443);
    CHECK(rec.prot == 6);
    CHECK(rec.tos == 0x10);
    CHECK(rec.tcp_flags == 0x1b);
    CHECK(rec.src_mask == 24);
    CHECK(rec.dst_mask == 16);
    CHECK(rec.src_as == 64500);
    CHECK(rec.dst_as == 64501);
    CHECK(rec.engine_type == 0);
    CHECK(rec.engine_id == 0);
    check_times(rec, export_ms - 60'000, export_ms - 1'000);

    CHECK(r.counters.unplaceable_time == 0);
    CHECK(r.counters.untimed == 0);
    CHECK(r.counters.split_flows == 0);
    CHECK(r.counters.ifindex_clamped == 0);
    CHECK(r.counters.as_trans == 0);
}

TEST_CASE("records are appended to what is already there", "[stored_fit]") {
    std::vector<flowfile::Record> out(2);
    out[0].srcaddr = 1;
    out[1].srcaddr = 2;
    FitCounters counters;
    CHECK(fit_to_stored(tcp_flow(), ipfix_context(), out, counters) == 1);
    REQUIRE(out.size() == 3);
    CHECK(out[0].srcaddr == 1);
    CHECK(out[1].srcaddr == 2);
    CHECK(out[2].srcaddr == 0x0a000001);
}

TEST_CASE("v9 uptime times keep the router's sysUpTime, First and Last", "[stored_fit]") {
    ExportedFlow f = tcp_flow();
    const std::uint32_t sysuptime = 3'600'000;  // one hour since boot
    f.start = {FlowClock::uptime_ms, 3'500'000};
    f.end = {FlowClock::uptime_ms, 3'590'000};
    const Fitted r = fit(f, v9_context(sysuptime));
    REQUIRE(r.records.size() == 1);
    const flowfile::Record& rec = r.records[0];
    CHECK(rec.sysuptime == sysuptime);
    CHECK(rec.first == 3'500'000);
    CHECK(rec.last == 3'590'000);
    // Boot was an hour before the export.
    const std::int64_t boot = export_ms - sysuptime;
    check_times(rec, boot + 3'500'000, boot + 3'590'000);
}

TEST_CASE("v9 uptime times after the header's sysUpTime still read back", "[stored_fit]") {
    // A record stamped a little after the header's uptime (exporters take
    // the header time first): First > sysUpTime, a flow "in the future".
    ExportedFlow f = tcp_flow();
    f.start = {FlowClock::uptime_ms, 9'000};
    f.end = {FlowClock::uptime_ms, 10'250};
    const Fitted r = fit(f, v9_context(10'000));
    REQUIRE(r.records.size() == 1);
    CHECK(r.records[0].sysuptime == 10'000);
    CHECK(r.records[0].first == 9'000);
    CHECK(r.records[0].last == 10'250);
    check_times(r.records[0], export_ms - 1'000, export_ms + 250);
}

TEST_CASE("IPFIX uptime times are placed by systemInitTimeMilliseconds", "[stored_fit]") {
    ExportedFlow f = tcp_flow();
    f.system_init_ms = export_ms - 10'000'000;
    f.start = {FlowClock::uptime_ms, 9'000'000};
    f.end = {FlowClock::uptime_ms, 9'999'000};
    const Fitted r = fit(f, ipfix_context());
    REQUIRE(r.records.size() == 1);
    const std::int64_t start = f.system_init_ms + 9'000'000;
    const std::int64_t end = f.system_init_ms + 9'999'000;
    check_times(r.records[0], start, end);
    // Without a header uptime the smallest sysUpTime that holds the flow:
    // First is 0 at the flow's start.
    CHECK(r.records[0].sysuptime == export_ms - start);
    CHECK(r.records[0].first == 0);
    CHECK(r.records[0].last == end - start);
}

TEST_CASE("uptime times without an uptime origin cannot be placed", "[stored_fit]") {
    ExportedFlow f = tcp_flow();
    SECTION("start") {
        f.start = {FlowClock::uptime_ms, 1'000};
    }
    SECTION("end") {
        f.end = {FlowClock::uptime_ms, 1'000};
    }
    const Fitted r = fit(f, ipfix_context());
    CHECK(r.returned == 0);
    CHECK(r.records.empty());
    CHECK(r.counters.unplaceable_time == 1);
}

TEST_CASE("absolute times read back exactly with or without a header uptime", "[stored_fit]") {
    ExportedFlow f = tcp_flow();
    f.start = at_ms(export_ms - 61'234);
    f.end = at_ms(export_ms - 1'567);
    SECTION("IPFIX") {
        const Fitted r = fit(f, ipfix_context());
        REQUIRE(r.records.size() == 1);
        check_times(r.records[0], export_ms - 61'234, export_ms - 1'567);
        CHECK(r.records[0].last - r.records[0].first == 61'234 - 1'567);
    }
    SECTION("v9 header uptime that holds the flow is kept") {
        const Fitted r = fit(f, v9_context(86'400'000));
        REQUIRE(r.records.size() == 1);
        CHECK(r.records[0].sysuptime == 86'400'000);
        CHECK(r.records[0].first == 86'400'000 - 61'234);
        check_times(r.records[0], export_ms - 61'234, export_ms - 1'567);
    }
    SECTION("v9 header uptime shorter than the flow's age is replaced") {
        // Booted 1 s before the export, yet the flow started a minute ago
        // (a clock-set absolute time): First would be negative.
        const Fitted r = fit(f, v9_context(1'000));
        REQUIRE(r.records.size() == 1);
        CHECK(r.records[0].sysuptime == 61'234);
        CHECK(r.records[0].first == 0);
        check_times(r.records[0], export_ms - 61'234, export_ms - 1'567);
    }
}

TEST_CASE("microseconds before the export become ms before the export", "[stored_fit]") {
    ExportedFlow f = tcp_flow();
    f.start = {FlowClock::before_export, 2'500'000};  // 2.5 s
    f.end = {FlowClock::before_export, 40'000};       // 40 ms
    const Fitted r = fit(f, ipfix_context());
    REQUIRE(r.records.size() == 1);
    check_times(r.records[0], export_ms - 2'500, export_ms - 40);

    // Part of a millisecond: within one ms of the exact instant.
    f.end = {FlowClock::before_export, 1'999};
    const Fitted sub = fit(f, ipfix_context());
    REQUIRE(sub.records.size() == 1);
    const std::int64_t end = flowfile::flow_times(sub.records[0]).end_ms;
    CHECK(end >= export_ms - 2);
    CHECK(end <= export_ms - 1);
}

TEST_CASE("a duration gives the missing start or end", "[stored_fit]") {
    ExportedFlow f = tcp_flow();
    f.duration_ms = 5'000;
    SECTION("start and duration") {
        f.end = {};
        const Fitted r = fit(f, ipfix_context());
        REQUIRE(r.records.size() == 1);
        check_times(r.records[0], export_ms - 60'000, export_ms - 55'000);
    }
    SECTION("end and duration") {
        f.start = {};
        const Fitted r = fit(f, ipfix_context());
        REQUIRE(r.records.size() == 1);
        check_times(r.records[0], export_ms - 6'000, export_ms - 1'000);
    }
    SECTION("start and end win over the duration") {
        const Fitted r = fit(f, ipfix_context());
        REQUIRE(r.records.size() == 1);
        check_times(r.records[0], export_ms - 60'000, export_ms - 1'000);
    }
    CHECK(fit(f, ipfix_context()).counters.untimed == 0);
}

TEST_CASE("a single time is both start and end", "[stored_fit]") {
    ExportedFlow f = tcp_flow();
    SECTION("start only") {
        f.end = {};
        const Fitted r = fit(f, ipfix_context());
        REQUIRE(r.records.size() == 1);
        check_times(r.records[0], export_ms - 60'000, export_ms - 60'000);
    }
    SECTION("end only") {
        f.start = {};
        const Fitted r = fit(f, ipfix_context());
        REQUIRE(r.records.size() == 1);
        check_times(r.records[0], export_ms - 1'000, export_ms - 1'000);
    }
}

TEST_CASE("a flow without times is stored at the export time and counted", "[stored_fit]") {
    ExportedFlow f = tcp_flow();
    f.start = {};
    f.end = {};
    SECTION("no duration") {}
    SECTION("a duration alone places nothing") {
        f.duration_ms = 3'000;
    }
    const Fitted r = fit(f, v9_context(123'456));
    REQUIRE(r.records.size() == 1);
    CHECK(r.counters.untimed == 1);
    check_times(r.records[0], export_ms, export_ms);
    CHECK(r.records[0].sysuptime == 123'456);
}

TEST_CASE("8-byte times no flow can have are unplaceable, whatever the other fields",
          "[stored_fit]") {
    // An 8-byte millisecond field can hold up to 2^64-1: found by the fuzzer,
    // such a start once overflowed the arithmetic after it.
    const std::int64_t extremes[] = {std::numeric_limits<std::int64_t>::max(),
                                     std::numeric_limits<std::int64_t>::min(),
                                     std::int64_t{1} << 50, -(std::int64_t{1} << 50)};
    for (const std::int64_t t : extremes) {
        INFO(t);
        ExportedFlow f = tcp_flow();
        f.start = at_ms(t);
        f.duration_ms = 4'000'000'000;
        const Fitted r = fit(f, ipfix_context());
        CHECK(r.records.empty());
        CHECK(r.counters.unplaceable_time == 1);
        ExportedFlow g = tcp_flow();
        g.start = {capture::FlowClock::uptime_ms, 1000};
        g.end = {capture::FlowClock::uptime_ms, 2000};
        g.system_init_ms = t;
        CHECK(fit(g, ipfix_context()).counters.unplaceable_time == 1);
    }
}

TEST_CASE("times more than 2^32 ms from the export are unplaceable", "[stored_fit]") {
    // First, Last and sysUpTime are 32-bit ms: about 49.7 days.
    const std::int64_t span = static_cast<std::int64_t>(max32);
    struct Case {
        std::string what;
        std::int64_t start, end;  // ms relative to the export
        bool placeable;
    };
    const std::vector<Case> cases = {
        {"start exactly 2^32-1 ms before", -span, 0, true},
        {"start 2^32 ms before", -span - 1, 0, false},
        {"start 60 days before", -60LL * 86'400'000, -1'000, false},
        {"end exactly 2^32-1 ms after", 0, span, true},
        {"end 2^32 ms after", 0, span + 1, false},
        {"start 2^32 ms after", span + 1, span + 2, false},
        {"each side in range but the span is not", -3'000'000'000LL, 2'000'000'000LL, false},
        {"span of exactly 2^32-1 ms across the export", -3'000'000'000LL, span - 3'000'000'000LL,
         true},
    };
    for (const Case& c : cases) {
        DYNAMIC_SECTION(c.what) {
            ExportedFlow f = tcp_flow();
            f.start = at_ms(export_ms + c.start);
            f.end = at_ms(export_ms + c.end);
            for (const ExportContext& ctx : {ipfix_context(), v9_context(1'000)}) {
                const Fitted r = fit(f, ctx);
                if (c.placeable) {
                    REQUIRE(r.records.size() == 1);
                    CHECK(r.counters.unplaceable_time == 0);
                    check_times(r.records[0], export_ms + c.start, export_ms + c.end);
                } else {
                    CHECK(r.records.empty());
                    CHECK(r.returned == 0);
                    CHECK(r.counters.unplaceable_time == 1);
                }
            }
        }
    }
}

TEST_CASE("First, Last and sysUpTime give back the exact times for any clock", "[stored_fit]") {
    // A grid of ages (ms before the export; negative: after it) and header
    // uptimes.  Whenever 32-bit S, S - age(start) and S - age(end) exist the
    // record is stored and reads back exactly, else it is counted.
    const std::vector<std::int64_t> ages = {0,
                                            1,
                                            999,
                                            60'000,
                                            86'400'000,
                                            -5'000,
                                            2'000'000'000,
                                            4'000'000'000,
                                            static_cast<std::int64_t>(max32),
                                            -2'000'000'000};
    const std::vector<std::uint32_t> uptimes = {0, 1, 65'000, 3'000'000'000u,
                                                static_cast<std::uint32_t>(max32)};
    const std::int64_t top = static_cast<std::int64_t>(max32);
    int stored = 0, refused = 0;
    for (std::int64_t age_start : ages)
        for (std::int64_t age_end : ages) {
            const std::int64_t lo = std::max<std::int64_t>({0, age_start, age_end});
            const std::int64_t hi = std::min<std::int64_t>({top, top + age_start, top + age_end});
            const bool placeable = lo <= hi;
            for (int header = 0; header <= static_cast<int>(uptimes.size()); ++header) {
                const ExportContext ctx =
                    header == 0 ? ipfix_context() : v9_context(uptimes[header - 1]);
                ExportedFlow f = tcp_flow();
                f.start = at_ms(export_ms - age_start);
                f.end = at_ms(export_ms - age_end);
                INFO("start age " << age_start << " end age " << age_end << " uptime "
                                  << (header == 0 ? -1 : std::int64_t{uptimes[header - 1]}));
                const Fitted r = fit(f, ctx);
                if (!placeable) {
                    CHECK(r.records.empty());
                    CHECK(r.counters.unplaceable_time == 1);
                    ++refused;
                    continue;
                }
                REQUIRE(r.records.size() == 1);
                const flowfile::Record& rec = r.records[0];
                check_times(rec, export_ms - age_start, export_ms - age_end);
                // The router's uptime is kept whenever it can hold the flow.
                if (header != 0 && uptimes[header - 1] >= lo && uptimes[header - 1] <= hi)
                    CHECK(rec.sysuptime == uptimes[header - 1]);
                ++stored;
            }
        }
    CHECK(stored > 0);
    CHECK(refused > 0);
}

TEST_CASE("a 64-bit counter is split into records whose sums are exact", "[stored_fit]") {
    ExportedFlow f = tcp_flow();
    f.packets = max32 + 1;     // needs 2 records
    f.octets = 3 * max32 + 7;  // needs 4
    const Fitted r = fit(f, v9_context(3'600'000));
    REQUIRE(r.returned == 4);
    REQUIRE(r.records.size() == 4);
    CHECK(r.counters.split_flows == 1);
    CHECK(r.counters.extra_records == 3);
    std::uint64_t packets = 0, octets = 0;
    for (const flowfile::Record& rec : r.records) {
        packets += rec.dpkts;
        octets += rec.doctets;
        CHECK(rec.dpkts > 0);
        // The same flow otherwise.
        flowfile::Record same = rec;
        same.dpkts = r.records[0].dpkts;
        same.doctets = r.records[0].doctets;
        CHECK(same == r.records[0]);
    }
    CHECK(packets == f.packets);
    CHECK(octets == f.octets);
}

TEST_CASE("counters that fit 32 bits stay one record", "[stored_fit]") {
    ExportedFlow f = tcp_flow();
    f.packets = max32;
    f.octets = max32;
    const Fitted r = fit(f, ipfix_context());
    REQUIRE(r.records.size() == 1);
    CHECK(r.records[0].dpkts == max32);
    CHECK(r.records[0].doctets == max32);
    CHECK(r.counters.split_flows == 0);
    CHECK(r.counters.extra_records == 0);

    f.packets = 0;
    f.octets = 0;
    const Fitted empty = fit(f, ipfix_context());
    REQUIRE(empty.records.size() == 1);
    CHECK(empty.records[0].dpkts == 0);
    CHECK(empty.records[0].doctets == 0);
}

TEST_CASE("counters needing more than max_split_records records are not stored", "[stored_fit]") {
    ExportedFlow f = tcp_flow();
    SECTION("exactly max_split_records records") {
        f.octets = capture::max_split_records * max32;
        const Fitted r = fit(f, ipfix_context());
        CHECK(r.returned == capture::max_split_records);
        REQUIRE(r.records.size() == capture::max_split_records);
        CHECK(r.counters.oversized == 0);
        CHECK(r.counters.extra_records == capture::max_split_records - 1);
        std::uint64_t octets = 0, packets = 0;
        for (const flowfile::Record& rec : r.records) {
            octets += rec.doctets;
            packets += rec.dpkts;
        }
        CHECK(octets == f.octets);
        CHECK(packets == f.packets);
    }
    SECTION("one byte more") {
        f.octets = capture::max_split_records * max32 + 1;
        const Fitted r = fit(f, ipfix_context());
        CHECK(r.returned == 0);
        CHECK(r.records.empty());
        CHECK(r.counters.oversized == 1);
        CHECK(r.counters.split_flows == 0);
    }
    SECTION("the largest 8-byte packet count") {
        f.packets = std::numeric_limits<std::uint64_t>::max();
        const Fitted r = fit(f, ipfix_context());
        CHECK(r.records.empty());
        CHECK(r.counters.oversized == 1);
    }
    SECTION("an octet count just under 2^64") {
        f.octets = std::numeric_limits<std::uint64_t>::max() - max32 + 2;
        const Fitted r = fit(f, ipfix_context());
        CHECK(r.records.empty());
        CHECK(r.counters.oversized == 1);
    }
}

TEST_CASE("a flow needing more records than the budget left is not stored", "[stored_fit]") {
    ExportedFlow f = tcp_flow();
    f.octets = 3 * max32;  // 3 records
    std::vector<flowfile::Record> out;
    FitCounters counters;
    CHECK(fit_to_stored(f, ipfix_context(), out, counters, 2) == 0);
    CHECK(out.empty());
    CHECK(counters.oversized == 1);
    CHECK(fit_to_stored(f, ipfix_context(), out, counters, 3) == 3);
    CHECK(out.size() == 3);
    CHECK(counters.oversized == 1);
    CHECK(counters.split_flows == 1);
}

TEST_CASE("an ifIndex over 65535 is stored as 65535 and counted", "[stored_fit]") {
    ExportedFlow f = tcp_flow();
    SECTION("input") {
        f.input = 70'000;
        const Fitted r = fit(f, ipfix_context());
        REQUIRE(r.records.size() == 1);
        CHECK(r.records[0].input == 65535);
        CHECK(r.records[0].output == 7);
        CHECK(r.counters.ifindex_clamped == 1);
    }
    SECTION("both, one flow counted once") {
        f.input = 0x10000;
        f.output = 0xffffffff;
        const Fitted r = fit(f, ipfix_context());
        REQUIRE(r.records.size() == 1);
        CHECK(r.records[0].input == 65535);
        CHECK(r.records[0].output == 65535);
        CHECK(r.counters.ifindex_clamped == 1);
    }
    SECTION("65535 itself fits") {
        f.output = 65535;
        const Fitted r = fit(f, ipfix_context());
        REQUIRE(r.records.size() == 1);
        CHECK(r.records[0].output == 65535);
        CHECK(r.counters.ifindex_clamped == 0);
    }
}

TEST_CASE("a 4-byte AS number is stored as AS_TRANS and counted", "[stored_fit]") {
    // RFC 6793 §9: AS_TRANS is 23456.
    CHECK(capture::as_trans_number == 23456);
    ExportedFlow f = tcp_flow();
    f.src_as = 65536;
    f.dst_as = 65535;
    const Fitted r = fit(f, ipfix_context());
    REQUIRE(r.records.size() == 1);
    CHECK(r.records[0].src_as == 23456);
    CHECK(r.records[0].dst_as == 65535);
    CHECK(r.counters.as_trans == 1);

    f.src_as = 4'200'000'000u;  // private 4-byte range (RFC 6996)
    f.dst_as = 4'200'000'001u;
    const Fitted both = fit(f, ipfix_context());
    REQUIRE(both.records.size() == 1);
    CHECK(both.records[0].src_as == 23456);
    CHECK(both.records[0].dst_as == 23456);
    CHECK(both.counters.as_trans == 1);
}

TEST_CASE("ICMP type and code go into the destination port", "[stored_fit]") {
    ExportedFlow f = tcp_flow();
    f.prot = 1;
    f.srcport = 0;
    f.dstport = 0;
    f.has_icmp_type_code = true;
    f.icmp_type_code = 3 * 256 + 1;  // destination unreachable, host
    SECTION("when the port is 0") {
        const Fitted r = fit(f, ipfix_context());
        REQUIRE(r.records.size() == 1);
        CHECK(r.records[0].dstport == 769);
    }
    SECTION("a port the exporter set wins") {
        f.dstport = 8 * 256;
        const Fitted r = fit(f, ipfix_context());
        REQUIRE(r.records.size() == 1);
        CHECK(r.records[0].dstport == 2048);
    }
    SECTION("type 0 code 0 (echo reply) is a value too") {
        f.icmp_type_code = 0;
        const Fitted r = fit(f, ipfix_context());
        REQUIRE(r.records.size() == 1);
        CHECK(r.records[0].dstport == 0);
    }
    SECTION("no ICMP field leaves the port alone") {
        f.has_icmp_type_code = false;
        const Fitted r = fit(f, ipfix_context());
        REQUIRE(r.records.size() == 1);
        CHECK(r.records[0].dstport == 0);
    }
}

TEST_CASE("engine type and ID come from the v9 source ID unless the record has them",
          "[stored_fit]") {
    ExportContext c = v9_context(3'600'000);
    c.domain = 0x1234'0a05;
    c.engine_from_domain = true;
    ExportedFlow f = tcp_flow();
    SECTION("from a v9 source ID's low two bytes") {
        const Fitted r = fit(f, c);
        REQUIRE(r.records.size() == 1);
        CHECK(r.records[0].engine_type == 0x0a);
        CHECK(r.records[0].engine_id == 0x05);
    }
    SECTION("the record's own fields") {
        f.has_engine_type = f.has_engine_id = true;
        f.engine_type = 1;
        f.engine_id = 0;
        const Fitted r = fit(f, c);
        REQUIRE(r.records.size() == 1);
        CHECK(r.records[0].engine_type == 1);
        CHECK(r.records[0].engine_id == 0);
    }
    SECTION("one of the record's fields, the other from the source ID") {
        f.has_engine_id = true;
        f.engine_id = 7;
        const Fitted r = fit(f, c);
        REQUIRE(r.records.size() == 1);
        CHECK(r.records[0].engine_type == 0x0a);
        CHECK(r.records[0].engine_id == 7);
    }
    SECTION("an IPFIX domain is only a number") {
        ExportContext ipfix = ipfix_context();
        ipfix.domain = c.domain;
        const Fitted r = fit(f, ipfix);
        REQUIRE(r.records.size() == 1);
        CHECK(r.records[0].engine_type == 0);
        CHECK(r.records[0].engine_id == 0);
    }
}

TEST_CASE("stored version 1 has no masks, AS numbers or engine", "[stored_fit]") {
    ExportContext c = v9_context(3'600'000);
    c.stored_version = 1;
    c.domain = 0x0102;
    c.engine_from_domain = true;
    ExportedFlow f = tcp_flow();
    f.src_as = 100'000;
    f.has_engine_type = f.has_engine_id = true;
    f.engine_type = 3;
    f.engine_id = 4;
    const Fitted r = fit(f, c);
    REQUIRE(r.records.size() == 1);
    const flowfile::Record& rec = r.records[0];
    CHECK(rec.src_mask == 0);
    CHECK(rec.dst_mask == 0);
    CHECK(rec.src_as == 0);
    CHECK(rec.dst_as == 0);
    CHECK(rec.engine_type == 0);
    CHECK(rec.engine_id == 0);
    // Nothing was stored as AS_TRANS.
    CHECK(r.counters.as_trans == 0);
    // The v1 fields are all there.
    CHECK(rec.srcaddr == 0x0a000001);
    CHECK(rec.dpkts == 10);
    CHECK(rec.dstport == 443);
    check_times(rec, export_ms - 60'000, export_ms - 1'000);
}

TEST_CASE("fit counters add field by field", "[stored_fit]") {
    FitCounters a, b;
    a.ipv6_flows = 1;
    a.unplaceable_time = 2;
    a.no_address = 3;
    a.oversized = 4;
    a.untimed = 5;
    a.split_flows = 6;
    a.extra_records = 7;
    a.ifindex_clamped = 8;
    a.as_trans = 9;
    b = a;
    b += a;
    CHECK(b.ipv6_flows == 2);
    CHECK(b.unplaceable_time == 4);
    CHECK(b.no_address == 6);
    CHECK(b.oversized == 8);
    CHECK(b.untimed == 10);
    CHECK(b.split_flows == 12);
    CHECK(b.extra_records == 14);
    CHECK(b.ifindex_clamped == 16);
    CHECK(b.as_trans == 18);
}
