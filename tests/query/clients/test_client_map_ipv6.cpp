#include <catch2/catch.hpp>

#include <string>

#include "clients/client_map.hpp"
#include "support/time_zone.hpp"
#include "tools/usage_error.hpp"

using flowfile::Ipv6Address;
using flowquery::ClientMap;
using flowquery::UsageError;

namespace {

Ipv6Address v6(std::string_view text) {
    const auto prefix = flowfile::parse_ipv6_prefix(text);
    REQUIRE(prefix);
    return prefix->address;
}

constexpr std::uint32_t address(unsigned a, unsigned b, unsigned c, unsigned d) {
    return a << 24 | b << 16 | c << 8 | d;
}

// "account/device/connection" at that time, or "-" when the map has no entry.
template <typename Address>
std::string who(const ClientMap& map, const Address& a, std::int64_t unix_seconds) {
    const auto identity = map.find(a, unix_seconds);
    if (!identity) return "-";
    return std::string(identity->account) + '/' + std::string(identity->device) + '/' +
           std::string(identity->connection);
}

std::string load_error(std::string_view text) {
    try {
        ClientMap::parse(text, "c.csv");
    } catch (const UsageError& e) {
        return e.what();
    }
    return "(accepted)";
}

constexpr std::int64_t feb_1 = 1769904000;  // 2026-02-01T00:00:00Z
constexpr std::int64_t mar_1 = 1772323200;  // 2026-03-01T00:00:00Z
constexpr std::int64_t day = 86400;

// A /56 delegated to acct-A until 1 March; from then on one /64 inside it
// belongs to acct-B while the rest of the /56 goes to acct-C.
constexpr std::string_view evening =
    "prefix,account,device,valid_from,valid_until,connection\n"
    "2001:db8:3:700::/56,acct-A,cpe-a,2026-02-01T00:00Z,2026-03-01T00:00Z,xDSL\n"
    "2001:db8:3:7ff::/64,acct-B,ap-b,2026-03-01T00:00Z,,Wi-Fi\n"
    "2001:db8:3:700::/56,acct-C,cpe-c,2026-03-01T00:00Z,,FTTH\n"
    "2001:db8:3:7ff::17,acct-D,phone,2026-03-10T00:00Z,2026-03-11T00:00Z,LTE\n"
    "10.0.3.7,acct-4,cpe-4,,,FTTH\n";

}  // namespace

TEST_CASE("an IPv6 /56 changes owner, and a /64 inside it goes to someone else") {
    const ClientMap map = ClientMap::parse(evening, "c.csv");
    CHECK(map.size() == 5);
    const Ipv6Address in_64 = v6("2001:db8:3:7ff:a00:27ff:fe4e:66a1");
    const Ipv6Address elsewhere_in_56 = v6("2001:db8:3:701::1");

    CHECK(who(map, in_64, feb_1 - 1) == "-");
    CHECK(who(map, in_64, feb_1) == "acct-A/cpe-a/xDSL");
    CHECK(who(map, elsewhere_in_56, feb_1 + day) == "acct-A/cpe-a/xDSL");
    CHECK(who(map, in_64, mar_1 - 1) == "acct-A/cpe-a/xDSL");
    // The most specific prefix first: the /64 wins over the /56.
    CHECK(who(map, in_64, mar_1) == "acct-B/ap-b/Wi-Fi");
    CHECK(who(map, elsewhere_in_56, mar_1) == "acct-C/cpe-c/FTTH");
    // A /128 lent for a day inside the /64, then back to the /64's owner.
    const Ipv6Address phone = v6("2001:db8:3:7ff::17");
    CHECK(who(map, phone, mar_1 + 9 * day - 1) == "acct-B/ap-b/Wi-Fi");
    CHECK(who(map, phone, mar_1 + 9 * day) == "acct-D/phone/LTE");
    CHECK(who(map, phone, mar_1 + 10 * day) == "acct-B/ap-b/Wi-Fi");
    // Outside the /56, and the neighbouring /56.
    CHECK(who(map, v6("2001:db8:3:800::1"), mar_1) == "-");
    CHECK(who(map, v6("2001:db8:3:6ff::1"), mar_1) == "-");
    CHECK(map.has_account("acct-D"));
}

