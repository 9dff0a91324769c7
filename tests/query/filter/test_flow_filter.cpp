#include <catch2/catch.hpp>

#include <filesystem>
#include <vector>

#include "filter/flow_filter.hpp"

using flowfile::Record;
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

const ServiceNames& names() {
    static const ServiceNames fixture =
        ServiceNames::load(std::filesystem::path(FLOWKEEP_TEST_DATA) / "query" / "services",
                           std::filesystem::path(FLOWKEEP_TEST_DATA) / "query" / "protocols");
    return fixture;
}

Record flow(std::uint32_t src, std::uint16_t sport, std::uint32_t dst, std::uint16_t dport,
            std::uint8_t prot = 6) {
    Record r;
    r.srcaddr = src;
    r.srcport = sport;
    r.dstaddr = dst;
    r.dstport = dport;
    r.prot = prot;
    r.exaddr = ip(192, 0, 2, 1);
    return r;
}

// A flow seen from start_ms to end_ms, exported a second after it ended by a
// router up for 3e9 ms, the way a collector stores it.
Record flow_at(std::int64_t start_ms, std::int64_t end_ms) {
    Record r = flow(ip(10, 0, 0, 1), 1025, ip(10, 0, 0, 2), 80);
    r.unix_secs = static_cast<std::uint32_t>(end_ms / 1000 + 1);
    r.unix_nsecs = 250'000'000;
    r.sysuptime = 3'000'000'000u;
    const std::int64_t boot_ms = std::int64_t{r.unix_secs} * 1000 + 250 - r.sysuptime;
    r.first = static_cast<std::uint32_t>(start_ms - boot_ms);
    r.last = static_cast<std::uint32_t>(end_ms - boot_ms);
    return r;
}

// What select() keeps, checked against matches() record by record.
std::vector<Record> selected(const FlowFilter& filter, const std::vector<Record>& in) {
    std::vector<Record> out;
    filter.select(in, out);
    std::vector<Record> one_by_one;
    for (const Record& r : in)
        if (filter.matches(r)) one_by_one.push_back(r);
    CHECK(out == one_by_one);
    return out;
}

}  // namespace

TEST_CASE("an empty spec accepts everything") {
    const FlowFilter filter{FilterSpec{}};
    CHECK(filter.accepts_everything());
    const std::vector<Record> in = {flow(1, 2, 3, 4), flow(5, 6, 7, 8, 1)};
    CHECK(selected(filter, in) == in);
}

TEST_CASE("criteria that cannot narrow anything are dropped") {
    FilterSpec spec;
    spec.ip = AddressSet::parse("0.0.0.0/0,::/0", "--ip");
    spec.exporter = AddressSet::parse("0.0.0.0/1,128.0.0.0/1,::/0", "--exporter");
    CHECK(FlowFilter(spec).accepts_everything());
    // 0.0.0.0/0 alone narrows: it holds no IPv6 address.
    FilterSpec ipv4_only;
    ipv4_only.ip = AddressSet::parse("0.0.0.0/0", "--ip");
    const FlowFilter every_ipv4{ipv4_only};
    CHECK_FALSE(every_ipv4.accepts_everything());
    CHECK(every_ipv4.matches(flow(1, 2, 3, 4)));
    // A full port range still means "flows that have ports".
    spec.port = PortSet::parse("0-65535", "--port", names());
    const FlowFilter ports{spec};
    CHECK_FALSE(ports.accepts_everything());
    CHECK(ports.matches(flow(1, 0, 2, 0, 17)));
    CHECK_FALSE(ports.matches(flow(1, 0, 2, 0, 1)));
}

TEST_CASE("ip matches the source or the destination and src-ip or dst-ip one side") {
    const Record out_bound = flow(ip(10, 0, 3, 7), 40000, ip(198, 51, 100, 1), 443);
    const Record in_bound = flow(ip(198, 51, 100, 1), 443, ip(10, 0, 3, 7), 40000);
    const Record other = flow(ip(10, 0, 3, 8), 40000, ip(198, 51, 100, 2), 443);
    const std::vector<Record> in = {out_bound, in_bound, other};

    FilterSpec either;
    either.ip = AddressSet::parse("10.0.3.7", "--ip");
    CHECK(selected(FlowFilter(either), in) == std::vector<Record>{out_bound, in_bound});

    FilterSpec src;
    src.src_ip = AddressSet::parse("10.0.3.7", "--src-ip");
    CHECK(selected(FlowFilter(src), in) == std::vector<Record>{out_bound});

    FilterSpec dst;
    dst.dst_ip = AddressSet::parse("10.0.3.7", "--dst-ip");
    CHECK(selected(FlowFilter(dst), in) == std::vector<Record>{in_bound});

    FilterSpec prefix;
    prefix.ip = AddressSet::parse("10.0.3.0/24", "--ip");
    CHECK(selected(FlowFilter(prefix), in) == in);
}

