// Each --by key on seven hand-made flows, with hand-computed rows.
#include <catch2/catch.hpp>

#include <vector>

#include "clients/client_map.hpp"
#include "summary_fixtures.hpp"

using namespace flowquery;
using summary_test::csv;
using summary_test::Flow;
using summary_test::ip;

namespace {

const std::int64_t saturday_evening = 1773518400;  // 2026-03-14T20:00:00Z

// f1  tcp  10.0.0.1:40000 -> 192.0.2.1:25     10 pkts 1000 B  exporter .1
// f2  tcp  10.0.0.2:25    -> 10.0.0.1:40001    5 pkts  300 B  exporter .1
// f3  udp  10.0.0.1:5353  -> 10.0.0.3:53       1 pkt    80 B  exporter .2
// f4  icmp 10.0.0.3       -> 10.0.0.1          2 pkts  168 B  exporter .2
// f5  99   203.0.113.9    -> 10.0.0.1          3 pkts  400 B  exporter .1
// f6  tcp  10.0.0.2:8443  -> 10.0.0.4:50000    7 pkts  700 B  exporter .2
// f7  sctp 10.0.0.4:5060  -> 10.0.0.4:5060     1 pkt    50 B  exporter .1
std::vector<flowfile::Record> seven_flows() {
    const std::uint32_t e1 = ip(198, 51, 100, 1);
    const std::uint32_t e2 = ip(198, 51, 100, 2);
    auto at = [](Flow f) { return f.start(saturday_evening); };
    return {
        at(Flow()
               .proto(6)
               .src(ip(10, 0, 0, 1), 40000)
               .dst(ip(192, 0, 2, 1), 25)
               .size(10, 1000)
               .exporter(e1)),
        at(Flow()
               .proto(6)
               .src(ip(10, 0, 0, 2), 25)
               .dst(ip(10, 0, 0, 1), 40001)
               .size(5, 300)
               .exporter(e1)),
        at(Flow()
               .proto(17)
               .src(ip(10, 0, 0, 1), 5353)
               .dst(ip(10, 0, 0, 3), 53)
               .size(1, 80)
               .exporter(e2)),
        at(Flow().proto(1).src(ip(10, 0, 0, 3)).dst(ip(10, 0, 0, 1)).size(2, 168).exporter(e2)),
        at(Flow().proto(99).src(ip(203, 0, 113, 9)).dst(ip(10, 0, 0, 1)).size(3, 400).exporter(e1)),
        at(Flow()
               .proto(6)
               .src(ip(10, 0, 0, 2), 8443)
               .dst(ip(10, 0, 0, 4), 50000)
               .size(7, 700)
               .exporter(e2)),
        at(Flow()
               .proto(132)
               .src(ip(10, 0, 0, 4), 5060)
               .dst(ip(10, 0, 0, 4), 5060)
               .size(1, 50)
               .exporter(e1)),
    };
}

std::string report_csv(std::string_view by, std::string_view sort = "octets", std::size_t top = 0,
                       const ClientMap* clients = nullptr) {
    const ServiceNames names = summary_test::test_names();
    Summary summary(parse_summary_spec(by, "", sort, top), names, clients);
    const auto flows = seven_flows();
    summary.add(flows);
    return csv(summary);
}

}  // namespace

TEST_CASE("no key: only the totals") {
    CHECK(report_csv("") == "flows,packets,octets\n7,29,2698\n");
}

TEST_CASE("protocol is shown by name when /etc/protocols knows it or else by number") {
    CHECK(report_csv("protocol") ==
          "protocol,flows,packets,octets\n"
          "tcp,3,22,2000\n"
          "99,1,3,400\n"
          "icmp,1,2,168\n"
          "udp,1,1,80\n"
          "sctp,1,1,50\n");
}

TEST_CASE(
    "service is the protocol with its named port (destination first) or else the lower port") {
    CHECK(report_csv("service") ==
          "service,flows,packets,octets\n"
          "smtp/tcp,2,15,1300\n"
          "8443/tcp,1,7,700\n"
          "99,1,3,400\n"
          "icmp,1,2,168\n"
          "domain/udp,1,1,80\n"
          "sip/sctp,1,1,50\n");
}

TEST_CASE("port keys count only tcp and udp and sctp flows in the rows and the total") {
    CHECK(report_csv("dst-port") ==
          "dst_port,flows,packets,octets\n"
          "25,1,10,1000\n"
          "50000,1,7,700\n"
          "40001,1,5,300\n"
          "53,1,1,80\n"
          "5060,1,1,50\n");
    CHECK(report_csv("src-port") ==
          "src_port,flows,packets,octets\n"
          "40000,1,10,1000\n"
          "8443,1,7,700\n"
          "25,1,5,300\n"
          "5353,1,1,80\n"
          "5060,1,1,50\n");
}

TEST_CASE("port counts a flow under both ports but once when they are equal") {
    const std::string expected =
        "port,flows,packets,octets\n"
        "25,2,15,1300\n"
        "40000,1,10,1000\n"
        "8443,1,7,700\n"
        "50000,1,7,700\n"
        "40001,1,5,300\n"
        "53,1,1,80\n"
        "5353,1,1,80\n"
        "5060,1,1,50\n";
    CHECK(report_csv("port") == expected);
    // The total is still the five port flows, each once.
    const ServiceNames names = summary_test::test_names();
    Summary summary(parse_summary_spec("port", "", "", 0), names, nullptr);
    const auto flows = seven_flows();
    summary.add(flows);
    CHECK(summary.total() == SummaryCounters{5, 24, 2130});
}