TEST_CASE("the families are apart and a mapped address is the IPv4 address") {
    const ClientMap map = ClientMap::parse(evening, "c.csv");
    CHECK(who(map, address(10, 0, 3, 7), 0) == "acct-4/cpe-4/FTTH");
    CHECK(who(map, flowfile::ipv4_mapped(address(10, 0, 3, 7)), 0) == "acct-4/cpe-4/FTTH");
    CHECK(who(map, v6("::a00:307"), 0) == "-");
    CHECK(who(map, address(0x20, 0x01, 0x0d, 0xb8), mar_1) == "-");

    const ClientMap mapped = ClientMap::parse("::ffff:10.0.3.0/120,acct-5\n", "c.csv");
    CHECK(who(mapped, address(10, 0, 3, 99), 0) == "acct-5//");
    CHECK(who(mapped, v6("::ffff:10.0.3.99"), 0) == "acct-5//");
    // ::/0 is every IPv6 address, not an IPv4 one.
    const ClientMap everything = ClientMap::parse("::/0,acct-6\n", "c.csv");
    CHECK(who(everything, v6("2001:db8::1"), 0) == "acct-6//");
    CHECK(who(everything, v6("::"), 0) == "acct-6//");
    CHECK(who(everything, address(10, 0, 3, 7), 0) == "-");
}

TEST_CASE("many IPv6 prefixes of several lengths: each finds its own") {
    std::string text;
    for (unsigned i = 0; i < 500; ++i) {
        char line[128];
        std::snprintf(line, sizeof line, "2001:db8:%x:%x00::/56,acct-%u\n", i / 16, i % 16, i);
        text += line;
        std::snprintf(line, sizeof line, "2001:db8:%x:%x01::/64,sub-%u\n", i / 16, i % 16, i);
        text += line;
    }
    const ClientMap map = ClientMap::parse(text, "c.csv");
    REQUIRE(map.size() == 1000);
    for (unsigned i = 0; i < 500; ++i) {
        char a[64];
        std::snprintf(a, sizeof a, "2001:db8:%x:%x02::1", i / 16, i % 16);
        CHECK(who(map, v6(a), 0) == "acct-" + std::to_string(i) + "//");
        std::snprintf(a, sizeof a, "2001:db8:%x:%x01:ffff::1", i / 16, i % 16);
        CHECK(who(map, v6(a), 0) == "sub-" + std::to_string(i) + "//");
    }
    CHECK(who(map, v6("2001:db8:ffff::1"), 0) == "-");
}

TEST_CASE("the connection column is optional, and five-column files stay valid") {
    const ClientMap five = ClientMap::parse(
        "prefix,account,device,valid_from,valid_until\n"
        "10.0.3.7,acct-1,cpe-1,,\n"
        "2001:db8::/64,acct-2,cpe-2\n",
        "c.csv");
    CHECK(who(five, address(10, 0, 3, 7), 0) == "acct-1/cpe-1/");
    CHECK(who(five, v6("2001:db8::5"), 0) == "acct-2/cpe-2/");

    const ClientMap six = ClientMap::parse(
        "PREFIX,Account,Device,Valid_From,Valid_Until,Connection\n"
        "10.0.3.7,acct-1,,,,\"FTTH, 1 Gbit/s\"\n"
        "10.0.3.8,acct-2,,,,\n"
        "10.0.3.9,acct-3,cpe-3,,,  LTE  \n",
        "c.csv");
    CHECK(who(six, address(10, 0, 3, 7), 0) == "acct-1//FTTH, 1 Gbit/s");
    CHECK(who(six, address(10, 0, 3, 8), 0) == "acct-2//");
    CHECK(who(six, address(10, 0, 3, 9), 0) == "acct-3/cpe-3/LTE");
    // Without a header, too.
    CHECK(who(ClientMap::parse("2001:db8::1,a,d,,,xDSL\n", "c.csv"), v6("2001:db8::1"), 0) ==
          "a/d/xDSL");
}

