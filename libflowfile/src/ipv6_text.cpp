#include "flowfile/ipv6_text.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace flowfile {

std::string ipv6_text(const Ipv6Address& a) {
    std::array<unsigned, 8> groups{};
    for (std::size_t i = 0; i < 8; ++i) groups[i] = (unsigned{a[2 * i]} << 8) | a[2 * i + 1];

    // RFC 5952 §5: ::ffff:a.b.c.d for IPv4-mapped addresses.
    const bool mapped = groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 &&
                        groups[4] == 0 && groups[5] == 0xffff;
    const std::size_t hex_groups = mapped ? 6 : 8;

    // The longest run of zero groups, two or more, the first of equal runs.
    std::size_t best_start = 0, best_length = 0;
    for (std::size_t i = 0; i < hex_groups;) {
        if (groups[i] != 0) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < hex_groups && groups[j] == 0) ++j;
        if (j - i > best_length) {
            best_start = i;
            best_length = j - i;
        }
        i = j;
    }
    if (best_length < 2) best_length = 0;

    std::string out;
    char buffer[8];
    for (std::size_t i = 0; i < hex_groups; ++i) {
        if (best_length != 0 && i == best_start) {
            out += "::";
            i += best_length - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':') out += ':';
        const auto end = std::to_chars(buffer, buffer + sizeof buffer, groups[i], 16).ptr;
        out.append(buffer, end);
    }
    if (mapped) {
        if (!out.empty() && out.back() != ':') out += ':';
        out += std::to_string(a[12]) + '.' + std::to_string(a[13]) + '.' + std::to_string(a[14]) +
               '.' + std::to_string(a[15]);
    }
    return out;
}

bool Ipv6Prefix::contains(const Ipv6Address& a) const {
    for (unsigned bit = 0; bit < length; bit += 8) {
        const unsigned bits = length - bit >= 8 ? 8 : length - bit;
        const auto mask = static_cast<std::uint8_t>(0xff00u >> bits);
        if ((a[bit / 8] & mask) != address[bit / 8]) return false;
    }
    return true;
}

std::optional<Ipv6Prefix> parse_ipv6_prefix(std::string_view text) {
    Ipv6Prefix prefix;
    std::string_view address = text;
    if (const auto slash = text.find('/'); slash != std::string_view::npos) {
        address = text.substr(0, slash);
        const std::string_view length = text.substr(slash + 1);
        unsigned n = 0;
        const auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), n);
        if (length.empty() || ec != std::errc() || end != length.data() + length.size() || n > 128)
            return std::nullopt;
        prefix.length = n;
    }
    // inet_pton reads every RFC 4291 §2.2 form and nothing else; it needs a
    // terminated string.
    const std::string terminated(address);
    if (::inet_pton(AF_INET6, terminated.c_str(), prefix.address.data()) != 1) return std::nullopt;
    for (unsigned bit = 0; bit < 128; ++bit)
        if (bit >= prefix.length)
            prefix.address[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
    return prefix;
}

}  // namespace flowfile
