#include <catch2/catch.hpp>

#include <filesystem>
#include <vector>

#include "filter/flow_filter.hpp"

using flowfile::Ipv6Address;
using flowfile::Record;
using flowfile::Record6;
using flowquery::AddressSet;
using flowquery::FilterSpec;
using flowquery::FlowFilter;
using flowquery::FlowWindow;
using flowquery::PortSet;
using flowquery::ProtocolSet;
using flowquery::ServiceNames;

namespace {

constexpr std::uint32_t ip(unsigned a, unsigned b, unsigned c, unsigned d) {
    return a << 24 | b << 16 | c << 8 | d;
}

Ipv6Address v6(std::string_view text) {
    const auto prefix = flowfile::parse_ipv6_prefix(text);
    REQUIRE(prefix);
    return prefix->address;
}

const ServiceNames& names() {
    static const ServiceNames fixture =
        ServiceNames::load(std::filesystem::path(FLOWKEEP_TEST_DATA) / "query" / "services",
                           std::filesystem::path(FLOWKEEP_TEST_DATA) / "query" / "protocols");
    return fixture;
}

Record6 flow6(std::string_view src, std::uint16_t sport, std::string_view dst, std::uint16_t dport,
              std::uint8_t prot = 6) {
    Record6 r;
    r.srcaddr = v6(src);
    r.srcport = sport;
    r.dstaddr = v6(dst);
    r.dstport = dport;
    r.prot = prot;
    r.exaddr = v6("2001:db8:ffff::1");
    r.start_ms = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
    r.end_ms = r.start_ms + 1000;
    return r;
}

Record flow4(std::uint32_t src, std::uint32_t dst) {
    Record r;
    r.srcaddr = src;
    r.dstaddr = dst;
    r.srcport = 40000;
    r.dstport = 443;
    r.prot = 6;
    r.exaddr = ip(192, 0, 2, 1);
    return r;
}

// What select() keeps, checked against matches() record by record.
std::vector<Record6> selected(const FlowFilter& filter, const std::vector<Record6>& in) {
    std::vector<Record6> out;
    filter.select(in, out);
    std::vector<Record6> one_by_one;
    for (const Record6& r : in)
        if (filter.matches(r)) one_by_one.push_back(r);
    CHECK(out == one_by_one);
    return out;
}

FilterSpec with_ip(std::string_view list) {
    FilterSpec spec;
    spec.ip = AddressSet::parse(list, "--ip");
    return spec;
}

}  // namespace

TEST_CASE("an empty spec accepts every IPv6 flow") {
    const FlowFilter filter{FilterSpec{}};
    CHECK(filter.accepts_ipv4());
    CHECK(filter.accepts_ipv6());
    const std::vector<Record6> in = {flow6("2001:db8::1", 1, "2001:db8::2", 2),
                                     flow6("::", 0, "::", 0, 58)};
    CHECK(selected(filter, in) == in);
}

TEST_CASE("ip matches the IPv6 source or destination and src-ip or dst-ip one side") {
    const Record6 out_bound = flow6("2001:db8:3:7::10", 40000, "2001:db8:beef::1", 443);
    const Record6 in_bound = flow6("2001:db8:beef::1", 443, "2001:db8:3:7::10", 40000);
    const Record6 other = flow6("2001:db8:3:8::10", 40000, "2001:db8:beef::2", 443);
    const std::vector<Record6> in = {out_bound, in_bound, other};

    CHECK(selected(FlowFilter(with_ip("2001:db8:3:7::/64")), in) ==
          std::vector<Record6>{out_bound, in_bound});
    FilterSpec src;
    src.src_ip = AddressSet::parse("2001:db8:3:7::/64", "--src-ip");
    CHECK(selected(FlowFilter(src), in) == std::vector<Record6>{out_bound});
    FilterSpec dst;
    dst.dst_ip = AddressSet::parse("2001:db8:3:7::10", "--dst-ip");
    CHECK(selected(FlowFilter(dst), in) == std::vector<Record6>{in_bound});
    CHECK(selected(FlowFilter(with_ip("2001:db8::/32")), in) == in);
    // Several ranges: the set, not the single-range shortcut.
    CHECK(selected(FlowFilter(with_ip("2001:db8:3:8::/64,2001:db8:beef::1")), in) == in);
    CHECK(selected(FlowFilter(with_ip("2001:db8:3:8::/64,2001:db8:9::/48")), in) ==
          std::vector<Record6>{other});
}

