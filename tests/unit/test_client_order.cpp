// ClientNetworks (flow-capture --client-networks) and order_by_client: the
// list an operator types, refused item by item with the item named, and the
// order a finished file's records are written in: by client address, each
// client's flows and the transit flows in arrival order.

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "flowfile/client_order.hpp"
#include "flowfile/error.hpp"

using flowfile::ClientNetworks;
using flowfile::Ipv6Address;
using flowfile::Record;
using flowfile::Record6;

namespace {

std::string parse_error(const std::string& list) {
    try {
        ClientNetworks::parse(list);
    } catch (const flowfile::Error& e) {
        return e.what();
    }
    return "(accepted)";
}

Ipv6Address v6(const std::string& text) {
    const auto p = flowfile::parse_ipv6_prefix(text);
    REQUIRE(p.has_value());
    return p->address;
}

constexpr std::uint32_t ip(unsigned a, unsigned b, unsigned c, unsigned d) {
    return a << 24 | b << 16 | c << 8 | d;
}

// A flow whose arrival position is in dpkts, so that the order a test sees
// can be checked against the order the flows came in.
Record flow(std::uint32_t src, std::uint32_t dst, std::uint32_t arrival) {
    Record r;
    r.srcaddr = src;
    r.dstaddr = dst;
    r.dpkts = arrival;
    return r;
}

Record6 flow6(const Ipv6Address& src, const Ipv6Address& dst, std::uint32_t arrival) {
    Record6 r;
    r.srcaddr = src;
    r.dstaddr = dst;
    r.dpkts = arrival;
    return r;
}

std::vector<std::uint32_t> arrivals(const std::vector<Record>& records) {
    std::vector<std::uint32_t> out;
    for (const Record& r : records) out.push_back(r.dpkts);
    return out;
}

std::vector<std::uint32_t> arrivals(const std::vector<Record6>& records) {
    std::vector<std::uint32_t> out;
    for (const Record6& r : records) out.push_back(r.dpkts);
    return out;
}

}  // namespace

TEST_CASE("client networks are read from commas and blanks", "[client_order]") {
    const ClientNetworks nets = ClientNetworks::parse(
        " 10.0.0.0/8,100.64.0.0/10  192.0.2.7\t2001:db8::/32,,2001:db8:ff::1 ");
    CHECK(nets.text() == "10.0.0.0/8,100.64.0.0/10,192.0.2.7/32,2001:db8::/32,2001:db8:ff::1/128");
    CHECK_FALSE(nets.empty());
    CHECK(ClientNetworks::parse("").empty());
    CHECK(ClientNetworks::parse(" , ,\t").empty());
    CHECK(ClientNetworks().empty());
    CHECK(ClientNetworks::parse("0.0.0.0/0").text() == "0.0.0.0/0");
    CHECK(ClientNetworks::parse("::/0").text() == "::/0");
}

TEST_CASE("a bad client network is refused with the item named", "[client_order]") {
    CHECK(parse_error("10.0.0.0/8,10.0.0.256/16") ==
          "client networks: bad address in '10.0.0.256/16'");
    CHECK(parse_error("10.0.0/8") == "client networks: bad address in '10.0.0/8'");
    CHECK(parse_error("010.0.0.0/8") == "client networks: bad address in '010.0.0.0/8'");
    CHECK(parse_error("/8") == "client networks: bad address in '/8'");
    CHECK(parse_error("eth0") == "client networks: bad address in 'eth0'");
    CHECK(parse_error("10.0.0.0/33") == "client networks: bad prefix '10.0.0.0/33'");
    CHECK(parse_error("10.0.0.0/") == "client networks: bad prefix '10.0.0.0/'");
    CHECK(parse_error("10.0.0.0/08") == "client networks: bad prefix '10.0.0.0/08'");
    CHECK(parse_error("10.0.0.0/8x") == "client networks: bad prefix '10.0.0.0/8x'");
    CHECK(parse_error("10.0.3.7/16") ==
          "client networks: '10.0.3.7/16' has host bits set (did you mean 10.0.0.0/16?)");
    CHECK(parse_error("2001:db8::/129") == "client networks: bad prefix '2001:db8::/129'");
    CHECK(parse_error("2001:db8::/064") == "client networks: bad prefix '2001:db8::/064'");
    CHECK(parse_error("2001:db8:::/32") == "client networks: bad address in '2001:db8:::/32'");
    CHECK(parse_error("2001:db8:1::/32") ==
          "client networks: '2001:db8:1::/32' has host bits set (did you mean 2001:db8::/32?)");
}

TEST_CASE("contains() takes the prefixes as routers do", "[client_order]") {
    const ClientNetworks nets = ClientNetworks::parse("10.0.0.0/8,192.0.2.7,2001:db8::/32");
    CHECK(nets.contains(ip(10, 0, 0, 0)));
    CHECK(nets.contains(ip(10, 255, 255, 255)));
    CHECK_FALSE(nets.contains(ip(11, 0, 0, 0)));
    CHECK_FALSE(nets.contains(ip(9, 255, 255, 255)));
    CHECK(nets.contains(ip(192, 0, 2, 7)));
    CHECK_FALSE(nets.contains(ip(192, 0, 2, 8)));
    CHECK(nets.contains(v6("2001:db8::1")));
    CHECK(nets.contains(v6("2001:db8:ffff:ffff::")));
    CHECK_FALSE(nets.contains(v6("2001:db9::1")));
    // An IPv4-mapped address is the IPv4 address it maps.
    CHECK(nets.contains(flowfile::ipv4_mapped(ip(10, 1, 2, 3))));
    CHECK_FALSE(nets.contains(flowfile::ipv4_mapped(ip(11, 1, 2, 3))));
    CHECK(ClientNetworks::parse("0.0.0.0/0").contains(ip(203, 0, 113, 5)));
    CHECK_FALSE(ClientNetworks().contains(ip(10, 0, 0, 1)));
    CHECK_FALSE(ClientNetworks().contains(v6("2001:db8::1")));
}

