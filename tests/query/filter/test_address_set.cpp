#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "filter/address_set.hpp"
#include "flowfile/ipv4_text.hpp"
#include "tools/usage_error.hpp"

using flowquery::AddressSet;
using flowquery::UsageError;

namespace {

constexpr std::uint32_t ip(unsigned a, unsigned b, unsigned c, unsigned d) {
    return a << 24 | b << 16 | c << 8 | d;
}

std::string parse_error(const std::string& list, const std::string& option = "--ip") {
    try {
        AddressSet::parse(list, option);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "(accepted)";
}

using Ranges = std::vector<AddressSet::Range>;

}  // namespace

TEST_CASE("a single address matches only itself") {
    const AddressSet set = AddressSet::parse("10.0.3.7", "--ip");
    CHECK(set.contains(ip(10, 0, 3, 7)));
    CHECK_FALSE(set.contains(ip(10, 0, 3, 6)));
    CHECK_FALSE(set.contains(ip(10, 0, 3, 8)));
    CHECK_FALSE(set.contains(ip(7, 3, 0, 10)));  // not byte-swapped
    CHECK_FALSE(set.contains_everything());
}

TEST_CASE("prefixes cover their whole block and nothing else") {
    const AddressSet set = AddressSet::parse("10.0.0.0/8,203.0.113.0/24", "--ip");
    CHECK(set.contains(ip(10, 0, 0, 0)));
    CHECK(set.contains(ip(10, 255, 255, 255)));
    CHECK_FALSE(set.contains(ip(9, 255, 255, 255)));
    CHECK_FALSE(set.contains(ip(11, 0, 0, 0)));
    CHECK(set.contains(ip(203, 0, 113, 0)));
    CHECK(set.contains(ip(203, 0, 113, 255)));
    CHECK_FALSE(set.contains(ip(203, 0, 112, 255)));
    CHECK_FALSE(set.contains(ip(203, 0, 114, 0)));
    CHECK(set.ranges() == Ranges{{ip(10, 0, 0, 0), ip(10, 255, 255, 255)},
                                 {ip(203, 0, 113, 0), ip(203, 0, 113, 255)}});
}

TEST_CASE("edge prefixes: /32, /31, /0 and the top of the address space") {
    CHECK(AddressSet::parse("192.0.2.1/32", "--ip").ranges() ==
          Ranges{{ip(192, 0, 2, 1), ip(192, 0, 2, 1)}});
    CHECK(AddressSet::parse("192.0.2.2/31", "--ip").ranges() ==
          Ranges{{ip(192, 0, 2, 2), ip(192, 0, 2, 3)}});
    const AddressSet all = AddressSet::parse("0.0.0.0/0", "--ip");
    CHECK(all.contains_every_ipv4());
    CHECK_FALSE(all.contains_everything());  // no IPv6 address
    CHECK(all.contains(0));
    CHECK(all.contains(0xFFFFFFFF));
    const AddressSet top = AddressSet::parse("255.255.255.255", "--ip");
    CHECK(top.contains(0xFFFFFFFF));
    CHECK_FALSE(top.contains(0));
    CHECK_FALSE(top.contains(0xFFFFFFFE));
    CHECK(AddressSet::parse("0.0.0.0/1,128.0.0.0/1", "--ip").contains_every_ipv4());
    CHECK(AddressSet::parse("255.255.255.255,255.255.255.254,0.0.0.0", "--ip").ranges() ==
          Ranges{{0, 0}, {0xFFFFFFFE, 0xFFFFFFFF}});
}

TEST_CASE("lists are sorted and merged: overlapping and adjacent ranges become one") {
    CHECK(AddressSet::parse("10.0.0.128/25,10.0.0.0/25", "--ip").ranges() ==
          Ranges{{ip(10, 0, 0, 0), ip(10, 0, 0, 255)}});
    CHECK(AddressSet::parse("10.1.2.3,10.0.0.0/8,10.1.2.3", "--ip").ranges() ==
          Ranges{{ip(10, 0, 0, 0), ip(10, 255, 255, 255)}});
    CHECK(AddressSet::parse("10.0.0.3,10.0.0.1,10.0.0.2", "--ip").ranges() ==
          Ranges{{ip(10, 0, 0, 1), ip(10, 0, 0, 3)}});
    CHECK(AddressSet::parse("10.0.0.5,10.0.0.1", "--ip").ranges() ==
          Ranges{{ip(10, 0, 0, 1), ip(10, 0, 0, 1)}, {ip(10, 0, 0, 5), ip(10, 0, 0, 5)}});
}

TEST_CASE("blanks around items are ignored") {
    const AddressSet set = AddressSet::parse(" 10.0.0.1 ,\t10.0.0.9", "--ip");
    CHECK(set.contains(ip(10, 0, 0, 1)));
    CHECK(set.contains(ip(10, 0, 0, 9)));
    CHECK_FALSE(set.contains(ip(10, 0, 0, 5)));
}

TEST_CASE("many ranges: the binary search agrees with a plain scan") {
    // Every 7th /28 of 10.0.0.0/16 plus scattered single addresses.
    std::string list;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> blocks;
    for (unsigned i = 0; i < 4096; i += 7) {
        const std::uint32_t first = ip(10, 0, 0, 0) + i * 16;
        blocks.emplace_back(first, first + 15);
        list.append(list.empty() ? "" : ",").append(flowfile::ipv4_text(first)).append("/28");
    }
    list += ",192.0.2.77,0.0.0.0,255.255.255.255";
    blocks.emplace_back(ip(192, 0, 2, 77), ip(192, 0, 2, 77));
    blocks.emplace_back(0, 0);
    blocks.emplace_back(0xFFFFFFFF, 0xFFFFFFFF);
    const AddressSet set = AddressSet::parse(list, "--src-ip");
    REQUIRE(set.ranges().size() == blocks.size());

    auto scan = [&](std::uint32_t a) {
        for (auto [first, last] : blocks)
            if (a >= first && a <= last) return true;
        return false;
    };
    std::mt19937 random(42);
    std::uniform_int_distribution<std::uint32_t> near(ip(10, 0, 0, 0) - 100, ip(10, 1, 0, 0) + 100);
    for (int i = 0; i < 20000; ++i) {
        const std::uint32_t a = near(random);
        if (set.contains(a) != scan(a)) FAIL("address " << a);
    }
    for (auto [first, last] : blocks) {
        CHECK(set.contains(first));
        CHECK(set.contains(last));
        if (first > 0) CHECK(set.contains(first - 1) == scan(first - 1));
        if (last < 0xFFFFFFFF) CHECK(set.contains(last + 1) == scan(last + 1));
    }
    CHECK(set.contains(ip(192, 0, 2, 77)));
    CHECK_FALSE(set.contains(ip(192, 0, 2, 78)));
}

TEST_CASE("bad addresses are named with the option") {
    for (const char* item :
         {"256.1.1.1", "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3", "1..2.3", "a.b.c.d", "10.0.0.1x",
          "1000.0.0.1", "010.0.0.1", "10.0.0.01", "-1.0.0.0", "10.0.0.0 /8", "/8"}) {
        INFO(item);
        CHECK(parse_error(item) == std::string("--ip: bad address '") + item + "'");
    }
    CHECK(parse_error("10.0.0.1,256.1.1.1", "--dst-ip") == "--dst-ip: bad address '256.1.1.1'");
}

TEST_CASE("bad prefix lengths are named with the option") {
    for (const char* item : {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/-1",
                             "10.0.0.0/100", "10.0.0.0/8/8"}) {
        INFO(item);
        CHECK(parse_error(item) ==
              std::string("--ip: bad prefix length in '") + item + "' (expected 0 to 32)");
    }
}

TEST_CASE("a prefix with host bits set is refused with the network it probably meant") {
    CHECK(parse_error("10.0.3.7/16") ==
          "--ip: '10.0.3.7/16' has host bits set (did you mean 10.0.0.0/16?)");
    CHECK(parse_error("192.0.2.1/0", "--exporter") ==
          "--exporter: '192.0.2.1/0' has host bits set (did you mean 0.0.0.0/0?)");
    CHECK(parse_error("192.0.2.1/31") ==
          "--ip: '192.0.2.1/31' has host bits set (did you mean 192.0.2.0/31?)");
}

TEST_CASE("empty items are refused") {
    CHECK(parse_error("") == "--ip: empty item in list ''");
    CHECK(parse_error("10.0.0.1,,10.0.0.2") == "--ip: empty item in list '10.0.0.1,,10.0.0.2'");
    CHECK(parse_error("10.0.0.1,") == "--ip: empty item in list '10.0.0.1,'");
    CHECK(parse_error(",10.0.0.1") == "--ip: empty item in list ',10.0.0.1'");
    CHECK(parse_error("10.0.0.1, ") == "--ip: empty item in list '10.0.0.1, '");
}
