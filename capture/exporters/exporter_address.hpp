#pragma once

// How flow-capture names an exporter that reached it over IPv6.  Such an
// exporter has no 32-bit address: it is kept by its IPv6 address beside a
// 32-bit address of 0 (what its v5 records hold as exaddr), so that two of
// them stay two exporters.  An all-zero IPv6 address means an IPv4 exporter
// (or one seen through an IPv4-mapped address): :: is never a datagram's
// source.

#include <cstdint>
#include <string>

#include "flowfile/ipv6_text.hpp"

namespace capture {

inline bool is_ipv6_exporter(const flowfile::Ipv6Address& ipv6) {
    return ipv6 != flowfile::Ipv6Address{};
}

// The exporter as an IPv6 record's exaddr: IPv4-mapped for an IPv4 one.
flowfile::Ipv6Address exporter_address(std::uint32_t ipv4, const flowfile::Ipv6Address& ipv6);

// For log lines: the dotted quad, or RFC 5952 text for an IPv6 exporter.
std::string exporter_text(std::uint32_t ipv4, const flowfile::Ipv6Address& ipv6);

// The 16 bytes folded for the hash tables keyed by exporter.
std::uint64_t ipv6_hash_bits(const flowfile::Ipv6Address& ipv6);

}  // namespace capture
