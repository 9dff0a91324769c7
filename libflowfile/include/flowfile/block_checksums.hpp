#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace flowfile {

// flowkeep's checksum points (TLV block_checksums, flow-file(5)): the record
// area cut into blocks at the writer's flush points, each with the CRC-32 of
// its record bytes; encode_header adds the CRC-32 of the header bytes before
// the table, which decode_header checks.
// zlib's own Adler-32 covers only the whole stream, and an uncompressed file
// has no checksum at all, so without these a reader cannot tell which of a
// damaged file's records are still the ones that were written.  flow-tools
// skips the TLV as unknown.
struct BlockChecksums {
    struct Block {
        std::uint32_t end_record = 0;  // records in the file up to the end of this block
        std::uint32_t crc = 0;         // CRC-32 of the block's record bytes, as stored

        friend bool operator==(const Block&, const Block&) = default;
    };

    // Entries reserved in the header, fixed when the file is created so that
    // the header can be rewritten in place.  Always odd: a bit flipped in the
    // header length then never ends the header exactly where the table
    // starts, which would hide the table.
    std::uint16_t capacity = 0;
    std::vector<Block> blocks;

    // A table with room for about `expected_blocks` (clamped to what a header
    // holds, made odd).
    static BlockChecksums with_room_for(std::size_t expected_blocks);

    // Closes a block that ends after `end_record` records.  When the table is
    // full, neighbouring blocks are merged two by two first (their CRCs
    // combined), so a file that outlives its reservation keeps coarser but
    // still complete checksum points.
    void close_block(std::uint32_t end_record, std::uint32_t crc, std::size_t record_size);

    // Whether every block lies within `records` (the record area's bytes)
    // and has its CRC.
    bool matches(std::span<const std::uint8_t> records, std::size_t record_size) const;

    friend bool operator==(const BlockChecksums&, const BlockChecksums&) = default;
};

// The CRC-32 (zlib's polynomial) of `n` bytes, continuing from `crc`.
std::uint32_t crc32_update(std::uint32_t crc, const std::uint8_t* bytes, std::size_t n);

}  // namespace flowfile