TEST_CASE("an address filter of one family selects no flow of the other") {
    const Record6 v6_flow = flow6("2001:db8:3:7::10", 40000, "2001:db8:beef::1", 443);
    const Record v4_flow = flow4(ip(10, 0, 3, 7), ip(198, 51, 100, 1));

    const FlowFilter only_v4{with_ip("10.0.0.0/8")};
    CHECK(only_v4.accepts_ipv4());
    CHECK_FALSE(only_v4.accepts_ipv6());
    CHECK(only_v4.matches(v4_flow));
    CHECK_FALSE(only_v4.matches(v6_flow));
    CHECK(selected(only_v4, {v6_flow}).empty());

    const FlowFilter only_v6{with_ip("2001:db8::/32")};
    CHECK_FALSE(only_v6.accepts_ipv4());
    CHECK(only_v6.accepts_ipv6());
    CHECK(only_v6.matches(v6_flow));
    CHECK_FALSE(only_v6.matches(v4_flow));

    const FlowFilter both{with_ip("10.0.0.0/8,2001:db8::/32")};
    CHECK(both.accepts_ipv4());
    CHECK(both.accepts_ipv6());
    CHECK(both.matches(v4_flow));
    CHECK(both.matches(v6_flow));

    // Criteria are ANDed: an IPv4 source with an IPv6 destination is nothing.
    FilterSpec crossed;
    crossed.src_ip = AddressSet::parse("10.0.3.7", "--src-ip");
    crossed.dst_ip = AddressSet::parse("2001:db8:beef::1", "--dst-ip");
    const FlowFilter none{crossed};
    CHECK_FALSE(none.accepts_ipv4());
    CHECK_FALSE(none.accepts_ipv6());
    CHECK_FALSE(none.matches(v4_flow));
    CHECK_FALSE(none.matches(v6_flow));

    // 0.0.0.0/0 is every IPv4 address and no IPv6 one.
    const FlowFilter every_v4{with_ip("0.0.0.0/0")};
    CHECK_FALSE(every_v4.accepts_everything());
    CHECK_FALSE(every_v4.accepts_ipv6());
    CHECK(every_v4.matches(v4_flow));
    CHECK_FALSE(every_v4.matches(v6_flow));
    const FlowFilter every_v6{with_ip("::/0")};
    CHECK(every_v6.matches(v6_flow));
    CHECK_FALSE(every_v6.matches(v4_flow));
    CHECK(FlowFilter(with_ip("0.0.0.0/0,::/0")).accepts_everything());
}

TEST_CASE("an IPv4 exporter filter selects the IPv6 flows that exporter sent") {
    Record6 from_v4_exporter = flow6("2001:db8:3:7::10", 40000, "2001:db8:beef::1", 443);
    from_v4_exporter.exaddr = flowfile::ipv4_mapped(ip(192, 0, 2, 1));
    Record6 from_v6_exporter = from_v4_exporter;
    from_v6_exporter.exaddr = v6("2001:db8:ffff::1");
    Record6 from_other = from_v4_exporter;
    from_other.exaddr = flowfile::ipv4_mapped(ip(192, 0, 2, 2));
    const std::vector<Record6> in = {from_v4_exporter, from_v6_exporter, from_other};

    FilterSpec v4;
    v4.exporter = AddressSet::parse("192.0.2.1", "--exporter");
    const FlowFilter by_v4{v4};
    // The exporter does not decide which files can match.
    CHECK(by_v4.accepts_ipv4());
    CHECK(by_v4.accepts_ipv6());
    CHECK(selected(by_v4, in) == std::vector<Record6>{from_v4_exporter});
    CHECK(by_v4.matches(flow4(ip(10, 0, 3, 7), ip(10, 0, 3, 8))));

    FilterSpec v6_exporter;
    v6_exporter.exporter = AddressSet::parse("2001:db8:ffff::/48", "--exporter");
    const FlowFilter by_v6{v6_exporter};
    CHECK(by_v6.accepts_ipv4());
    CHECK(selected(by_v6, in) == std::vector<Record6>{from_v6_exporter});
    CHECK_FALSE(by_v6.matches(flow4(ip(10, 0, 3, 7), ip(10, 0, 3, 8))));
}

