#pragma once

#include <string_view>

#include "flowfile/ipv6_text.hpp"

namespace flowquery {

// "2001:db8:3:7::/64" or "2001:db8::1" (a /128), any RFC 4291 form, as --ip
// and the clients file give them.  Stricter than flowfile::parse_ipv6_prefix,
// which clears host bits as a router would: an operator who types
// 2001:db8::1/32 has most likely mistyped either the address or the length,
// and silently widening the filter to the /32 would hide that.  Throws
// UsageError whose text is `where` followed by
//   bad address '2001:db8::g'
//   bad prefix length in '2001:db8::/129' (expected 0 to 128)
//   '2001:db8::1/32' has host bits set (did you mean 2001:db8::/32?)
flowfile::Ipv6Prefix parse_ipv6_prefix_strict(std::string_view text, std::string_view where);

// Whether a list item is meant as an IPv6 address: only IPv6 text has a
// colon, so a bad item is reported against the family its author meant.
inline bool looks_like_ipv6(std::string_view text) {
    return text.find(':') != std::string_view::npos;
}

}  // namespace flowquery
