#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "filter/address_set.hpp"
#include "flowfile/record6.hpp"
#include "tools/usage_error.hpp"

using flowfile::Ipv6Address;
using flowquery::AddressSet;
using flowquery::UsageError;

namespace {

Ipv6Address v6(std::string_view text) {
    const auto prefix = flowfile::parse_ipv6_prefix(text);
    REQUIRE(prefix);
    return prefix->address;
}

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

}  // namespace

TEST_CASE("an IPv6 address matches only itself, in any RFC 4291 spelling") {
    const AddressSet set = AddressSet::parse("2001:db8:3:7::1", "--ip");
    CHECK(set.contains(v6("2001:db8:3:7::1")));
    CHECK(set.contains(v6("2001:0DB8:0003:0007:0000:0000:0000:0001")));
    CHECK_FALSE(set.contains(v6("2001:db8:3:7::2")));
    CHECK_FALSE(set.contains(v6("2001:db8:3:7::")));
    CHECK_FALSE(set.contains(v6("1::7:3:db8:2001")));
    CHECK(set.has_ipv6());
    CHECK_FALSE(set.has_ipv4());
    CHECK_FALSE(set.contains_every_ipv6());
    // An IPv6 list holds no IPv4 address.
    CHECK_FALSE(set.contains(ip(0, 0, 0, 1)));
    CHECK(AddressSet::parse("2001:db8:3:7:0:0:0:1/128", "--ip").ranges6() == set.ranges6());
}

TEST_CASE("an IPv6 prefix covers its whole block and nothing else") {
    const AddressSet set = AddressSet::parse("2001:db8:3:7::/64", "--ip");
    CHECK(set.contains(v6("2001:db8:3:7::")));
    CHECK(set.contains(v6("2001:db8:3:7:ffff:ffff:ffff:ffff")));
    CHECK(set.contains(v6("2001:db8:3:7:a00:27ff:fe4e:66a1")));
    CHECK_FALSE(set.contains(v6("2001:db8:3:6:ffff:ffff:ffff:ffff")));
    CHECK_FALSE(set.contains(v6("2001:db8:3:8::")));
    // A /56 and a length that is not a multiple of 8.
    const AddressSet delegated =
        AddressSet::parse("2001:db8:3:700::/56,2001:db8:8000::/33", "--ip");
    CHECK(delegated.contains(v6("2001:db8:3:7ff:1::1")));
    CHECK_FALSE(delegated.contains(v6("2001:db8:3:800::")));
    CHECK(delegated.contains(v6("2001:db8:ffff::1")));
    CHECK_FALSE(delegated.contains(v6("2001:db8:7fff::1")));
}