TEST_CASE("addresses of source and destination and either side and exporter") {
    CHECK(report_csv("src-ip") ==
          "src_ip,flows,packets,octets\n"
          "10.0.0.1,2,11,1080\n"
          "10.0.0.2,2,12,1000\n"
          "203.0.113.9,1,3,400\n"
          "10.0.0.3,1,2,168\n"
          "10.0.0.4,1,1,50\n");
    CHECK(report_csv("dst-ip") ==
          "dst_ip,flows,packets,octets\n"
          "192.0.2.1,1,10,1000\n"
          "10.0.0.1,3,10,868\n"
          "10.0.0.4,2,8,750\n"
          "10.0.0.3,1,1,80\n");
    // Ties (1000 octets) in address order; f7's two equal sides count once.
    CHECK(report_csv("ip") ==
          "ip,flows,packets,octets\n"
          "10.0.0.1,5,21,1948\n"
          "10.0.0.2,2,12,1000\n"
          "192.0.2.1,1,10,1000\n"
          "10.0.0.4,2,8,750\n"
          "203.0.113.9,1,3,400\n"
          "10.0.0.3,2,3,248\n");
    CHECK(report_csv("exporter") ==
          "exporter,flows,packets,octets\n"
          "198.51.100.1,4,19,1750\n"
          "198.51.100.2,3,10,948\n");
}

TEST_CASE("sort by packets or flows orders rows by that metric") {
    CHECK(report_csv("src-ip", "packets") ==
          "src_ip,flows,packets,octets\n"
          "10.0.0.2,2,12,1000\n"
          "10.0.0.1,2,11,1080\n"
          "203.0.113.9,1,3,400\n"
          "10.0.0.3,1,2,168\n"
          "10.0.0.4,1,1,50\n");
    // Flow ties in key order: protocol number first, then address.
    CHECK(report_csv("protocol,src-ip", "flows") ==
          "protocol,src_ip,flows,packets,octets\n"
          "tcp,10.0.0.2,2,12,1000\n"
          "icmp,10.0.0.3,1,2,168\n"
          "tcp,10.0.0.1,1,10,1000\n"
          "udp,10.0.0.1,1,1,80\n"
          "99,203.0.113.9,1,3,400\n"
          "sctp,10.0.0.4,1,1,50\n");
}

TEST_CASE("top N keeps the first rows in the sort order") {
    CHECK(report_csv("protocol,src-ip", "flows", 3) ==
          "protocol,src_ip,flows,packets,octets\n"
          "tcp,10.0.0.2,2,12,1000\n"
          "icmp,10.0.0.3,1,2,168\n"
          "tcp,10.0.0.1,1,10,1000\n");
    // The total still counts the rows left out.
    const ServiceNames names = summary_test::test_names();
    Summary summary(parse_summary_spec("protocol", "", "", 1), names, nullptr);
    const auto flows = seven_flows();
    summary.add(flows);
    CHECK(summary_test::write(summary, SummaryFormat::table) ==
          "protocol  flows  packets  octets\n"
          "tcp           3       22    2000\n"
          "total         7       29    2698\n");
}

TEST_CASE("ip with port counts a flow under each address and port pair") {
    const ServiceNames names = summary_test::test_names();
    Summary summary(parse_summary_spec("ip,port", "", "", 0), names, nullptr);
    const auto flows = seven_flows();
    summary.add(std::span(flows).subspan(0, 1));  // f1
    summary.add(std::span(flows).subspan(6, 1));  // f7
    CHECK(csv(summary) ==
          "ip,port,flows,packets,octets\n"
          "10.0.0.1,25,1,10,1000\n"
          "10.0.0.1,40000,1,10,1000\n"
          "192.0.2.1,25,1,10,1000\n"
          "192.0.2.1,40000,1,10,1000\n"
          "10.0.0.4,5060,1,1,50\n");
    CHECK(summary.total() == SummaryCounters{2, 11, 1050});
}

TEST_CASE("account is the client side's account at the flow's start or else (unknown)") {
    const ClientMap clients = ClientMap::parse(
        "prefix,account,device,valid_from,valid_until\n"
        "10.0.0.1,acct-b,cpe-1,,\n"
        "10.0.0.2,\"acct, a\",cpe-2,,\n"
        "10.0.0.4,acct-c,cpe-4,2026-03-15T00:00Z,\n",
        "clients.csv");
    // f1 f3 (source) and f4 f5 (destination) are acct-b's, f2 f6 "acct, a"'s;
    // 10.0.0.4 (f7) became acct-c's only after the flows.
    CHECK(report_csv("account", "octets", 0, &clients) ==
          "account,flows,packets,octets\n"
          "acct-b,4,16,1648\n"
          "\"acct, a\",2,12,1000\n"
          "(unknown),1,1,50\n");
}

TEST_CASE("account without a clients file: every flow is (unknown)") {
    CHECK(report_csv("account") == "account,flows,packets,octets\n(unknown),7,29,2698\n");
}

TEST_CASE("64-bit sums do not wrap") {
    const ServiceNames names = summary_test::test_names();
    Summary summary(parse_summary_spec("protocol", "", "", 0), names, nullptr);
    const std::vector<flowfile::Record> big(3, Flow().proto(6).size(4000000000U, 4000000000U));
    summary.add(big);
    CHECK(csv(summary) == "protocol,flows,packets,octets\ntcp,3,12000000000,12000000000\n");
}