TEST_CASE("IPv6 ports match only TCP, UDP and SCTP, and ICMPv6 carries type and code") {
    const Record6 https = flow6("2001:db8::1", 40000, "2001:db8::2", 443, 6);
    const Record6 quic = flow6("2001:db8::1", 40001, "2001:db8::2", 443, 17);
    const Record6 sctp = flow6("2001:db8::1", 443, "2001:db8::2", 9, 132);
    // ICMPv6 echo request (type 128, code 0) as exporters store it: 128 * 256.
    const Record6 echo = flow6("2001:db8::1", 0, "2001:db8::2", 128 * 256, 58);
    const Record6 unreachable = flow6("2001:db8::1", 0, "2001:db8::2", 443, 58);
    const std::vector<Record6> in = {https, quic, sctp, echo, unreachable};

    FilterSpec port;
    port.port = PortSet::parse("443", "--port", names());
    CHECK(selected(FlowFilter(port), in) == std::vector<Record6>{https, quic, sctp});
    FilterSpec src;
    src.src_port = PortSet::parse("443", "--src-port", names());
    CHECK(selected(FlowFilter(src), in) == std::vector<Record6>{sctp});
    FilterSpec dst;
    dst.dst_port = PortSet::parse("https", "--dst-port", names());
    CHECK(selected(FlowFilter(dst), in) == std::vector<Record6>{https, quic});
    FilterSpec any;
    any.dst_port = PortSet::parse("0-65535", "--dst-port", names());
    CHECK(selected(FlowFilter(any), in) == std::vector<Record6>{https, quic, sctp});
}

TEST_CASE("protocol selects IPv6 flows by their next header") {
    const Record6 tcp = flow6("2001:db8::1", 1, "2001:db8::2", 2, 6);
    const Record6 icmp6 = flow6("2001:db8::1", 0, "2001:db8::2", 0, 58);
    const Record6 esp = flow6("2001:db8::1", 0, "2001:db8::2", 0, 50);
    const std::vector<Record6> in = {tcp, icmp6, esp};
    FilterSpec spec;
    spec.protocol = ProtocolSet::parse("58,50", "--proto", names());
    CHECK(selected(FlowFilter(spec), in) == std::vector<Record6>{icmp6, esp});
}

TEST_CASE("the time window keeps IPv6 flows that overlap it, on their own times") {
    const std::int64_t from = 1'767'225'600'000;
    const std::int64_t to = from + 60'000;
    auto at = [](std::int64_t start, std::int64_t end) {
        Record6 r = flow6("2001:db8::1", 1, "2001:db8::2", 2);
        r.start_ms = start;
        r.end_ms = end;
        return r;
    };
    const Record6 ends_at_from = at(from - 5000, from);
    const Record6 ends_before = at(from - 5000, from - 1);
    const Record6 starts_at_to = at(to, to + 10);
    const Record6 starts_before_to = at(to - 1, to + 10);
    const Record6 spans = at(from - 1, to + 1);
    const std::vector<Record6> in = {ends_at_from, ends_before, starts_at_to, starts_before_to,
                                     spans};
    FilterSpec spec;
    spec.window = FlowWindow{from, to};
    CHECK(selected(FlowFilter(spec), in) ==
          std::vector<Record6>{ends_at_from, starts_before_to, spans});
}

TEST_CASE("every IPv6 criterion must hold, and select appends") {
    const Record6 wanted = flow6("2001:db8:3:7::10", 40000, "2001:db8:beef::1", 443, 6);
    Record6 wrong_port = wanted;
    wrong_port.dstport = 80;
    Record6 wrong_side = wanted;
    std::swap(wrong_side.srcaddr, wrong_side.dstaddr);
    Record6 late = wanted;
    late.start_ms += 3'600'000;
    late.end_ms += 3'600'000;
    FilterSpec spec;
    spec.src_ip = AddressSet::parse("2001:db8:3:7::/64", "--src-ip");
    spec.dst_port = PortSet::parse("443", "--dst-port", names());
    spec.protocol = ProtocolSet::parse("tcp", "--proto", names());
    spec.window = FlowWindow{wanted.start_ms, wanted.start_ms + 60'000};
    const FlowFilter filter{spec};
    CHECK_FALSE(filter.accepts_everything());
    CHECK(selected(filter, {wrong_port, wanted, wrong_side, late}) == std::vector<Record6>{wanted});

    std::vector<Record6> out = {late};
    const std::vector<Record6> in = {wanted, wrong_port};
    filter.select(in, out);
    CHECK(out == std::vector<Record6>{late, wanted});

    // A copy filters the same.
    const FlowFilter copy = filter;
    CHECK(copy.matches(wanted));
    CHECK_FALSE(copy.matches(late));
    CHECK_FALSE(copy.accepts_ipv4());
}