TEST_CASE("edge IPv6 prefixes: ::, /128, /0 and the top of the space") {
    const AddressSet unspecified = AddressSet::parse("::", "--ip");
    CHECK(unspecified.contains(v6("::")));
    CHECK_FALSE(unspecified.contains(v6("::1")));
    const AddressSet all = AddressSet::parse("::/0", "--ip");
    CHECK(all.contains_every_ipv6());
    CHECK_FALSE(all.contains_every_ipv4());
    CHECK_FALSE(all.contains_everything());
    CHECK(all.contains(v6("::")));
    CHECK(all.contains(v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
    // ::/0 holds the IPv4-mapped addresses as IPv6 addresses.
    CHECK(all.contains(flowfile::ipv4_mapped(ip(192, 0, 2, 1))));
    const AddressSet top = AddressSet::parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", "--ip");
    CHECK(top.contains(v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
    CHECK_FALSE(top.contains(v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe")));
    CHECK(AddressSet::parse("::/1,8000::/1", "--ip").contains_every_ipv6());
    CHECK(AddressSet::parse("0.0.0.0/0,::/0", "--ip").contains_everything());
}

TEST_CASE("IPv6 prefixes that overlap or touch are merged, across the 64-bit halves") {
    using Ranges6 = std::vector<AddressSet::Range6>;
    const AddressSet touching = AddressSet::parse("2001:db8:0:1::/64,2001:db8::/64", "--ip");
    REQUIRE(touching.ranges6().size() == 1);
    CHECK(touching.ranges6() == AddressSet::parse("2001:db8::/63", "--ip").ranges6());
    const AddressSet nested = AddressSet::parse("2001:db8::1,2001:db8::/32,2001:db8::1", "--ip");
    CHECK(nested.ranges6() == AddressSet::parse("2001:db8::/32", "--ip").ranges6());
    const AddressSet apart = AddressSet::parse("2001:db8::3,2001:db8::1", "--ip");
    CHECK(apart.ranges6() == Ranges6{{{0x20010db800000000, 1}, {0x20010db800000000, 1}},
                                     {{0x20010db800000000, 3}, {0x20010db800000000, 3}}});
    CHECK_FALSE(apart.contains(v6("2001:db8::2")));
    // The last address of a low half and the next high half are neighbours.
    CHECK(AddressSet::parse("2001:db8:0:0:ffff:ffff:ffff:ffff,2001:db8:0:1::", "--ip")
              .ranges6()
              .size() == 1);
    CHECK(
        AddressSet::parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,::", "--ip").ranges6().size() ==
        2);
}

TEST_CASE("IPv4 and IPv6 items mix in one list") {
    const AddressSet set = AddressSet::parse("10.0.3.7, 2001:db8:3:7::/64,198.51.100.0/24", "--ip");
    CHECK(set.has_ipv4());
    CHECK(set.has_ipv6());
    CHECK(set.contains(ip(10, 0, 3, 7)));
    CHECK(set.contains(ip(198, 51, 100, 200)));
    CHECK_FALSE(set.contains(ip(10, 0, 3, 8)));
    CHECK(set.contains(v6("2001:db8:3:7::99")));
    CHECK_FALSE(set.contains(v6("2001:db8:3:8::99")));
    CHECK(set.ranges().size() == 2);
    CHECK(set.ranges6().size() == 1);
}

TEST_CASE("an IPv4-mapped address is the IPv4 address") {
    const AddressSet ipv4 = AddressSet::parse("192.0.2.1", "--exporter");
    // An IPv4 exporter's address in an IPv6 record.
    CHECK(ipv4.contains(flowfile::ipv4_mapped(ip(192, 0, 2, 1))));
    CHECK(ipv4.contains(v6("::ffff:192.0.2.1")));
    CHECK_FALSE(ipv4.contains(v6("::ffff:192.0.2.2")));
    // Not the IPv4-compatible (deprecated) form, nor the NAT64 prefix.
    CHECK_FALSE(ipv4.contains(v6("::192.0.2.1")));
    CHECK_FALSE(ipv4.contains(v6("64:ff9b::192.0.2.1")));

    // Written mapped, an item joins the IPv4 ranges.
    const AddressSet mapped = AddressSet::parse("::ffff:192.0.2.0/120", "--exporter");
    CHECK(mapped.has_ipv4());
    CHECK_FALSE(mapped.has_ipv6());
    CHECK(mapped.ranges() == AddressSet::parse("192.0.2.0/24", "--exporter").ranges());
    CHECK(mapped.contains(ip(192, 0, 2, 77)));
    CHECK(AddressSet::parse("::ffff:0:0/96", "--ip").contains_every_ipv4());
    // A shorter prefix than the mapped block's is IPv6.
    const AddressSet wide = AddressSet::parse("::/64", "--ip");
    CHECK(wide.has_ipv6());
    CHECK_FALSE(wide.has_ipv4());
    CHECK(wide.contains(v6("::ffff:10.0.0.1")));
    CHECK_FALSE(wide.contains(ip(10, 0, 0, 1)));
}

TEST_CASE("many IPv6 ranges: the binary search agrees with a plain scan") {
    std::string list;
    for (unsigned i = 0; i < 300; i += 3) {
        char item[64];
        std::snprintf(item, sizeof item, "%s2001:db8:%x::/48", list.empty() ? "" : ",", i);
        list += item;
    }
    const AddressSet set = AddressSet::parse(list, "--dst-ip");
    REQUIRE(set.ranges6().size() == 100);
    std::mt19937 random(7);
    for (int n = 0; n < 5000; ++n) {
        const unsigned group = random() % 320;
        Ipv6Address a = v6("2001:db8::");
        a[4] = static_cast<std::uint8_t>(group >> 8);
        a[5] = static_cast<std::uint8_t>(group);
        a[15] = static_cast<std::uint8_t>(random());
        a[6] = static_cast<std::uint8_t>(random());
        INFO("group " << group);
        CHECK(set.contains(a) == (group < 300 && group % 3 == 0));
    }
}

TEST_CASE("bad IPv6 items are named with the option") {
    for (const char* item : {"2001:db8::g", "2001:db8:::1", "1:2:3:4:5:6:7:8:9", "2001:db8",
                             "::ffff:1.2.3", "2001:db8::1 /64", ":", "fe80::1%eth0", "12345::"}) {
        INFO(item);
        CHECK(parse_error(item) == std::string("--ip: bad address '") + item + "'");
    }
    CHECK(parse_error("10.0.0.1,2001:db8::g", "--src-ip") == "--src-ip: bad address '2001:db8::g'");
    for (const char* item : {"2001:db8::/129", "2001:db8::/", "2001:db8::/x", "2001:db8::/-1",
                             "2001:db8::/1000", "2001:db8::/64/64", "2001:db8::/ 64"}) {
        INFO(item);
        CHECK(parse_error(item) ==
              std::string("--ip: bad prefix length in '") + item + "' (expected 0 to 128)");
    }
    CHECK(parse_error("2001:db8::1/32") ==
          "--ip: '2001:db8::1/32' has host bits set (did you mean 2001:db8::/32?)");
    CHECK(parse_error("2001:db8:3:7::/56", "--exporter") ==
          "--exporter: '2001:db8:3:7::/56' has host bits set (did you mean 2001:db8:3::/56?)");
    CHECK(parse_error("::1/0") == "--ip: '::1/0' has host bits set (did you mean ::/0?)");
    CHECK(parse_error("2001:db8::,,10.0.0.1") == "--ip: empty item in list '2001:db8::,,10.0.0.1'");
}
