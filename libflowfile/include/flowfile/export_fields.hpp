#pragma once

#include <cstdint>

namespace flowfile {

// flow-export's field bits (flow-tools' FT_XFIELD_*): one bit per field a
// record of some export version can carry.  The original's values are kept
// because its output follows them: flow-export -f2 prints the columns in bit
// order, and flow-stat refuses a report whose bits a file lacks.  The gaps
// (0x800, 0x4000, 0x8000) are bits no supported version sets.
namespace export_field {
inline constexpr std::uint64_t unix_secs = 0x1;
inline constexpr std::uint64_t unix_nsecs = 0x2;
inline constexpr std::uint64_t sysuptime = 0x4;
inline constexpr std::uint64_t exaddr = 0x8;
inline constexpr std::uint64_t dflows = 0x10;  // v8 aggregations only
inline constexpr std::uint64_t dpkts = 0x20;
inline constexpr std::uint64_t doctets = 0x40;
inline constexpr std::uint64_t first = 0x80;
inline constexpr std::uint64_t last = 0x100;
inline constexpr std::uint64_t engine_type = 0x200;
inline constexpr std::uint64_t engine_id = 0x400;
inline constexpr std::uint64_t srcaddr = 0x1000;
inline constexpr std::uint64_t dstaddr = 0x2000;
inline constexpr std::uint64_t nexthop = 0x10000;
inline constexpr std::uint64_t input = 0x20000;
inline constexpr std::uint64_t output = 0x40000;
inline constexpr std::uint64_t srcport = 0x80000;
inline constexpr std::uint64_t dstport = 0x100000;
inline constexpr std::uint64_t prot = 0x200000;
inline constexpr std::uint64_t tos = 0x400000;
inline constexpr std::uint64_t tcp_flags = 0x800000;
inline constexpr std::uint64_t src_mask = 0x1000000;
inline constexpr std::uint64_t dst_mask = 0x2000000;
inline constexpr std::uint64_t src_as = 0x4000000;
inline constexpr std::uint64_t dst_as = 0x8000000;
inline constexpr std::uint64_t in_encaps = 0x10000000;     // v6
inline constexpr std::uint64_t out_encaps = 0x20000000;    // v6
inline constexpr std::uint64_t peer_nexthop = 0x40000000;  // v6
inline constexpr std::uint64_t router_sc = 0x80000000;     // v7
inline constexpr std::uint64_t extra_pkts = 0x100000000;   // v8.6-8.8 only
inline constexpr std::uint64_t marked_tos = 0x200000000;   // v8.6-8.8 only
inline constexpr std::uint64_t src_tag = 0x400000000;      // v1005
inline constexpr std::uint64_t dst_tag = 0x800000000;      // v1005
}  // namespace export_field

// The export_field bits present in each supported export version, 0 for any
// other; the query tools use this to know which columns a file can fill.
std::uint64_t field_mask(std::uint16_t export_version);

}  // namespace flowfile
