// IPv6 text against RFC 5952's own examples (section 4) and RFC 4291's
// forms (section 2.2).

#include <catch2/catch.hpp>

#include <string>

#include "flowfile/ipv6_text.hpp"

using flowfile::Ipv6Address;
using flowfile::parse_ipv6_prefix;

namespace {

Ipv6Address address(const std::string& text) {
    const auto p = parse_ipv6_prefix(text);
    REQUIRE(p.has_value());
    REQUIRE(p->length == 128);
    return p->address;
}

std::string canonical(const std::string& text) {
    return flowfile::ipv6_text(address(text));
}

}  // namespace

TEST_CASE("IPv6 addresses print in RFC 5952's canonical form", "[ipv6_text]") {
    // §4.1: no leading zeros; §4.2.1: "::" as long as it can be.
    CHECK(canonical("2001:0db8:0000:0000:0000:0000:0000:0001") == "2001:db8::1");
    CHECK(canonical("2001:db8:0:0:0:0:2:1") == "2001:db8::2:1");
    // §4.2.2: a single zero group is not shortened.
    CHECK(canonical("2001:db8:0:1:1:1:1:1") == "2001:db8:0:1:1:1:1:1");
    // §4.2.3: the longest run, and the first of equal runs.
    CHECK(canonical("2001:0:0:1:0:0:0:1") == "2001:0:0:1::1");
    CHECK(canonical("2001:db8:0:0:1:0:0:1") == "2001:db8::1:0:0:1");
    // §4.3: lowercase.
    CHECK(canonical("2001:DB8::AbCd") == "2001:db8::abcd");
    // The ends and the extremes.
    CHECK(canonical("::") == "::");
    CHECK(canonical("::1") == "::1");
    CHECK(canonical("1::") == "1::");
    CHECK(canonical("fe80:0:0:0:1:0:0:0") == "fe80::1:0:0:0");  // equal runs: the first
    CHECK(canonical("fe80:0:0:1:0:0:0:0") == "fe80:0:0:1::");   // the longer one, last
    CHECK(canonical("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") ==
          "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    // §5: IPv4-mapped addresses end in dotted decimal, however they were written.
    CHECK(canonical("::ffff:192.0.2.1") == "::ffff:192.0.2.1");
    CHECK(canonical("0:0:0:0:0:FFFF:C000:0201") == "::ffff:192.0.2.1");
    // Only ::ffff:0:0/96 is mixed: the others stay hex.
    CHECK(canonical("::192.0.2.1") == "::c000:201");
    CHECK(canonical("64:ff9b::192.0.2.1") == "64:ff9b::c000:201");
}

TEST_CASE("prefixes parse in RFC 4291 form and match the addresses inside them", "[ipv6_text]") {
    const auto client = parse_ipv6_prefix("2001:db8:3:7::/64");
    REQUIRE(client.has_value());
    CHECK(client->length == 64);
    CHECK(flowfile::ipv6_text(client->address) == "2001:db8:3:7::");
    CHECK(client->contains(address("2001:db8:3:7::5")));
    CHECK(client->contains(address("2001:db8:3:7:ffff:ffff:ffff:ffff")));
    CHECK_FALSE(client->contains(address("2001:db8:3:8::1")));

    // A /56 delegation, a length that is not a multiple of 16.
    const auto delegated = parse_ipv6_prefix("2001:db8:3:700::/56");
    REQUIRE(delegated.has_value());
    CHECK(delegated->contains(address("2001:db8:3:7ff::1")));
    CHECK_FALSE(delegated->contains(address("2001:db8:3:800::1")));
    // Odd lengths cut inside a byte.
    const auto odd = parse_ipv6_prefix("2001:db8::/33");
    REQUIRE(odd.has_value());
    CHECK(odd->contains(address("2001:db8:7fff::1")));
    CHECK_FALSE(odd->contains(address("2001:db8:8000::1")));

    // /0 holds everything, /128 one address; host bits are cleared.
    CHECK(parse_ipv6_prefix("::/0")->contains(address("2001:db8::1")));
    CHECK(parse_ipv6_prefix("2001:db8::1")->length == 128);
    CHECK(*parse_ipv6_prefix("2001:db8::1/64") == *parse_ipv6_prefix("2001:db8::/64"));
}

TEST_CASE("text that is no IPv6 address or prefix is refused", "[ipv6_text]") {
    for (const char* bad :
         {"", "1.2.3.4", "2001:db8:::1", "2001:db8::g", "2001:db8::/129", "2001:db8::/",
          "2001:db8::/6x", "2001:db8::/-1", "1:2:3:4:5:6:7:8:9", "2001:db8::1 ", "/64"}) {
        INFO(bad);
        CHECK_FALSE(parse_ipv6_prefix(bad).has_value());
    }
}
