// --by keys over IPv4 and IPv6 flows in one report: addresses as RFC 5952
// text ordered after IPv4 ones, 64-bit counters, one row per exporter
// whichever series its flows are in, accounts of IPv6 clients.
#include <catch2/catch.hpp>

#include <limits>
#include <vector>

#include "clients/client_map.hpp"
#include "flowfile/record6.hpp"
#include "summary_fixtures.hpp"

using namespace flowquery;
using summary_test::csv;
using summary_test::Flow;
using summary_test::ip;

namespace {

const std::int64_t saturday_evening = 1773518400;  // 2026-03-14T20:00:00Z

flowfile::Ipv6Address v6(const char* text) {
    return flowfile::parse_ipv6_prefix(text).value().address;
}

struct Flow6 {
    flowfile::Record6 r;

    Flow6() {
        r.start_ms = saturday_evening * 1000;
        r.end_ms = r.start_ms + 1000;
        r.prot = 6;
        r.dpkts = 1;
        r.doctets = 100;
    }
    Flow6& proto(std::uint8_t p) { return r.prot = p, *this; }
    Flow6& src(const char* a, std::uint16_t port = 0) {
        r.srcaddr = v6(a);
        r.srcport = port;
        return *this;
    }
    Flow6& dst(const char* a, std::uint16_t port = 0) {
        r.dstaddr = v6(a);
        r.dstport = port;
        return *this;
    }
    Flow6& exporter(const flowfile::Ipv6Address& a) { return r.exaddr = a, *this; }
    Flow6& size(std::uint64_t packets, std::uint64_t octets) {
        r.dpkts = packets;
        r.doctets = octets;
        return *this;
    }
    Flow6& start(std::int64_t unix_seconds) {
        r.start_ms = unix_seconds * 1000;
        r.end_ms = r.start_ms + 1000;
        return *this;
    }
    operator flowfile::Record6() const { return r; }
};

const std::uint32_t router = ip(198, 51, 100, 1);

// f1 tcp 10.0.0.1:40000 -> 192.0.2.1:443          1 pkt   100 B   (IPv4)
// f2 tcp 10.0.0.1:40001 -> 192.0.2.2:25           1 pkt   500 B   (IPv4)
std::vector<flowfile::Record> ipv4_flows() {
    return {
        Flow()
            .src(ip(10, 0, 0, 1), 40000)
            .dst(ip(192, 0, 2, 1), 443)
            .exporter(router)
            .start(saturday_evening),
        Flow()
            .src(ip(10, 0, 0, 1), 40001)
            .dst(ip(192, 0, 2, 2), 25)
            .size(1, 500)
            .exporter(router)
            .start(saturday_evening),
    };
}

// g1 tcp 2001:db8:3:7::10:40000 -> 2001:db8:ff::1:443   3e6 pkts 5e9 B  via ::ffff:router
// g2 udp 2001:db8:3:7::10:5353  -> 2001:db8:ff::53:53   1 pkt    100 B  via 2001:db8:e::1
// g3 tcp 2001:db8:3:7::11:40002 -> 2001:db8:ff::1:443   1 pkt    100 B  via ::ffff:router
std::vector<flowfile::Record6> ipv6_flows() {
    return {
        Flow6()
            .src("2001:db8:3:7::10", 40000)
            .dst("2001:db8:ff::1", 443)
            .size(3000000, 5000000000ULL)
            .exporter(flowfile::ipv4_mapped(router)),
        Flow6()
            .proto(17)
            .src("2001:db8:3:7::10", 5353)
            .dst("2001:db8:ff::53", 53)
            .exporter(v6("2001:db8:e::1")),
        Flow6()
            .src("2001:db8:3:7::11", 40002)
            .dst("2001:db8:ff::1", 443)
            .exporter(flowfile::ipv4_mapped(router)),
    };
}

std::string mixed_csv(std::string_view by, const ClientMap* clients = nullptr,
                      std::string_view sort = "octets") {
    const ServiceNames names = summary_test::test_names();
    Summary summary(parse_summary_spec(by, "", sort, 0), names, clients);
    summary.add(ipv4_flows());
    summary.add(ipv6_flows());
    return csv(summary);
}

}  // namespace

