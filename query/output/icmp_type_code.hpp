#pragma once

#include <cstdint>
#include <string>

namespace flowquery {

// NetFlow has no ICMP fields: exporters put type * 256 + code in the
// destination port (2048 is an echo request, type 8 code 0).  Shown as a
// port it reads like a service, so the tools' own formats print "8/0".
inline constexpr std::uint8_t icmp_protocol = 1;
// ICMPv6 (RFC 4443) flows carry theirs the same way.
inline constexpr std::uint8_t icmpv6_protocol = 58;

inline std::string icmp_type_code_text(std::uint16_t dstport) {
    return std::to_string(dstport >> 8) + '/' + std::to_string(dstport & 0xFF);
}

}  // namespace flowquery