TEST_CASE("address lists are an OR, with one range or many") {
    std::vector<Record> in;
    for (unsigned i = 0; i < 40; ++i) in.push_back(flow(ip(10, 0, 0, i), 1, ip(172, 16, 0, 1), 2));
    FilterSpec spec;
    spec.src_ip = AddressSet::parse("10.0.0.3,10.0.0.5", "--src-ip");
    CHECK(selected(FlowFilter(spec), in) == std::vector<Record>{in[3], in[5]});

    std::string many;
    for (unsigned i = 1; i < 40; i += 3)
        many.append(many.empty() ? "" : ",").append("10.0.0.").append(std::to_string(i));
    spec.src_ip = AddressSet::parse(many, "--src-ip");
    std::vector<Record> expected;
    for (unsigned i = 1; i < 40; i += 3) expected.push_back(in[i]);
    CHECK(selected(FlowFilter(spec), in) == expected);
}

TEST_CASE("exporter matches the exporter's address") {
    Record a = flow(1, 2, 3, 4);
    Record b = flow(1, 2, 3, 4);
    b.exaddr = ip(192, 0, 2, 2);
    FilterSpec spec;
    spec.exporter = AddressSet::parse("192.0.2.2", "--exporter");
    CHECK(selected(FlowFilter(spec), {a, b}) == std::vector<Record>{b});
}

TEST_CASE("port criteria match tcp, udp and sctp flows only") {
    const Record tcp = flow(1, 40000, 2, 25, 6);
    const Record udp = flow(1, 25, 2, 53, 17);
    const Record sctp = flow(1, 25, 2, 9, 132);
    // ICMP keeps type and code in the port fields: type 0 code 25, say.
    const Record icmp = flow(1, 0, 2, 25, 1);
    const Record gre = flow(1, 25, 2, 25, 47);
    const std::vector<Record> in = {tcp, udp, sctp, icmp, gre};

    FilterSpec either;
    either.port = PortSet::parse("smtp", "--port", names());
    CHECK(selected(FlowFilter(either), in) == std::vector<Record>{tcp, udp, sctp});

    FilterSpec dst;
    dst.dst_port = PortSet::parse("25", "--dst-port", names());
    CHECK(selected(FlowFilter(dst), in) == std::vector<Record>{tcp});

    FilterSpec src;
    src.src_port = PortSet::parse("25", "--src-port", names());
    CHECK(selected(FlowFilter(src), in) == std::vector<Record>{udp, sctp});
}

TEST_CASE("protocol lists") {
    const Record tcp = flow(1, 2, 3, 4, 6);
    const Record udp = flow(1, 2, 3, 4, 17);
    const Record icmp = flow(1, 0, 3, 0, 1);
    FilterSpec spec;
    spec.protocol = ProtocolSet::parse("udp,1", "--proto", names());
    CHECK(selected(FlowFilter(spec), {tcp, udp, icmp}) == std::vector<Record>{udp, icmp});
}

TEST_CASE("all criteria must hold") {
    const Record match = flow(ip(10, 0, 0, 1), 40000, ip(10, 9, 9, 9), 443, 6);
    const Record wrong_port = flow(ip(10, 0, 0, 1), 40000, ip(10, 9, 9, 9), 80, 6);
    const Record wrong_proto = flow(ip(10, 0, 0, 1), 40000, ip(10, 9, 9, 9), 443, 17);
    const Record wrong_src = flow(ip(10, 0, 0, 2), 40000, ip(10, 9, 9, 9), 443, 6);
    const Record wrong_dst = flow(ip(10, 0, 0, 1), 40000, ip(10, 9, 9, 8), 443, 6);
    Record wrong_exporter = match;
    wrong_exporter.exaddr = ip(192, 0, 2, 99);
    const std::vector<Record> in = {wrong_port, match,     wrong_proto,
                                    wrong_src,  wrong_dst, wrong_exporter};
    FilterSpec spec;
    spec.src_ip = AddressSet::parse("10.0.0.1", "--src-ip");
    spec.dst_ip = AddressSet::parse("10.9.9.9", "--dst-ip");
    spec.ip = AddressSet::parse("10.0.0.0/8", "--ip");
    spec.exporter = AddressSet::parse("192.0.2.0/28", "--exporter");
    spec.dst_port = PortSet::parse("https", "--dst-port", names());
    spec.src_port = PortSet::parse("1024-65535", "--src-port", names());
    spec.port = PortSet::parse("443", "--port", names());
    spec.protocol = ProtocolSet::parse("tcp", "--proto", names());
    spec.window = FlowWindow{0, 4'000'000'000'000};
    const FlowFilter filter{spec};
    CHECK(selected(filter, in) == std::vector<Record>{match});
}