TEST_CASE("address keys print IPv6 as RFC 5952 text and ties put IPv4 first, then by address") {
    // Ties on octets (100 B): 192.0.2.1 (IPv4) before 2001:db8:ff::53.
    CHECK(mixed_csv("dst-ip") ==
          "dst_ip,flows,packets,octets\n"
          "2001:db8:ff::1,2,3000001,5000000100\n"
          "192.0.2.2,1,1,500\n"
          "192.0.2.1,1,1,100\n"
          "2001:db8:ff::53,1,1,100\n");
    // By flows, the three sources tie at 2,1,... : 10.0.0.1 and ::10 have two.
    CHECK(mixed_csv("src-ip", nullptr, "flows") ==
          "src_ip,flows,packets,octets\n"
          "10.0.0.1,2,2,600\n"
          "2001:db8:3:7::10,2,3000001,5000000100\n"
          "2001:db8:3:7::11,1,1,100\n");
}

TEST_CASE("ip counts each IPv6 flow under both its addresses, the total once") {
    const ServiceNames names = summary_test::test_names();
    Summary summary(parse_summary_spec("ip", "", "flows", 0), names, nullptr);
    summary.add(ipv6_flows());
    CHECK(csv(summary) ==
          "ip,flows,packets,octets\n"
          "2001:db8:3:7::10,2,3000001,5000000100\n"
          "2001:db8:ff::1,2,3000001,5000000100\n"
          "2001:db8:3:7::11,1,1,100\n"
          "2001:db8:ff::53,1,1,100\n");
    CHECK(summary.total() == SummaryCounters{3, 3000002, 5000000200ULL});
}

TEST_CASE("ports, protocols and services count both families in one row") {
    CHECK(mixed_csv("dst-port") ==
          "dst_port,flows,packets,octets\n"
          "443,3,3000002,5000000200\n"
          "25,1,1,500\n"
          "53,1,1,100\n");
    CHECK(mixed_csv("protocol") ==
          "protocol,flows,packets,octets\n"
          "tcp,4,3000003,5000000700\n"
          "udp,1,1,100\n");
    CHECK(mixed_csv("service") ==
          "service,flows,packets,octets\n"
          "https/tcp,3,3000002,5000000200\n"
          "smtp/tcp,1,1,500\n"
          "domain/udp,1,1,100\n");
    CHECK(mixed_csv("src-ip,dst-port") ==
          "src_ip,dst_port,flows,packets,octets\n"
          "2001:db8:3:7::10,443,1,3000000,5000000000\n"
          "10.0.0.1,25,1,1,500\n"
          "10.0.0.1,443,1,1,100\n"
          "2001:db8:3:7::10,53,1,1,100\n"
          "2001:db8:3:7::11,443,1,1,100\n");
}

TEST_CASE("an IPv4 exporter's IPv6 flows (::ffff:a.b.c.d) count in its IPv4 row") {
    CHECK(mixed_csv("exporter") ==
          "exporter,flows,packets,octets\n"
          "198.51.100.1,4,3000003,5000000700\n"
          "2001:db8:e::1,1,1,100\n");
}

TEST_CASE("IPv6 counters sum past 2^32 and stop at 2^64 - 1 instead of wrapping") {
    const ServiceNames names = summary_test::test_names();
    Summary summary(parse_summary_spec("dst-port", "", "octets", 0), names, nullptr);
    const std::uint64_t huge = std::numeric_limits<std::uint64_t>::max() - 10;
    const std::vector<flowfile::Record6> flows = {
        Flow6().dst("2001:db8::1", 443).size(huge, huge),
        Flow6().dst("2001:db8::1", 443).size(huge, huge),
        Flow6().dst("2001:db8::1", 80).size(1ULL << 32, 3ULL << 32),
        Flow6().dst("2001:db8::1", 80).size(1ULL << 32, 3ULL << 32),
    };
    summary.add(flows);
    CHECK(csv(summary) ==
          "dst_port,flows,packets,octets\n"
          "443,2,18446744073709551615,18446744073709551615\n"
          "80,2,8589934592,25769803776\n");
    CHECK(summary.total().octets == std::numeric_limits<std::uint64_t>::max());

    // The same through the hashed table (two keys) and the merge.
    Summary a(parse_summary_spec("dst-ip,dst-port", "", "octets", 0), names, nullptr);
    Summary b(parse_summary_spec("dst-ip,dst-port", "", "octets", 0), names, nullptr);
    a.add(std::span(flows).first(1));
    b.add(std::span(flows).subspan(1));
    a.merge(std::move(b));
    CHECK(csv(a) ==
          "dst_ip,dst_port,flows,packets,octets\n"
          "2001:db8::1,443,2,18446744073709551615,18446744073709551615\n"
          "2001:db8::1,80,2,8589934592,25769803776\n");
}

