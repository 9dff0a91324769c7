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
};

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

EncodedTotals encode_totals(const TotalsTables& totals);

// nullopt when the stream does not inflate to `raw_size` bytes of
// well-formed totals.
std::optional<FileTotals> decode_totals(std::span<const std::uint8_t> stored,
                                        std::uint64_t raw_size);

}  // namespace flowfile::detail
