#include <catch2/catch.hpp>

#include <string>

#include "clients/client_map.hpp"
#include "support/time_zone.hpp"

using flowquery::ClientMap;
using flowquery::find_flow_client;

namespace {

constexpr std::uint32_t address(unsigned a, unsigned b, unsigned c, unsigned d) {
    return a << 24 | b << 16 | c << 8 | d;
}

// A flow from src to dst whose first packet is at start_ms and last 30 s
// later, exported 10 s after that, as a router with 60 s uptime reports it.
flowfile::Record flow(std::uint32_t src, std::uint32_t dst, std::int64_t start_ms) {
    flowfile::Record r;
    r.srcaddr = src;
    r.dstaddr = dst;
    const std::int64_t export_ms = start_ms + 40000;
    r.unix_secs = std::uint32_t(export_ms / 1000);
    r.unix_nsecs = std::uint32_t(export_ms % 1000) * 1000000;
    r.sysuptime = 60000;
    r.first = 20000;
    r.last = 50000;
    return r;
}

// "account/device, source|destination", or "-".
std::string client_of(const ClientMap& map, const flowfile::Record& r) {
    const auto client = find_flow_client(map, r);
    if (!client) return "-";
    return std::string(client->identity.account) + '/' + std::string(client->identity.device) +
           (client->client_is_source ? ", source" : ", destination");
}

constexpr std::int64_t feb_1_utc_ms = 1769904000000;  // 2026-02-01T00:00:00Z

}  // namespace

TEST_CASE("the client is the source if known, else the destination") {
    const ClientMap map =
        ClientMap::parse("10.0.3.7,cust-a,cpe-a\n10.0.3.8,cust-b,cpe-b\n", "c.csv");
    const std::uint32_t a = address(10, 0, 3, 7);
    const std::uint32_t b = address(10, 0, 3, 8);
    const std::uint32_t web = address(203, 0, 113, 5);
    const std::int64_t t = feb_1_utc_ms;
    CHECK(client_of(map, flow(a, web, t)) == "cust-a/cpe-a, source");
    CHECK(client_of(map, flow(web, a, t)) == "cust-a/cpe-a, destination");
    // Two customers talking to each other: the source side is reported.
    CHECK(client_of(map, flow(b, a, t)) == "cust-b/cpe-b, source");
    CHECK(client_of(map, flow(web, web, t)) == "-");
}

TEST_CASE("flows on both sides of a change of customer, by their start time") {
    const ClientMap map = ClientMap::parse(
        "10.0.3.7,acct-1,,2026-01-01T00:00Z,2026-02-01T00:00Z\n"
        "10.0.3.7,acct-2,,2026-02-01T00:00Z,\n",
        "c.csv");
    const std::uint32_t a = address(10, 0, 3, 7);
    const std::uint32_t peer = address(192, 0, 2, 1);
    CHECK(client_of(map, flow(a, peer, feb_1_utc_ms - 3600000)) == "acct-1/, source");
    // Starts half a second before midnight and lasts past it: still acct-1's.
    CHECK(client_of(map, flow(a, peer, feb_1_utc_ms - 500)) == "acct-1/, source");
    CHECK(client_of(map, flow(peer, a, feb_1_utc_ms)) == "acct-2/, destination");
    CHECK(client_of(map, flow(a, peer, feb_1_utc_ms + 86400000)) == "acct-2/, source");
    // Before the first period the address belonged to nobody we know.
    CHECK(client_of(map, flow(a, peer, feb_1_utc_ms - 40LL * 86400000)) == "-");
}

TEST_CASE("a source outside its period falls back to a destination we know") {
    const ClientMap map = ClientMap::parse(
        "10.0.3.7,old,,,2026-02-01T00:00Z\n"
        "10.0.3.9,other\n",
        "c.csv");
    const std::uint32_t a = address(10, 0, 3, 7);
    const std::uint32_t c = address(10, 0, 3, 9);
    CHECK(client_of(map, flow(a, c, feb_1_utc_ms - 1000)) == "old/, source");
    CHECK(client_of(map, flow(a, c, feb_1_utc_ms)) == "other/, destination");
}

TEST_CASE("the sample clients file answers the man page's questions") {
    flowkeep_test::ScopedTimeZone zone("UTC");
    const ClientMap map = ClientMap::load(std::string(FLOWKEEP_TEST_DATA) + "/query/clients.csv");
    CHECK(map.size() == 5);
    const std::uint32_t web = address(203, 0, 113, 5);
    const std::int64_t mar_14_2000 = 1773518400000;  // 2026-03-14T20:00:00Z
    CHECK(client_of(map, flow(address(10, 0, 3, 7), web, mar_14_2000)) ==
          "acct-1001/cpe-7a21, source");
    CHECK(client_of(map, flow(web, address(10, 0, 3, 7), mar_14_2000 + 3600000)) ==
          "acct-1002/cpe-9f03, destination");
    CHECK(client_of(map, flow(address(10, 0, 4, 9), web, mar_14_2000)) ==
          "acct-3001/olt-3/port-4, source");
    CHECK(client_of(map, flow(address(198, 51, 100, 77), web, mar_14_2000)) ==
          "Example Ltd, branch 2/, source");
    CHECK(client_of(map, flow(address(198, 51, 100, 76), web, mar_14_2000)) ==
          "acct-2001/router-hq, source");
    CHECK(map.has_account("acct-1002"));
    CHECK_FALSE(map.has_account("acct-9999"));
}