TEST_CASE("the window keeps flows that overlap it: from included and to excluded") {
    constexpr std::int64_t from = 1773518400;  // 2026-03-14T20:00:00Z
    constexpr std::int64_t to = from + 3600;
    const Record before = flow_at(from * 1000 - 5000, from * 1000 - 1);
    const Record ends_at_from = flow_at(from * 1000 - 5000, from * 1000);
    const Record across_from = flow_at(from * 1000 - 5000, from * 1000 + 5000);
    const Record inside = flow_at(from * 1000 + 10, from * 1000 + 20);
    const Record spans_all = flow_at(from * 1000 - 1, to * 1000);
    const Record last_ms = flow_at(to * 1000 - 1, to * 1000 + 5000);
    const Record starts_at_to = flow_at(to * 1000, to * 1000 + 5000);
    const Record after = flow_at(to * 1000 + 1, to * 1000 + 10);
    REQUIRE(flowfile::flow_times(ends_at_from).end_ms == from * 1000);
    REQUIRE(flowfile::flow_times(starts_at_to).start_ms == to * 1000);

    FilterSpec spec;
    spec.window = FlowWindow{from * 1000, to * 1000};
    const FlowFilter filter{spec};
    CHECK_FALSE(filter.accepts_everything());
    CHECK(selected(filter, {before, ends_at_from, across_from, inside, spans_all, last_ms,
                            starts_at_to, after}) ==
          std::vector<Record>{ends_at_from, across_from, inside, spans_all, last_ms});
}

TEST_CASE("the window holds to the millisecond, as --from/--to print and take times") {
    constexpr std::int64_t from_ms = 1773518405123;  // 2026-03-14T20:00:05.123Z
    const Record ends_before = flow_at(from_ms - 5000, from_ms - 1);
    const Record ends_at_from = flow_at(from_ms - 5000, from_ms);
    const Record starts_before_to = flow_at(from_ms + 1, from_ms + 10);
    const Record starts_at_to = flow_at(from_ms + 2, from_ms + 10);

    FilterSpec spec;
    spec.window = FlowWindow{from_ms, from_ms + 2};
    const FlowFilter filter{spec};
    CHECK(selected(filter, {ends_before, ends_at_from, starts_before_to, starts_at_to}) ==
          std::vector<Record>{ends_at_from, starts_before_to});
}

TEST_CASE("select appends after what the output already holds") {
    FilterSpec spec;
    spec.protocol = ProtocolSet::parse("tcp", "--proto", names());
    spec.port = PortSet::parse("80", "--port", names());
    const FlowFilter filter{spec};
    const Record kept = flow(1, 80, 2, 3);
    std::vector<Record> out = {flow(9, 9, 9, 9, 1)};
    filter.select(std::vector<Record>{flow(1, 81, 2, 3), kept, flow(1, 80, 2, 3, 1)}, out);
    CHECK(out == std::vector<Record>{flow(9, 9, 9, 9, 1), kept});
    filter.select(std::vector<Record>{}, out);
    CHECK(out.size() == 2);
}

TEST_CASE("a copied filter works on its own") {
    std::optional<FlowFilter> original;
    {
        FilterSpec spec;
        spec.ip = AddressSet::parse("10.0.0.1,10.0.0.7", "--ip");
        spec.port = PortSet::parse("25", "--port", names());
        original.emplace(spec);
    }
    const FlowFilter copy = *original;
    original.reset();
    CHECK(copy.matches(flow(ip(10, 0, 0, 7), 25, 1, 1)));
    CHECK_FALSE(copy.matches(flow(ip(10, 0, 0, 6), 25, 1, 1)));
    CHECK_FALSE(copy.matches(flow(ip(10, 0, 0, 7), 26, 1, 1)));
}