TEST_CASE("IPv6 entries are checked like IPv4 ones") {
    CHECK(load_error("2001:db8::g,a\n") == "clients file c.csv line 1: bad address '2001:db8::g'");
    CHECK(load_error("# x\n2001:db8::/129,a\n") ==
          "clients file c.csv line 2: bad prefix length in '2001:db8::/129' (expected 0 to 128)");
    CHECK(load_error("2001:db8:3:7::/56,a\n") ==
          "clients file c.csv line 1: '2001:db8:3:7::/56' has host bits set (did you mean "
          "2001:db8:3::/56?)");
    CHECK(load_error("2001:db8:3:700::/56,a,,2026-02-01,2026-03-01\n"
                     "2001:db8:3:7ff::/64,b,,2026-01-01,\n"
                     "2001:db8:3:700::/56,c,,2026-02-15,\n") ==
          "clients file c.csv line 3: period of 2001:db8:3:700::/56 overlaps the one on line 1");
    // The same prefix spelt two ways is the same prefix.
    CHECK(load_error("2001:db8:0:0::/64,a,,,2026-03-01\n"
                     "2001:0db8::/64,b,,2026-02-01,\n") ==
          "clients file c.csv line 2: period of 2001:db8::/64 overlaps the one on line 1");
    CHECK(load_error("::ffff:10.0.3.7,a\n10.0.3.7,b\n") ==
          "clients file c.csv line 2: period of 10.0.3.7/32 overlaps the one on line 1");
    // Touching periods and the same network in both families are fine.
    CHECK(load_error("2001:db8::/64,a,,,2026-03-01\n2001:db8::/64,b,,2026-03-01,\n"
                     "::/64,c\n0.0.0.0/0,d\n") == "(accepted)");
}

TEST_CASE("the client side of an IPv6 flow") {
    const ClientMap map = ClientMap::parse(evening, "c.csv");
    flowfile::Record6 r{};
    r.srcaddr = v6("2001:db8:beef::1");
    r.dstaddr = v6("2001:db8:3:7ff::99");
    r.exaddr = flowfile::ipv4_mapped(address(10, 0, 3, 7));  // never a client
    r.start_ms = mar_1 * 1000 - 500;                         // 23:59:59.5 on 28 February
    r.end_ms = mar_1 * 1000 + 60'000;
    auto client = flowquery::find_flow_client(map, r);
    REQUIRE(client);
    CHECK_FALSE(client->client_is_source);
    CHECK(client->identity.account == "acct-A");
    CHECK(client->identity.connection == "xDSL");

    r.start_ms = mar_1 * 1000;
    std::swap(r.srcaddr, r.dstaddr);
    client = flowquery::find_flow_client(map, r);
    REQUIRE(client);
    CHECK(client->client_is_source);
    CHECK(client->identity.account == "acct-B");
    CHECK(client->identity.device == "ap-b");

    r.srcaddr = v6("2001:db8:beef::2");
    CHECK_FALSE(flowquery::find_flow_client(map, r));
}

TEST_CASE("the sample IPv6 clients file: an evening on 14 March") {
    flowkeep_test::ScopedTimeZone zone("Europe/Prague");
    const ClientMap map =
        ClientMap::load(std::string(FLOWKEEP_TEST_DATA) + "/query/clients_ipv6.csv");
    constexpr std::int64_t at_21_prague = 1773518400;  // 2026-03-14T20:00:00Z
    CHECK(map.size() == 8);
    CHECK(who(map, v6("2001:db8:3:701::5"), at_21_prague - 1) == "acct-1001/cpe-7a21/xDSL");
    CHECK(who(map, v6("2001:db8:3:701::5"), at_21_prague) == "acct-1002/cpe-9f03/FTTH");
    CHECK(who(map, address(10, 0, 3, 7), at_21_prague) == "acct-1002/cpe-9f03/FTTH");
    CHECK(who(map, v6("2001:db8:3:7ff::5"), at_21_prague) == "acct-3001/ap-17/Wi-Fi");
    CHECK(who(map, v6("2001:db8:3:7ff::17"), at_21_prague) == "acct-3002/phone-2/LTE");
    CHECK(who(map, v6("2001:db8:3:7ff::17"), at_21_prague + 7200) == "acct-3001/ap-17/Wi-Fi");
    CHECK(who(map, flowfile::ipv4_mapped(address(198, 51, 100, 77)), at_21_prague) ==
          "Example Ltd, branch 2//");
    CHECK(who(map, address(198, 51, 100, 78), at_21_prague) == "acct-2001/router-hq/FTTH");
}
