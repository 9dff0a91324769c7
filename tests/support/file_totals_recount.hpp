#pragma once

// The totals an index should hold for a file's records, counted the plain
// way (flowfile::FileTotals: ports over TCP, UDP and SCTP flows only), for
// the tests that check what a builder wrote.

#include <cstdint>
#include <map>
#include <vector>

#include "flowfile/block_index.hpp"

namespace flowkeep_test {

// Bytes of a port map as flow-index(5) lays it out raw: the key count, the
// keys as gaps, then the flow, packet and octet counts, each a varint.
inline std::uint64_t raw_map_bytes(const std::map<std::uint16_t, flowfile::FlowCounts>& map) {
    auto varint = [](std::uint64_t v) {
        std::uint64_t n = 1;
        for (; v >= 0x80; v >>= 7) ++n;
        return n;
    };
    std::uint64_t bytes = varint(map.size());
    std::uint64_t next = 0;
    for (const auto& [key, counts] : map) {
        bytes += varint(key - next) + varint(counts.flows) + varint(counts.packets) +
                 varint(counts.octets);
        next = std::uint64_t{key} + 1;
    }
    return bytes;
}

// With the port maps only when flow-index(5) says they are kept: at most
// 1/32 of the data file's `data_file_size` bytes raw.
template <typename R>
flowfile::FileTotals recount_totals(const std::vector<R>& records, std::uint64_t data_file_size) {
    flowfile::FileTotals t;
    for (const R& r : records) {
        t.all.add(r.dpkts, r.doctets);
        t.protocols[r.prot].add(r.dpkts, r.doctets);
        if (r.prot == 6 || r.prot == 17 || r.prot == 132) {
            t.src_ports[r.srcport].add(r.dpkts, r.doctets);
            t.dst_ports[r.dstport].add(r.dpkts, r.doctets);
        }
    }
    if (raw_map_bytes(t.src_ports) + raw_map_bytes(t.dst_ports) > data_file_size / 32) {
        t.ports = false;
        t.src_ports.clear();
        t.dst_ports.clear();
    }
    return t;
}

}  // namespace flowkeep_test
