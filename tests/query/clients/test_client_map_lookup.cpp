#include <catch2/catch.hpp>

#include <string>
#include <utility>

#include "clients/client_map.hpp"
#include "support/time_zone.hpp"

using flowquery::ClientMap;

namespace {

constexpr std::uint32_t address(unsigned a, unsigned b, unsigned c, unsigned d) {
    return a << 24 | b << 16 | c << 8 | d;
}

// "account/device" at that time, or "-" when the map has no entry.
std::string who(const ClientMap& map, std::uint32_t addr, std::int64_t unix_seconds) {
    const auto identity = map.find(addr, unix_seconds);
    if (!identity) return "-";
    return std::string(identity->account) + '/' + std::string(identity->device);
}

constexpr std::int64_t jan_15_utc = 1768478400;       // 2026-01-15T12:00:00Z
constexpr std::int64_t feb_1_prague = 1769900400;     // 2026-02-01T00:00:00+01:00
constexpr std::int64_t mar_14_2000_utc = 1773518400;  // 2026-03-14T20:00:00Z
constexpr std::int64_t jan_1_prague = 1767222000;     // 2026-01-01T00:00:00+01:00

}  // namespace

TEST_CASE("an address that changes customer on 1 February, local time") {
    flowkeep_test::ScopedTimeZone zone("Europe/Prague");
    const ClientMap map = ClientMap::parse(
        "prefix,account,device,valid_from,valid_until\n"
        "10.0.3.7,acct-1,cpe-a,2026-01-01,2026-02-01\n"
        "10.0.3.7,acct-2,cpe-b,2026-02-01,\n",
        "c.csv");
    const std::uint32_t a = address(10, 0, 3, 7);
    CHECK(map.size() == 2);
    CHECK(who(map, a, jan_1_prague - 1) == "-");
    CHECK(who(map, a, jan_1_prague) == "acct-1/cpe-a");
    CHECK(who(map, a, jan_15_utc) == "acct-1/cpe-a");
    // 23:59:59 on 31 January in Prague is 22:59:59 UTC.
    CHECK(who(map, a, feb_1_prague - 1) == "acct-1/cpe-a");
    CHECK(who(map, a, feb_1_prague) == "acct-2/cpe-b");
    CHECK(who(map, a, mar_14_2000_utc) == "acct-2/cpe-b");
    CHECK(who(map, a, 253402300799) == "acct-2/cpe-b");
    CHECK(who(map, address(10, 0, 3, 8), jan_15_utc) == "-");
}

TEST_CASE("a gap between two holders maps to nobody") {
    const ClientMap map = ClientMap::parse(
        "10.0.3.7,acct-1,,,2026-01-20\n"
        "10.0.3.7,acct-2,,2026-02-01T00:00Z,2026-03-01T00:00Z\n"
        "10.0.3.7,acct-3,,2026-03-01T00:00Z,\n",
        "c.csv");
    const std::uint32_t a = address(10, 0, 3, 7);
    CHECK(who(map, a, 0) == "acct-1/");
    CHECK(who(map, a, jan_15_utc) == "acct-1/");
    CHECK(who(map, a, jan_15_utc + 10 * 86400) == "-");
    CHECK(who(map, a, feb_1_prague + 3600) == "acct-2/");
    CHECK(who(map, a, mar_14_2000_utc) == "acct-3/");
}

TEST_CASE("nested prefixes: the most specific one valid at the time wins") {
    const ClientMap map = ClientMap::parse(
        "198.51.100.0/24,business,router-hq\n"
        "198.51.100.77,other,cpe-77,2026-02-15T12:00Z,\n"
        "198.51.100.64/26,branch,router-2,,2026-03-01T00:00Z\n"
        "198.51.0.0/16,carrier,\n",
        "c.csv");
    const std::int64_t feb_1 = 1769904000;   // 2026-02-01T00:00:00Z
    const std::int64_t mar_1 = 1772323200;   // 2026-03-01T00:00:00Z
    const std::int64_t feb_20 = 1771545600;  // 2026-02-20T00:00:00Z
    CHECK(who(map, address(198, 51, 100, 1), feb_1) == "business/router-hq");
    CHECK(who(map, address(198, 51, 100, 200), mar_1) == "business/router-hq");
    // The /32 before it starts falls back to the /26, then after the /26
    // ends to the /24.
    CHECK(who(map, address(198, 51, 100, 77), feb_1) == "branch/router-2");
    CHECK(who(map, address(198, 51, 100, 77), feb_20) == "other/cpe-77");
    CHECK(who(map, address(198, 51, 100, 78), feb_20) == "branch/router-2");
    CHECK(who(map, address(198, 51, 100, 78), mar_1) == "business/router-hq");
    CHECK(who(map, address(198, 51, 7, 1), feb_1) == "carrier/");
    CHECK(who(map, address(198, 52, 100, 1), feb_1) == "-");
}

