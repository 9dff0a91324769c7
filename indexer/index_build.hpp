#pragma once

// The index of a file that has none, or a stale or damaged one: an old
// flow-tools archive, or a flowkeep file whose index was lost.  A compressed
// file's block points are found again (flush_points.hpp) when it has them.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "data_file.hpp"
#include "flowfile/writer.hpp"

namespace flowindex {

struct BuiltIndex {
    std::vector<std::uint8_t> bytes;  // the encoded index (flow-index(5))
    std::uint64_t flows = 0;
    std::uint64_t bytes_read = 0;  // of the data file
};

// Where the blocks of a file without flush points begin.  An uncompressed
// file's records lie at fixed offsets, so any block size works: blocks of
// `block_records`.  A compressed one can only be inflated from the start of
// its zlib stream: one block for the whole file, still enough for the file's
// filter and totals to pass it by or sum it up without inflating.
std::vector<flowfile::BlockPoint> points_without_flushes(const flowfile::Header& header,
                                                         std::size_t record_size,
                                                         std::uint64_t flows,
                                                         std::size_t block_records);

// The records per block the index of such a file declares: 0 (one block)
// for a compressed file.
std::size_t declared_block_records(const flowfile::Header& header, std::size_t block_records);

// Builds the index of `file`: with the block points find_block_points()
// finds in a compressed file when the index built from its records agrees
// with them block for block, else as points_without_flushes() says.  Throws flowfile::Error (a read
// problem, a file that changed under the reader).
BuiltIndex build_index(const DataFile& file, std::size_t block_records);

// Bytes of one stored record of the file's export version.
std::size_t record_size_of(const flowfile::Header& header);

}  // namespace flowindex
