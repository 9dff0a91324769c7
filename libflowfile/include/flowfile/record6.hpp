#pragma once

// flowkeep's IPv6 record: what a v9/IPFIX exporter tells of an IPv6 flow,
// kept in a series of files beside the flow-tools archive (flow-file(5),
// "THE IPV6 SERIES").  flow-tools' records hold IPv4 only, so these files
// carry an export version of flowkeep's own that every flow-tools reader
// refuses ("Unsupported record type") instead of misreading.

#include <cstddef>
#include <cstdint>

#include "flowfile/ipv6_text.hpp"

namespace flowfile {

// TLV 2 of an IPv6 series file: the high bit marks a layout of flowkeep's
// own (flow-tools' versions are 1..8 and 1005); 6 for IPv6.
inline constexpr std::uint16_t ipv6_export_version = 0x8006;

// Byte 3 of an IPv6 series file (flow-tools writes 1 or 3): flow-tools'
// header reader refuses any other, so its directory readers skip these
// files ("ftiheader_read(NAME): Failed, ignoring file.") and its stream
// readers refuse them ("Unsupported stream version 134").
inline constexpr std::uint8_t ipv6_stream_version = 0x86;

// Bytes of one stored Record6 (flow-file(5) gives the layout).
inline constexpr std::size_t record6_size = 132;

// An IPv4 address (host order) as an IPv4-mapped IPv6 address
// (::ffff:a.b.c.d), the form an IPv4 exporter's address takes in a Record6.
Ipv6Address ipv4_mapped(std::uint32_t ipv4);
// Whether an address is IPv4-mapped, and its IPv4 address (host order).
bool is_ipv4_mapped(const Ipv6Address& a);
std::uint32_t mapped_ipv4(const Ipv6Address& a);

struct Record6 {
    Ipv6Address srcaddr{};
    Ipv6Address dstaddr{};
    Ipv6Address nexthop{};
    // The exporter's UDP source address; IPv4-mapped for an IPv4 exporter.
    Ipv6Address exaddr{};
    std::uint64_t dpkts = 0;
    std::uint64_t doctets = 0;
    // Absolute wall-clock times of the first and last packet, ms since 1970
    // UTC: v9/IPFIX exporters give them (or the means to compute them), and
    // an absolute time needs no export header to be read.
    std::int64_t start_ms = 0;
    std::int64_t end_ms = 0;
    std::uint32_t input = 0;  // ifIndex
    std::uint32_t output = 0;
    std::uint32_t src_as = 0;
    std::uint32_t dst_as = 0;
    std::uint32_t flow_label = 0;  // 20 bits
    // v9 source ID / IPFIX observation domain: which exporting process of
    // the exporter (a line card, a VRF) saw the flow.
    std::uint32_t domain = 0;
    std::uint16_t srcport = 0;
    std::uint16_t dstport = 0;
    std::uint8_t prot = 0;
    std::uint8_t traffic_class = 0;
    std::uint8_t tcp_flags = 0;
    std::uint8_t src_mask = 0;  // prefix lengths 0..128
    std::uint8_t dst_mask = 0;
    std::uint8_t engine_type = 0;
    std::uint8_t engine_id = 0;
    std::uint8_t pad = 0;

    friend bool operator==(const Record6&, const Record6&) = default;
};

}  // namespace flowfile
