#pragma once

// The block points of a compressed file whose index was lost, damaged or is
// of an older version: flowkeep's writer ended a deflate block with a zlib
// full flush every N records (WriterOptions::block_records), which leaves an
// empty stored block (00 00 FF FF, byte-aligned) after which no match reaches
// back.  A time-based sync flush leaves the same four bytes without emptying
// the window, so the bytes are only a candidate: a point is taken only once
// the deflate data from it has been inflated with no history before it, up
// to the next point taken (or the end of the stream).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "data_file.hpp"
#include "flowfile/writer.hpp"

namespace flowindex {

// One block found: where it begins, and the CRC-32 of its record bytes, as
// the index's block table holds them (the index built from the records is
// checked against these).
struct FoundBlock {
    flowfile::BlockPoint point;
    std::uint64_t records = 0;
    std::uint32_t crc = 0;
};

struct FoundBlocks {
    // Records of every block but the last: 0 when the file has no block
    // points a regular block size explains (then `blocks` is empty).
    std::size_t block_records = 0;
    std::vector<FoundBlock> blocks;
};

// Looks for the block points of the compressed `file` (records of
// `record_size` bytes).  Without any candidate (every flow-tools file) the
// compressed bytes are only searched, not inflated.  A file whose data does
// not inflate cleanly yields no blocks: the reader then words the problem.
FoundBlocks find_block_points(const DataFile& file, std::size_t record_size);

}  // namespace flowindex
