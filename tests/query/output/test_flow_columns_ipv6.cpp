// The columns of an IPv6 flow: RFC 5952 addresses, an IPv4-mapped exporter
// as dotted IPv4, 64-bit counters, 32-bit ifIndex and AS, the record's own
// millisecond times, traffic class in the tos column, ICMPv6 type/code.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "flowfile/ipv6_text.hpp"
#include "flowfile/record6.hpp"
#include "output/flow_columns.hpp"

using namespace flowquery;
using flowfile::Record6;

namespace {

flowfile::Ipv6Address v6(const char* text) {
    return flowfile::parse_ipv6_prefix(text).value().address;
}

Record6 tcp6() {
    Record6 r;
    r.srcaddr = v6("2001:0db8:0003:0700:0000:0000:0000:001a");
    r.dstaddr = v6("2001:db8:0:0:1:0:0:1");
    r.nexthop = v6("fe80::0:1");
    r.exaddr = flowfile::ipv4_mapped(0xc6336401);  // 198.51.100.1
    r.start_ms = 1796328012345;                    // 2026-12-03T20:00:12.345Z
    r.end_ms = 1796328624345;
    r.prot = 6;
    r.srcport = 51234;
    r.dstport = 443;
    r.dpkts = 5000000000ULL;
    r.doctets = 7000000000000ULL;
    r.tcp_flags = 0x12;
    r.traffic_class = 0xb8;
    r.input = 4000000000u;
    r.output = 70000;
    r.src_as = 4200000001u;
    r.dst_as = 65536;
    r.src_mask = 56;
    r.dst_mask = 128;
    r.engine_type = 1;
    r.engine_id = 2;
    return r;
}

std::vector<std::string> render(const std::vector<FlowColumn>& columns, const Record6& r) {
    FlowRenderer renderer(columns, {.zone = TimeZoneStyle::utc});
    std::vector<std::string> out;
    renderer.render(r, [&](FlowColumn, std::string_view value) { out.emplace_back(value); });
    return out;
}

}  // namespace

TEST_CASE("an IPv6 TCP flow in every column") {
    using C = FlowColumn;
    const std::vector<FlowColumn> columns{
        C::start,    C::end,      C::duration,    C::protocol,  C::src_ip,    C::src_port,
        C::dst_ip,   C::dst_port, C::packets,     C::bytes,     C::tcp_flags, C::tos,
        C::exporter, C::input,    C::output,      C::nexthop,   C::src_as,    C::dst_as,
        C::src_mask, C::dst_mask, C::engine_type, C::engine_id, C::event};
    const std::vector<std::string> expected{"2026-12-03T20:00:12.345Z",
                                            "2026-12-03T20:10:24.345Z",
                                            "612.000",
                                            "6",
                                            "2001:db8:3:700::1a",  // RFC 5952: shortest form
                                            "51234",
                                            "2001:db8::1:0:0:1",  // the first longest zero run
                                            "443",
                                            "5000000000",
                                            "7000000000000",
                                            ".A..S.",
                                            "184",
                                            "198.51.100.1",
                                            "4000000000",
                                            "70000",
                                            "fe80::1",
                                            "4200000001",
                                            "65536",
                                            "56",
                                            "128",
                                            "1",
                                            "2",
                                            "successful"};
    CHECK(render(columns, tcp6()) == expected);
}

TEST_CASE("an IPv6 exporter prints as IPv6, a mapped one as its IPv4 address") {
    Record6 r = tcp6();
    CHECK(render({FlowColumn::exporter}, r) == std::vector<std::string>{"198.51.100.1"});
    r.exaddr = v6("2001:db8:0:1::fe");
    CHECK(render({FlowColumn::exporter}, r) == std::vector<std::string>{"2001:db8:0:1::fe"});
    r.exaddr = v6("::ffff:0:0");  // mapped 0.0.0.0: still an IPv4 exporter
    CHECK(render({FlowColumn::exporter}, r) == std::vector<std::string>{"0.0.0.0"});
}

TEST_CASE("ICMPv6: type/code in the destination port, no source port, no flags") {
    Record6 r = tcp6();
    r.prot = 58;
    r.srcport = 0;
    r.dstport = 128 * 256;  // echo request
    r.tcp_flags = 0;
    CHECK(render({FlowColumn::src_port, FlowColumn::dst_port, FlowColumn::tcp_flags,
                  FlowColumn::event},
                 r) == std::vector<std::string>{"", "128/0", "", "n/a"});
}

TEST_CASE("an IPv6 end before its start is a zero duration, not a huge one") {
    Record6 r = tcp6();
    r.end_ms = r.start_ms - 5;
    CHECK(render({FlowColumn::duration}, r) == std::vector<std::string>{"0.000"});
}

TEST_CASE("the address columns, and only they, widen for IPv6") {
    for (int c = 0; c <= static_cast<int>(FlowColumn::connection); ++c) {
        const auto column = static_cast<FlowColumn>(c);
        const bool address = column == FlowColumn::src_ip || column == FlowColumn::dst_ip ||
                             column == FlowColumn::nexthop || column == FlowColumn::exporter;
        CHECK(is_address_column(column) == address);
    }
    CHECK(flowfile::ipv6_text(v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")).size() ==
          static_cast<std::size_t>(ipv6_address_width));
}