TEST_CASE("a /0 entry catches every address") {
    const ClientMap map = ClientMap::parse("0.0.0.0/0,everyone\n10.0.0.1,one\n", "c.csv");
    CHECK(who(map, address(10, 0, 0, 1), 0) == "one/");
    CHECK(who(map, address(255, 255, 255, 255), 0) == "everyone/");
    CHECK(who(map, 0, 0) == "everyone/");
}

TEST_CASE("quoted accounts and devices, comments, CRLF, byte order mark, header case") {
    const ClientMap map = ClientMap::parse(
        "\xEF\xBB\xBF# exported from billing\r\n"
        "Prefix,Account,Device,Valid_From,Valid_Until\r\n"
        "   \r\n"
        "  # indented comment\r\n"
        "10.0.4.0/28,\"Example Ltd, branch 2\",\"olt \"\"3\"\"\",,\r\n"
        "\"10.0.5.1\", acct-5 ,\r\n",
        "c.csv");
    CHECK(map.size() == 2);
    CHECK(who(map, address(10, 0, 4, 15), 0) == "Example Ltd, branch 2/olt \"3\"");
    CHECK(who(map, address(10, 0, 4, 16), 0) == "-");
    CHECK(who(map, address(10, 0, 5, 1), 0) == "acct-5/");
    CHECK(map.has_account("Example Ltd, branch 2"));
    CHECK(map.has_account("acct-5"));
    CHECK_FALSE(map.has_account("acct-6"));
    CHECK_FALSE(map.has_account("Example Ltd"));
}

TEST_CASE("an empty file maps nothing") {
    const ClientMap map = ClientMap::parse("# nobody yet\n", "c.csv");
    CHECK(map.size() == 0);
    CHECK(who(map, address(10, 0, 0, 1), 0) == "-");
    CHECK_FALSE(map.has_account(""));
}

TEST_CASE("identities stay valid when the map is moved") {
    ClientMap first = ClientMap::parse("10.0.0.1,a,d\n", "c.csv");
    const auto before = first.find(address(10, 0, 0, 1), 0);
    REQUIRE(before);
    ClientMap second = std::move(first);
    std::vector<ClientMap> maps;
    maps.push_back(std::move(second));
    CHECK(before->account == "a");
    CHECK(before->device == "d");
    CHECK(who(maps.front(), address(10, 0, 0, 1), 0) == "a/d");
}

TEST_CASE("many customers: every address finds its own account") {
    // Enough entries for hash collisions in each table; every 7th address
    // belongs to a /30 instead of a /32.
    std::string text;
    for (unsigned i = 0; i < 5000; ++i) {
        const std::uint32_t a = address(100, 64, 0, 0) + i * 4;
        const std::string dotted = std::to_string(a >> 24) + '.' + std::to_string((a >> 16) & 255) +
                                   '.' + std::to_string((a >> 8) & 255) + '.' +
                                   std::to_string(a & 255);
        text += dotted + (i % 7 == 0 ? "/30" : "") + ",acct-" + std::to_string(i) + '\n';
    }
    const ClientMap map = ClientMap::parse(text, "c.csv");
    REQUIRE(map.size() == 5000);
    for (unsigned i = 0; i < 5000; ++i) {
        const std::uint32_t a = address(100, 64, 0, 0) + i * 4;
        const std::string expected = "acct-" + std::to_string(i) + '/';
        CHECK(who(map, a, 0) == expected);
        CHECK(who(map, a + 1, 0) == (i % 7 == 0 ? expected : "-"));
    }
    CHECK(map.has_account("acct-4999"));
    CHECK_FALSE(map.has_account("acct-5000"));
}
