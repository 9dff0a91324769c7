#pragma once

// What the receiving thread hands to the writing thread: decoded records plus
// the per-file counters that arose while decoding them.  The counters travel
// with the records so that each lands in the header of the file the records
// land in, whichever thread notices the rotation.

#include <cstdint>
#include <vector>

#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"

namespace capture {

struct FileCounters {
    std::uint32_t lost_flows = 0;
    std::uint32_t corrupt_packets = 0;
    std::uint32_t seq_resets = 0;

    void add(const FileCounters& o) {
        lost_flows += o.lost_flows;
        corrupt_packets += o.corrupt_packets;
        seq_resets += o.seq_resets;
    }
    bool empty() const { return lost_flows == 0 && corrupt_packets == 0 && seq_resets == 0; }
};

struct FlowBatch {
    std::vector<flowfile::Record> records;  // capacity reserved once, reused
    // IPv6 flows, for the IPv6 series written beside the v5 files.  The
    // counters above go to the flow-tools file's header only: they describe
    // datagrams, and every datagram is accounted for once.
    std::vector<flowfile::Record6> records6;
    FileCounters counters;
    // Export version the records are in; 0 while no valid PDU has fixed it.
    std::uint16_t export_version = 0;

    void clear() {
        records.clear();
        records6.clear();
        counters = {};
        export_version = 0;
    }
};

}  // namespace capture