TEST_CASE("order_by_client groups each client's flows in arrival order, transit last",
          "[client_order]") {
    const ClientNetworks nets = ClientNetworks::parse("10.0.0.0/8");
    const std::uint32_t a = ip(10, 0, 0, 9), b = ip(10, 0, 0, 2), c = ip(10, 1, 0, 0);
    const std::uint32_t far1 = ip(203, 0, 113, 5), far2 = ip(198, 51, 100, 1);
    std::vector<Record> records = {
        flow(a, far1, 0),     // a, outgoing
        flow(far2, far1, 1),  // transit
        flow(far1, b, 2),     // b, incoming
        flow(c, far2, 3),     // c
        flow(far1, a, 4),     // a, incoming
        flow(far1, far2, 5),  // transit
        flow(b, far2, 6),     // b
        flow(b, a, 7),        // both sides clients: the source, b
        flow(a, far2, 8),     // a
        flow(far2, far2, 9),  // transit
    };
    flowfile::order_by_client(records, nets);
    // b (10.0.0.2) < a (10.0.0.9) < c (10.1.0.0), then transit.
    CHECK(arrivals(records) == std::vector<std::uint32_t>{2, 6, 7, 0, 4, 8, 3, 1, 5, 9});
}

TEST_CASE("order_by_client keeps a large file's clients in arrival order", "[client_order]") {
    const ClientNetworks nets = ClientNetworks::parse("10.0.0.0/24");
    std::vector<Record> records;
    for (std::uint32_t i = 0; i < 50000; ++i) {
        const std::uint32_t client = ip(10, 0, 0, (i * 7919u) % 251u);
        const std::uint32_t far = ip(203, 0, 113, i % 200);
        records.push_back(i % 5 == 0 ? flow(far, far, i)
                          : i % 2    ? flow(client, far, i)
                                     : flow(far, client, i));
    }
    const std::vector<Record> arrived = records;
    flowfile::order_by_client(records, nets);
    const auto client_of = [&](const Record& r) -> std::int64_t {
        if (nets.contains(r.srcaddr)) return r.srcaddr;
        if (nets.contains(r.dstaddr)) return r.dstaddr;
        return std::int64_t{1} << 40;  // transit: after every address
    };
    // Ordered by (client, arrival): every record is there once.
    std::vector<std::pair<std::int64_t, std::uint32_t>> keys;
    for (const Record& r : arrived) keys.emplace_back(client_of(r), r.dpkts);
    std::sort(keys.begin(), keys.end());
    REQUIRE(records.size() == arrived.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (client_of(records[i]) != keys[i].first || records[i].dpkts != keys[i].second) {
            FAIL_CHECK("record " << i << " out of order");
            break;
        }
    }
}

TEST_CASE("order_by_client orders IPv6 records, IPv4-mapped ones as IPv4", "[client_order]") {
    const ClientNetworks nets = ClientNetworks::parse("10.0.0.0/8,2001:db8::/32");
    const Ipv6Address far = v6("2a00::1");
    const Ipv6Address c6 = v6("2001:db8::5");
    const Ipv6Address mapped = flowfile::ipv4_mapped(ip(10, 0, 0, 1));
    const Ipv6Address mapped_far = flowfile::ipv4_mapped(ip(203, 0, 113, 1));
    std::vector<Record6> records = {
        flow6(far, c6, 0),          // the IPv6 client, incoming
        flow6(mapped_far, far, 1),  // transit
        flow6(mapped, far, 2),      // 10.0.0.1, mapped
        flow6(c6, far, 3),          // the IPv6 client
        flow6(far, mapped, 4),      // 10.0.0.1 again
    };
    flowfile::order_by_client(records, nets);
    // ::ffff:10.0.0.1 sorts before 2001:db8::5.
    CHECK(arrivals(records) == std::vector<std::uint32_t>{2, 4, 0, 3, 1});
}

TEST_CASE("order_by_client leaves the order as it is without networks", "[client_order]") {
    std::vector<Record> records;
    for (std::uint32_t i = 0; i < 100; ++i) records.push_back(flow(ip(10, 0, 0, 100 - i), 0, i));
    const std::vector<Record> before = records;
    flowfile::order_by_client(records, ClientNetworks());
    CHECK(records == before);
    flowfile::order_by_client(records, ClientNetworks::parse(" , "));
    CHECK(records == before);
    // No record is a client's: all transit, in arrival order.
    flowfile::order_by_client(records, ClientNetworks::parse("192.168.0.0/16"));
    CHECK(records == before);
    std::vector<Record6> six = {flow6(v6("2001:db8::2"), v6("::1"), 0),
                                flow6(v6("2001:db8::1"), v6("::1"), 1)};
    const std::vector<Record6> six_before = six;
    flowfile::order_by_client(six, ClientNetworks());
    CHECK(six == six_before);
    std::vector<Record> none;
    flowfile::order_by_client(none, ClientNetworks::parse("10.0.0.0/8"));
    CHECK(none.empty());
}
