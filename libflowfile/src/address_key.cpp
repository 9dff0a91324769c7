#include "flowfile/block_index.hpp"

namespace flowfile {

namespace {

AddressKey from_ipv4(AddressKey::Kind kind, std::uint32_t host_order) {
    AddressKey k;
    k.kind = kind;
    k.bytes[0] = static_cast<std::uint8_t>(host_order >> 24);
    k.bytes[1] = static_cast<std::uint8_t>(host_order >> 16);
    k.bytes[2] = static_cast<std::uint8_t>(host_order >> 8);
    k.bytes[3] = static_cast<std::uint8_t>(host_order);
    return k;
}

// The first `keep` bytes of the address, the rest zero.
AddressKey from_ipv6(AddressKey::Kind kind, const Ipv6Address& a, std::size_t keep) {
    AddressKey k;
    k.kind = kind;
    for (std::size_t i = 0; i < keep; ++i) k.bytes[i] = a[i];
    return k;
}

}  // namespace

AddressKey AddressKey::ipv4(std::uint32_t host_order) {
    return from_ipv4(Kind::ipv4, host_order);
}

AddressKey AddressKey::ipv4_24(std::uint32_t host_order) {
    return from_ipv4(Kind::ipv4_24, host_order & 0xffffff00u);
}

AddressKey AddressKey::ipv6(const Ipv6Address& a) {
    return from_ipv6(Kind::ipv6, a, 16);
}

AddressKey AddressKey::ipv6_64(const Ipv6Address& a) {
    return from_ipv6(Kind::ipv6_64, a, 8);
}

AddressKey AddressKey::ipv6_48(const Ipv6Address& a) {
    return from_ipv6(Kind::ipv6_48, a, 6);
}

}  // namespace flowfile
