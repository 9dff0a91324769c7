#include "flowfile/record6.hpp"

namespace flowfile {

Ipv6Address ipv4_mapped(std::uint32_t ipv4) {
    Ipv6Address a{};
    a[10] = 0xff;
    a[11] = 0xff;
    a[12] = static_cast<std::uint8_t>(ipv4 >> 24);
    a[13] = static_cast<std::uint8_t>(ipv4 >> 16);
    a[14] = static_cast<std::uint8_t>(ipv4 >> 8);
    a[15] = static_cast<std::uint8_t>(ipv4);
    return a;
}

bool is_ipv4_mapped(const Ipv6Address& a) {
    for (int i = 0; i < 10; ++i)
        if (a[i] != 0) return false;
    return a[10] == 0xff && a[11] == 0xff;
}

std::uint32_t mapped_ipv4(const Ipv6Address& a) {
    return std::uint32_t{a[12]} << 24 | std::uint32_t{a[13]} << 16 | std::uint32_t{a[14]} << 8 |
           a[15];
}

}  // namespace flowfile
