#pragma once

// Section C of an index file (flow-index(5)): the file's totals as a zlib
// stream.  They are read only by summaries over whole files, so their size
// matters more than their decoding time.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "flowfile/block_index.hpp"

namespace flowfile::detail {

struct EncodedTotals {
    std::vector<std::uint8_t> stored;  // the zlib stream
    std::uint64_t raw_size = 0;
    bool ports = true;  // the port maps are in it (else both are empty)
};

// Whether a file's port maps, `port_bytes` of raw totals, go into its index
// of a data file of `data_file_size` bytes: at most 1/32 of it.  On the ISP
// model (100 000 flows in 15 minutes, 32 000 source and as many destination
// ports a file) they were 11% of the data raw and 7.9% compressed, more than
// the rest of the index together; 1/32 raw is about 2% compressed, and keeps
// them for files whose flows repeat their ports.
bool port_totals_fit(std::uint64_t port_bytes, std::uint64_t data_file_size);

// FileTotals as the builder counts them: a table per key, indexed by the
// key's value (256 protocols, 65536 ports a side), a key without flows
// absent from the maps.  Encoded from the tables as they are, since maps of
// a file's 100000 port keys cost the builder more than the encoding.
struct TotalsTables {
    FlowCounts all;
    std::span<const FlowCounts> protocols;
    std::span<const FlowCounts> src_ports;
    std::span<const FlowCounts> dst_ports;
};

// The port maps as port_totals_fit() says for `data_file_size`.
EncodedTotals encode_totals(const TotalsTables& totals, std::uint64_t data_file_size);

// nullopt when the stream does not inflate to `raw_size` bytes of
// well-formed totals, or holds port keys where `ports` says it has none.
std::optional<FileTotals> decode_totals(std::span<const std::uint8_t> stored,
                                        std::uint64_t raw_size, bool ports);

}  // namespace flowfile::detail
