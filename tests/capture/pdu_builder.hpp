#pragma once

// Builds NetFlow v1/v5/v6/v7/v8 datagrams byte by byte (network order) from
// field values, so tests state a PDU by its meaning; checked against the
// spec's hex dump in test_pdu_decoder.cpp.

#include <cstdint>
#include <optional>
#include <vector>

namespace flowkeep_test {

struct PduHeader {
    std::uint16_t version = 5;
    std::optional<std::uint16_t> count;  // default: number of flows
    std::uint32_t sysuptime = 1000000;
    std::uint32_t unix_secs = 1255600000;
    std::uint32_t unix_nsecs = 123456789;
    std::uint32_t flow_sequence = 0;
    std::uint8_t engine_type = 0;
    std::uint8_t engine_id = 0;
    std::uint16_t sampling = 0;  // v5-v7 bytes 22-23
    // v8 only
    std::uint8_t aggregation = 1;
    std::uint8_t agg_version = 2;
};

struct PduFlow {
    std::uint32_t srcaddr = 0;
    std::uint32_t dstaddr = 0;
    std::uint32_t nexthop = 0;
    std::uint16_t input = 0;
    std::uint16_t output = 0;
    std::uint32_t dpkts = 0;
    std::uint32_t doctets = 0;
    std::uint32_t first = 0;
    std::uint32_t last = 0;
    std::uint16_t srcport = 0;
    std::uint16_t dstport = 0;
    std::uint8_t pad1 = 0;  // v5-v7 byte 36 (v7: Cisco flags)
    std::uint8_t tcp_flags = 0;
    std::uint8_t prot = 0;
    std::uint8_t tos = 0;
    std::uint16_t src_as = 0;
    std::uint16_t dst_as = 0;
    std::uint8_t src_mask = 0;
    std::uint8_t dst_mask = 0;
    std::uint16_t pad2 = 0;  // v5 bytes 46-47, v7 flags/drops
    std::uint8_t in_encaps = 0;
    std::uint8_t out_encaps = 0;
    std::uint32_t peer_nexthop = 0;
    std::uint32_t router_sc = 0;
};

constexpr std::uint32_t ip(unsigned a, unsigned b, unsigned c, unsigned d) {
    return (a << 24) | (b << 16) | (c << 8) | d;
}

// The flow of the spec's example datagram (netflow-pdus.md §3.2.1).
inline PduFlow example_flow() {
    PduFlow f;
    f.srcaddr = ip(10, 0, 0, 1);
    f.dstaddr = ip(192, 168, 1, 2);
    f.nexthop = ip(10, 0, 0, 254);
    f.input = 3;
    f.output = 4;
    f.dpkts = 10;
    f.doctets = 1500;
    f.first = 995000;
    f.last = 999000;
    f.srcport = 1234;
    f.dstport = 80;
    f.pad1 = 0xAA;
    f.tcp_flags = 0x1b;
    f.prot = 6;
    f.tos = 0x10;
    f.src_as = 65001;
    f.dst_as = 65002;
    f.src_mask = 24;
    f.dst_mask = 16;
    f.pad2 = 0xBBBB;
    f.router_sc = ip(1, 2, 3, 4);
    f.in_encaps = 7;
    f.out_encaps = 8;
    f.peer_nexthop = ip(9, 9, 9, 9);
    return f;
}

// Its header: sequence 100, engine type 1 / id 2, sampling 0x4005.
inline PduHeader example_header(std::uint16_t version) {
    PduHeader h;
    h.version = version;
    h.flow_sequence = 100;
    h.engine_type = 1;
    h.engine_id = 2;
    h.sampling = 0x4005;
    return h;
}

class ByteWriter {
  public:
    void u8(unsigned v) { bytes.push_back(static_cast<std::uint8_t>(v)); }
    void u16(unsigned v) {
        u8(v >> 8);
        u8(v);
    }
    void u32(std::uint32_t v) {
        u16(v >> 16);
        u16(v & 0xffff);
    }
    void zeros(std::size_t n) { bytes.insert(bytes.end(), n, 0); }

    std::vector<std::uint8_t> bytes;
};

inline std::vector<std::uint8_t> build_pdu(const PduHeader& h, const std::vector<PduFlow>& flows) {
    ByteWriter w;
    w.u16(h.version);
    w.u16(h.count.value_or(static_cast<std::uint16_t>(flows.size())));
    w.u32(h.sysuptime);
    w.u32(h.unix_secs);
    w.u32(h.unix_nsecs);
    if (h.version != 1) {
        w.u32(h.flow_sequence);
        w.u8(h.engine_type);
        w.u8(h.engine_id);
        if (h.version == 8) {
            w.u8(h.aggregation);
            w.u8(h.agg_version);
            w.u32(0);
        } else {
            w.u16(h.sampling);
        }
    }
    for (const PduFlow& f : flows) {
        if (h.version == 8) {  // method 1 (AS) record, 28 bytes
            w.u32(1);
            w.u32(f.dpkts);
            w.u32(f.doctets);
            w.u32(f.first);
            w.u32(f.last);
            w.u16(f.src_as);
            w.u16(f.dst_as);
            w.u16(f.input);
            w.u16(f.output);
            continue;
        }
        w.u32(f.srcaddr);
        w.u32(f.dstaddr);
        w.u32(f.nexthop);
        w.u16(f.input);
        w.u16(f.output);
        w.u32(f.dpkts);
        w.u32(f.doctets);
        w.u32(f.first);
        w.u32(f.last);
        w.u16(f.srcport);
        w.u16(f.dstport);
        if (h.version == 1) {
            w.u16(0);
            w.u8(f.prot);
            w.u8(f.tos);
            w.u8(f.tcp_flags);
            w.zeros(3);
            w.u32(0);
            continue;
        }
        w.u8(f.pad1);
        w.u8(f.tcp_flags);
        w.u8(f.prot);
        w.u8(f.tos);
        w.u16(f.src_as);
        w.u16(f.dst_as);
        w.u8(f.src_mask);
        w.u8(f.dst_mask);
        if (h.version == 6) {
            w.u8(f.in_encaps);
            w.u8(f.out_encaps);
            w.u32(f.peer_nexthop);
        } else if (h.version == 7) {
            w.u16(f.pad2);
            w.u32(f.router_sc);
        } else {
            w.u16(f.pad2);
        }
    }
    return w.bytes;
}

inline std::vector<std::uint8_t> build_pdu(const PduHeader& h, std::size_t flows) {
    return build_pdu(h, std::vector<PduFlow>(flows, example_flow()));
}

}  // namespace flowkeep_test
