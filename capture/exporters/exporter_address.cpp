#include "exporter_address.hpp"

#include <cstring>

#include "flowfile/ipv4_text.hpp"
#include "flowfile/record6.hpp"

namespace capture {

flowfile::Ipv6Address exporter_address(std::uint32_t ipv4, const flowfile::Ipv6Address& ipv6) {
    return is_ipv6_exporter(ipv6) ? ipv6 : flowfile::ipv4_mapped(ipv4);
}

std::string exporter_text(std::uint32_t ipv4, const flowfile::Ipv6Address& ipv6) {
    return is_ipv6_exporter(ipv6) ? flowfile::ipv6_text(ipv6) : flowfile::ipv4_text(ipv4);
}

std::uint64_t ipv6_hash_bits(const flowfile::Ipv6Address& ipv6) {
    std::uint64_t high, low;
    std::memcpy(&high, ipv6.data(), 8);
    std::memcpy(&low, ipv6.data() + 8, 8);
    // Spoofed sources vary the interface identifier as freely as the
    // prefix: both halves count, the high one multiplied apart from the low.
    return high * 0x9E3779B97F4A7C15ull ^ low;
}

}  // namespace capture