TEST_CASE("merging summaries that numbered IPv6 addresses in other orders") {
    const ServiceNames names = summary_test::test_names();
    const auto flows6 = ipv6_flows();
    const auto flows4 = ipv4_flows();
    for (const char* by : {"src-ip", "dst-ip", "ip", "exporter", "ip,dst-port", "src-ip,dst-ip"}) {
        CAPTURE(by);
        const SummarySpec spec = parse_summary_spec(by, "", "octets", 0);
        Summary whole(spec, names, nullptr);
        whole.add(flows4);
        whole.add(flows6);
        // Worker a meets the IPv6 addresses in the other order, and worker b
        // numbers one of them first.
        Summary a(spec, names, nullptr);
        for (auto it = flows6.rbegin(); it != flows6.rend(); ++it) a.add(std::span(&*it, 1));
        Summary b(spec, names, nullptr);
        b.add(std::span(flows6).subspan(2));
        b.add(flows4);
        Summary a_copy(spec, names, nullptr);
        for (auto it = flows6.rbegin(); it != flows6.rend(); ++it) a_copy.add(std::span(&*it, 1));
        Summary b_copy(spec, names, nullptr);
        b_copy.add(std::span(flows6).subspan(2));
        b_copy.add(flows4);
        // b holds g3 a second time: so does the expectation.
        whole.add(std::span(flows6).subspan(2));
        b.merge(std::move(a));
        a_copy.merge(std::move(b_copy));
        CHECK(csv(b) == csv(whole));
        CHECK(csv(a_copy) == csv(whole));
    }
}

TEST_CASE("account and connection of an IPv6 client come from its delegated prefix") {
    const ClientMap clients = ClientMap::parse(
        "prefix,account,device,valid_from,valid_until,connection\n"
        "10.0.0.1,acct-4,cpe-4,,,xDSL\n"
        "2001:db8:3:7::/64,acct-6,cpe-6,,,FTTH\n"
        "2001:db8:3:7::11,acct-6b,cpe-6b,,,\n",
        "clients.csv");
    // g1 g2 from the /64, g3 from the more specific /128 (no connection).
    CHECK(mixed_csv("account", &clients) ==
          "account,flows,packets,octets\n"
          "acct-6,2,3000001,5000000100\n"
          "acct-4,2,2,600\n"
          "acct-6b,1,1,100\n");
    CHECK(mixed_csv("connection", &clients) ==
          "connection,flows,packets,octets\n"
          "FTTH,2,3000001,5000000100\n"
          "xDSL,2,2,600\n"
          "(unknown),1,1,100\n");
}

TEST_CASE("interval keys an IPv6 flow by its absolute start time") {
    const ServiceNames names = summary_test::test_names();
    SummarySpec spec = parse_summary_spec("", "1h", "octets", 0);
    spec.zone = TimeZoneStyle::utc;
    Summary summary(spec, names, nullptr);
    const std::vector<flowfile::Record6> flows = {
        Flow6().start(saturday_evening + 10),
        Flow6().start(saturday_evening + 3599),
        Flow6().start(saturday_evening + 3600),
    };
    summary.add(flows);
    summary.add(ipv4_flows());
    CHECK(csv(summary) ==
          "interval,flows,packets,octets\n"
          "2026-03-14T20:00:00Z,4,4,800\n"
          "2026-03-14T21:00:00Z,1,1,100\n");
}
