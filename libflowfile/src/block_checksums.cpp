#include "flowfile/block_checksums.hpp"

#include <zlib.h>

#include <algorithm>

#ifdef FLOWKEEP_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

namespace flowfile {

namespace {

// The header holds at most 16384 bytes: the table keeps well below that, so
// that hostname and comments still fit beside it.
constexpr std::size_t max_capacity = 1023;
constexpr std::size_t min_capacity = 15;

}  // namespace

BlockChecksums BlockChecksums::with_room_for(std::size_t expected_blocks) {
    std::size_t n = std::clamp(expected_blocks, min_capacity, max_capacity);
    if (n % 2 == 0) ++n;
    BlockChecksums t;
    t.capacity = static_cast<std::uint16_t>(n);
    return t;
}

void BlockChecksums::close_block(std::uint32_t end_record, std::uint32_t crc,
                                 std::size_t record_size) {
    if (capacity == 0) return;
    if (blocks.size() >= capacity) {
        std::vector<Block> merged;
        merged.reserve(blocks.size() / 2 + 1);
        for (std::size_t i = 0; i < blocks.size(); i += 2) {
            if (i + 1 == blocks.size()) {
                merged.push_back(blocks[i]);
                break;
            }
            const std::uint64_t second_bytes =
                std::uint64_t{blocks[i + 1].end_record - blocks[i].end_record} * record_size;
            merged.push_back({blocks[i + 1].end_record, static_cast<std::uint32_t>(crc32_combine(
                                                            blocks[i].crc, blocks[i + 1].crc,
                                                            static_cast<z_off_t>(second_bytes)))});
        }
        blocks = std::move(merged);
    }
    blocks.push_back({end_record, crc});
}

bool BlockChecksums::matches(std::span<const std::uint8_t> records, std::size_t record_size) const {
    std::uint64_t start = 0;
    for (const Block& b : blocks) {
        const std::uint64_t end = std::uint64_t{b.end_record} * record_size;
        if (end < start || end > records.size()) return false;
        if (crc32_update(0, records.data() + start, static_cast<std::size_t>(end - start)) != b.crc)
            return false;
        start = end;
    }
    return true;
}

std::uint32_t crc32_update(std::uint32_t crc, const std::uint8_t* bytes, std::size_t n) {
#ifdef FLOWKEEP_HAVE_LIBDEFLATE
    // The same CRC-32 as zlib's, several times faster (carry-less multiply).
    return libdeflate_crc32(crc, bytes, n);
#else
    // zlib takes uInt lengths: feed larger buffers in pieces.
    constexpr std::size_t piece = 1u << 30;
    while (n > 0) {
        const std::size_t now = std::min(n, piece);
        crc = static_cast<std::uint32_t>(::crc32(crc, bytes, static_cast<uInt>(now)));
        bytes += now;
        n -= now;
    }
    return crc;
#endif
}

}  // namespace flowfile
