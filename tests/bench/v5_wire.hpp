#pragma once

// NetFlow v5 export packets on the wire: an IspTraffic packet turned into the
// bytes a router sends (24-byte header and 48-byte records, network order).
// Kept apart from the sender so any benchmark or test that feeds a collector
// from the traffic model encodes packets the same way.

#include <arpa/inet.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "flowfile/record.hpp"
#include "isp_traffic.hpp"

namespace flowkeep::bench {

inline constexpr std::size_t v5_header_bytes = 24;
inline constexpr std::size_t v5_record_bytes = 48;
inline constexpr std::size_t v5_max_packet_bytes =
    v5_header_bytes + IspTraffic::max_flows_per_packet * v5_record_bytes;  // 1464

namespace v5_wire_detail {
inline std::uint8_t* put16(std::uint8_t* p, std::uint16_t v) {
    v = htons(v);
    std::memcpy(p, &v, 2);
    return p + 2;
}
inline std::uint8_t* put32(std::uint8_t* p, std::uint32_t v) {
    v = htonl(v);
    std::memcpy(p, &v, 4);
    return p + 4;
}
}  // namespace v5_wire_detail

// Writes the first `flows` flows of `packet` (all of them when it has fewer)
// into `out`, which holds at least v5_max_packet_bytes.  The header fields
// come from the packet's first flow, where the model puts them.  Returns the
// datagram's length.
inline std::size_t encode_v5(const ExportPacket& packet, std::size_t flows,
                             std::span<std::uint8_t> out) {
    using namespace v5_wire_detail;
    const std::size_t n = std::min({flows, packet.flows.size(), IspTraffic::max_flows_per_packet});
    if (n == 0 || out.size() < v5_header_bytes + n * v5_record_bytes) return 0;
    const flowfile::Record& h = packet.flows.front();
    std::uint8_t* p = out.data();
    p = put16(p, 5);
    p = put16(p, static_cast<std::uint16_t>(n));
    p = put32(p, h.sysuptime);
    p = put32(p, h.unix_secs);
    p = put32(p, h.unix_nsecs);
    p = put32(p, packet.flow_sequence);
    *p++ = h.engine_type;
    *p++ = h.engine_id;
    p = put16(p, 0);  // sampling interval: not sampled
    for (std::size_t i = 0; i < n; ++i) {
        const flowfile::Record& r = packet.flows[i];
        p = put32(p, r.srcaddr);
        p = put32(p, r.dstaddr);
        p = put32(p, r.nexthop);
        p = put16(p, r.input);
        p = put16(p, r.output);
        p = put32(p, r.dpkts);
        p = put32(p, r.doctets);
        p = put32(p, r.first);
        p = put32(p, r.last);
        p = put16(p, r.srcport);
        p = put16(p, r.dstport);
        *p++ = 0;  // pad1
        *p++ = r.tcp_flags;
        *p++ = r.prot;
        *p++ = r.tos;
        p = put16(p, r.src_as);
        p = put16(p, r.dst_as);
        *p++ = r.src_mask;
        *p++ = r.dst_mask;
        p = put16(p, 0);  // pad2
    }
    return static_cast<std::size_t>(p - out.data());
}

}  // namespace flowkeep::bench
