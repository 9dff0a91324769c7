#pragma once

// Holds the record area's bytes back until a checksum has vouched for them.
// A damaged deflate stream does not always fail where it is damaged: a
// flipped bit can turn every later record into plausible garbage and show
// only in the Adler-32 at the end.  So a reader hands out only bytes that a
// checksum point covers (flow-file(5)): each block of the file's block
// checksum table, or, for a compressed file without one, the end of the zlib
// stream.  An uncompressed file without a table has nothing to check.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "flowfile/block_checksums.hpp"

namespace flowfile::detail {

class BlockGate {
  public:
    // `table` may be null; it must outlive the gate.  `record_area_offset`:
    // the file offset of the first record byte, used in the offsets reported.
    BlockGate(const BlockChecksums* table, bool compressed, std::size_t record_size,
              std::uint64_t record_area_offset);

    // Bytes that may still be appended before the next block ends; a reader
    // inflates no further, so the input offset of every block end is known.
    std::size_t room_to_boundary() const;

    // Appends record-area bytes.  `input_offset`: the file offset just past
    // the input that produced them.  After a checksum mismatch nothing more
    // is taken (failed() says so).
    void append(const std::uint8_t* bytes, std::size_t n, std::uint64_t input_offset);

    // The data ended.  `stream_verified`: zlib reached the end of the stream
    // and its Adler-32 matched, which vouches for every byte of it.
    // `truncated`: the data simply stopped (a file still being written, or
    // cut short); without a table a compressed prefix is then delivered, since
    // cutting does not change the bytes before the cut.
    void end(bool stream_verified, bool truncated);
    // Inflate rejected the data: nothing after the last checksum point is
    // delivered.
    void reject();

    // Verified bytes not yet taken, and taking them.
    std::span<const std::uint8_t> verified() const;
    void take(std::size_t n);

    bool failed() const { return failed_; }
    // A compressed stream without a table grew past what may be held in
    // memory before its end vouches for it (failed() is then true too).
    bool too_long() const { return too_long_; }
    static constexpr std::size_t max_unverified_bytes = std::size_t{1} << 30;
    // Which block failed its CRC (1-based), 0 if none did.
    std::size_t failed_block() const { return failed_block_; }
    // The file offset up to which the data is vouched for.
    std::uint64_t verified_input_offset() const { return verified_input_offset_; }
    // Bytes received that will never be delivered (after a failure or end).
    std::uint64_t withheld_bytes() const { return received_ - verified_end_; }

  private:
    enum class Mode { pass, whole_stream, blocks };

    void check_block(std::uint64_t input_offset);

    Mode mode_;
    const BlockChecksums* table_;
    std::size_t record_size_;
    std::uint64_t record_area_offset_;
    bool compressed_;
    std::vector<std::uint8_t> held_;  // bytes from `held_base_` to `received_`
    std::uint64_t held_base_ = 0;
    std::uint64_t taken_ = 0;         // bytes handed out
    std::uint64_t verified_end_ = 0;  // bytes vouched for
    std::uint64_t received_ = 0;
    std::uint64_t verified_input_offset_;
    std::uint64_t last_input_offset_ = 0;
    std::size_t next_block_ = 0;
    std::uint32_t block_crc_ = 0;
    bool failed_ = false;
    bool too_long_ = false;
    std::size_t failed_block_ = 0;
};

}  // namespace flowfile::detail
