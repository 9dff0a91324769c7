#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "decode/stored_fit.hpp"
#include "decode/stored_fit6.hpp"
#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"

using capture::ExportContext;
using capture::ExportedFlow;
using capture::fit_to_stored6;
using capture::FitCounters;
using capture::FlowClock;
using capture::FlowInstant;
using flowfile::Ipv6Address;

namespace {

constexpr std::uint32_t export_secs = 1'700'000'000;  // 2023-11-14T22:13:20Z
constexpr std::int64_t export_ms = std::int64_t{export_secs} * 1000;
constexpr std::uint32_t router = 0xc0000201;  // 192.0.2.1

// 2001:db8:1:2::<last>
Ipv6Address address(std::uint8_t last) {
    return {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, last};
}

ExportContext v9_context(std::uint32_t sysuptime) {
    ExportContext c;
    c.unix_secs = export_secs;
    c.has_sysuptime = true;
    c.sysuptime = sysuptime;
    c.exporter = router;
    c.exporter_address = flowfile::ipv4_mapped(router);
    c.engine_from_domain = true;
    return c;
}

ExportContext ipfix_context() {
    ExportContext c;
    c.unix_secs = export_secs;
    c.exporter = router;
    c.exporter_address = flowfile::ipv4_mapped(router);
    return c;
}

FlowInstant at_ms(std::int64_t ms) {
    return {FlowClock::absolute_ms, ms};
}

// An HTTPS flow of the last minute over IPv6.
ExportedFlow tcp6_flow() {
    ExportedFlow f;
    f.ip_version = 6;
    f.src6 = address(1);
    f.dst6 = address(2);
    f.nexthop6 = address(0xfe);
    f.packets = 10;
    f.octets = 1500;
    f.input = 3;
    f.output = 7;
    f.srcport = 40000;
    f.dstport = 443;
    f.prot = 6;
    f.tos = 0x28;
    f.tcp_flags = 0x1b;
    f.src_mask = 56;
    f.dst_mask = 48;
    f.src_as = 64500;
    f.dst_as = 64501;
    f.flow_label = 0x12345;
    f.start = at_ms(export_ms - 60'000);
    f.end = at_ms(export_ms - 1'000);
    return f;
}

struct Fitted {
    std::vector<flowfile::Record6> records;
    FitCounters counters;
    std::size_t returned = 0;
};

Fitted fit(const ExportedFlow& flow, const ExportContext& context,
           std::size_t budget = capture::max_split_records) {
    Fitted f;
    f.returned = fit_to_stored6(flow, context, f.records, f.counters, budget);
    return f;
}

}  // namespace

TEST_CASE("the fields of an IPv6 record are copied as exported", "[stored_fit6]") {
    ExportContext c = ipfix_context();
    c.domain = 0x0102'0304;
    const Fitted r = fit(tcp6_flow(), c);
    REQUIRE(r.returned == 1);
    REQUIRE(r.records.size() == 1);
    const flowfile::Record6& rec = r.records[0];
    CHECK(rec.srcaddr == address(1));
    CHECK(rec.dstaddr == address(2));
    CHECK(rec.nexthop == address(0xfe));
    CHECK(rec.exaddr == flowfile::ipv4_mapped(router));
    CHECK(rec.dpkts == 10);
    CHECK(rec.doctets == 1500);
    CHECK(rec.start_ms == export_ms - 60'000);
    CHECK(rec.end_ms == export_ms - 1'000);
    CHECK(rec.input == 3);
    CHECK(rec.output == 7);
    CHECK(rec.src_as == 64500);
    CHECK(rec.dst_as == 64501);
    CHECK(rec.flow_label == 0x12345);
    CHECK(rec.domain == 0x0102'0304);
    CHECK(rec.srcport == 40000);
    CHECK(rec.dstport == 443);
    CHECK(rec.prot == 6);
    CHECK(rec.traffic_class == 0x28);
    CHECK(rec.tcp_flags == 0x1b);
    CHECK(rec.src_mask == 56);
    CHECK(rec.dst_mask == 48);
    // An IPFIX observation domain is only a number.
    CHECK(rec.engine_type == 0);
    CHECK(rec.engine_id == 0);
    CHECK(rec.pad == 0);
    CHECK(r.counters.ipv6_flows == 1);
    CHECK(r.counters.untimed == 0);
}

TEST_CASE("an IPv6 exporter's own address is the record's exaddr", "[stored_fit6]") {
    ExportContext c = ipfix_context();
    c.exporter = 0;
    c.exporter_address = address(0x99);
    const Fitted r = fit(tcp6_flow(), c);
    REQUIRE(r.records.size() == 1);
    CHECK(r.records[0].exaddr == address(0x99));
}

TEST_CASE("IPv6 records are appended to what is already there", "[stored_fit6]") {
    std::vector<flowfile::Record6> out(2);
    out[0].srcport = 1;
    out[1].srcport = 2;
    FitCounters counters;
    CHECK(fit_to_stored6(tcp6_flow(), ipfix_context(), out, counters) == 1);
    REQUIRE(out.size() == 3);
    CHECK(out[0].srcport == 1);
    CHECK(out[1].srcport == 2);
    CHECK(out[2].srcport == 40000);
}

TEST_CASE("IPv6 counters, ifIndex and AS numbers keep their full width", "[stored_fit6]") {
    ExportedFlow f = tcp6_flow();
    f.packets = std::numeric_limits<std::uint64_t>::max();
    f.octets = (std::uint64_t{1} << 42) + 12345;  // past what a v5 flow may split into
    f.input = 0x0010'0001;
    f.output = std::numeric_limits<std::uint32_t>::max();
    f.src_as = 4'200'000'000;
    f.dst_as = 65536;
    const Fitted r = fit(f, ipfix_context());
    REQUIRE(r.records.size() == 1);
    const flowfile::Record6& rec = r.records[0];
    CHECK(rec.dpkts == std::numeric_limits<std::uint64_t>::max());
    CHECK(rec.doctets == (std::uint64_t{1} << 42) + 12345);
    CHECK(rec.input == 0x0010'0001);
    CHECK(rec.output == std::numeric_limits<std::uint32_t>::max());
    CHECK(rec.src_as == 4'200'000'000);
    CHECK(rec.dst_as == 65536);
    // None of the v5 record's fitting applies.
    CHECK(r.counters.split_flows == 0);
    CHECK(r.counters.extra_records == 0);
    CHECK(r.counters.oversized == 0);
    CHECK(r.counters.ifindex_clamped == 0);
    CHECK(r.counters.as_trans == 0);
}

TEST_CASE("the flow label is its element's low 20 bits", "[stored_fit6]") {
    ExportedFlow f = tcp6_flow();
    f.flow_label = 0xfff'abcde;
    const Fitted r = fit(f, ipfix_context());
    REQUIRE(r.records.size() == 1);
    CHECK(r.records[0].flow_label == 0xabcde);
}

TEST_CASE("IPv6 engine type and ID follow the v5 records' rule", "[stored_fit6]") {
    ExportContext c = v9_context(3'600'000);
    c.domain = 0x1234'0a05;
    ExportedFlow f = tcp6_flow();
    SECTION("from a v9 source ID's low two bytes") {
        const Fitted r = fit(f, c);
        REQUIRE(r.records.size() == 1);
        CHECK(r.records[0].engine_type == 0x0a);
        CHECK(r.records[0].engine_id == 0x05);
        CHECK(r.records[0].domain == 0x1234'0a05);
    }
    SECTION("one of the record's fields, the other from the source ID") {
        f.has_engine_id = true;
        f.engine_id = 7;
        const Fitted r = fit(f, c);
        REQUIRE(r.records.size() == 1);
        CHECK(r.records[0].engine_type == 0x0a);
        CHECK(r.records[0].engine_id == 7);
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
}

TEST_CASE("ICMPv6 type and code go into the destination port", "[stored_fit6]") {
    ExportedFlow f = tcp6_flow();
    f.prot = 58;
    f.srcport = 0;
    f.dstport = 0;
    f.has_icmp_type_code = true;
    f.icmp_type_code = 128 * 256;  // echo request
    const Fitted r = fit(f, ipfix_context());
    REQUIRE(r.records.size() == 1);
    CHECK(r.records[0].dstport == 32768);
}

TEST_CASE("an IPv6 flow's times are those its v5 record would read back", "[stored_fit6]") {
    // The same flow as IPv4 and as IPv6: flow-tools' reader of the v5
    // record and the IPv6 record must give the same instants.
    struct Case {
        std::string what;
        ExportContext context;
        FlowInstant start, end;
        std::int64_t duration_ms = -1;
        std::int64_t system_init_ms = -1;
    };
    const std::vector<Case> cases = {
        {"IPFIX absolute ms", ipfix_context(), at_ms(export_ms - 61'234), at_ms(export_ms - 1'567)},
        {"v9 absolute ms", v9_context(86'400'000), at_ms(export_ms - 61'234),
         at_ms(export_ms - 1'567)},
        {"v9 sysUpTime-relative",
         v9_context(3'600'000),
         {FlowClock::uptime_ms, 3'500'000},
         {FlowClock::uptime_ms, 3'590'000}},
        {"v9 sysUpTime-relative after the header's",
         v9_context(10'000),
         {FlowClock::uptime_ms, 9'000},
         {FlowClock::uptime_ms, 10'250}},
        {"IPFIX uptime with systemInitTimeMilliseconds",
         ipfix_context(),
         {FlowClock::uptime_ms, 9'000'000},
         {FlowClock::uptime_ms, 9'999'000},
         -1,
         export_ms - 10'000'000},
        {"delta microseconds before the export",
         ipfix_context(),
         {FlowClock::before_export, 2'500'000},
         {FlowClock::before_export, 40'000}},
        {"start and duration", ipfix_context(), at_ms(export_ms - 60'000), {}, 5'000},
        {"end and duration", ipfix_context(), {}, at_ms(export_ms - 1'000), 5'000},
        {"start only", ipfix_context(), at_ms(export_ms - 60'000), {}},
        {"end only", v9_context(5'000), {}, {FlowClock::uptime_ms, 4'000}},
        {"no time at all", v9_context(123'456), {}, {}},
    };
    for (const Case& c : cases) {
        INFO(c.what);
        ExportedFlow f6 = tcp6_flow();
        f6.start = c.start;
        f6.end = c.end;
        f6.duration_ms = c.duration_ms;
        f6.system_init_ms = c.system_init_ms;
        ExportedFlow f4 = f6;
        f4.ip_version = 4;
        f4.src4 = 0x0a000001;
        f4.dst4 = 0x0a000002;

        std::vector<flowfile::Record> v5;
        FitCounters counters4;
        REQUIRE(capture::fit_to_stored(f4, c.context, v5, counters4) == 1);
        const Fitted r = fit(f6, c.context);
        REQUIRE(r.records.size() == 1);
        const flowfile::FlowTimes t = flowfile::flow_times(v5[0]);
        CHECK(r.records[0].start_ms == t.start_ms);
        CHECK(r.records[0].end_ms == t.end_ms);
        CHECK(r.counters.untimed == counters4.untimed);
    }
}

TEST_CASE("IPv6 times that cannot be placed are counted, not stored", "[stored_fit6]") {
    ExportedFlow f = tcp6_flow();
    SECTION("uptime without an uptime origin") {
        f.start = {FlowClock::uptime_ms, 1'000};
    }
    SECTION("an 8-byte time no flow can have") {
        f.end = at_ms(std::numeric_limits<std::int64_t>::max());
    }
    const Fitted r = fit(f, ipfix_context());
    CHECK(r.returned == 0);
    CHECK(r.records.empty());
    CHECK(r.counters.unplaceable_time == 1);
    CHECK(r.counters.ipv6_flows == 0);
}

TEST_CASE("IPv6 times far from the export time are kept exactly", "[stored_fit6]") {
    // A v5 record's 32-bit uptime cannot hold 60 days; an absolute time can.
    const std::int64_t sixty_days_ms = std::int64_t{60} * 86'400'000;
    ExportedFlow f = tcp6_flow();
    f.start = at_ms(export_ms - sixty_days_ms);
    f.end = at_ms(export_ms - sixty_days_ms + 500);
    const Fitted r = fit(f, ipfix_context());
    REQUIRE(r.records.size() == 1);
    CHECK(r.records[0].start_ms == export_ms - sixty_days_ms);
    CHECK(r.records[0].end_ms == export_ms - sixty_days_ms + 500);
    CHECK(r.counters.unplaceable_time == 0);
}

TEST_CASE("an IPv6 flow past the datagram's record budget is not stored", "[stored_fit6]") {
    const Fitted r = fit(tcp6_flow(), ipfix_context(), 0);
    CHECK(r.returned == 0);
    CHECK(r.records.empty());
    CHECK(r.counters.oversized == 1);
    CHECK(r.counters.ipv6_flows == 0);
}
