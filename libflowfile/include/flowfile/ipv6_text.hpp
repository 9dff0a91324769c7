#pragma once

// IPv6 addresses as text, both ways, for everything that prints or reads one
// (the IPv6 series to come, the query tools' --ip lists, log lines): output
// in RFC 5952's one canonical form, so that the same address always prints
// the same and grep finds it; input in any form RFC 4291 allows, with an
// optional prefix length.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flowfile {

// Network byte order, as on the wire.
using Ipv6Address = std::array<std::uint8_t, 16>;

// RFC 5952 §4: lowercase hex, no leading zeros, the longest run of two or
// more zero groups as "::" (the first of equal runs), and §5: an
// IPv4-mapped address (::ffff:0:0/96) with its IPv4 part dotted.
std::string ipv6_text(const Ipv6Address& address);

struct Ipv6Prefix {
    Ipv6Address address{};  // bits past the length are zero
    unsigned length = 128;

    bool contains(const Ipv6Address& a) const;
    friend bool operator==(const Ipv6Prefix&, const Ipv6Prefix&) = default;
};

// "2001:db8:3:7::/64", "2001:db8::1" (a /128), any RFC 4291 form including
// a dotted IPv4 tail.  Nothing for text that is not one, or a length over
// 128; host bits set beyond the length are cleared (2001:db8::1/64 is
// 2001:db8::/64), as routers read such a prefix.
std::optional<Ipv6Prefix> parse_ipv6_prefix(std::string_view text);

}  // namespace flowfile
