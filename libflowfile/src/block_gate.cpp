#include "block_gate.hpp"

#include <algorithm>
#include <limits>

namespace flowfile::detail {

namespace {

// Taken bytes are dropped from the front once this many have piled up, so the
// buffer holds about one block, not the file.
constexpr std::size_t compact_after = std::size_t{1} << 20;

}  // namespace

BlockGate::BlockGate(const BlockChecksums* table, bool compressed, std::size_t record_size,
                     std::uint64_t record_area_offset)
    : mode_(table        ? Mode::blocks
            : compressed ? Mode::whole_stream
                         : Mode::pass),
      table_(table),
      record_size_(record_size),
      record_area_offset_(record_area_offset),
      compressed_(compressed),
      verified_input_offset_(record_area_offset) {}

std::size_t BlockGate::room_to_boundary() const {
    if (mode_ != Mode::blocks || next_block_ >= table_->blocks.size())
        return std::numeric_limits<std::size_t>::max();
    const std::uint64_t boundary =
        std::uint64_t{table_->blocks[next_block_].end_record} * record_size_;
    return boundary > received_ ? static_cast<std::size_t>(boundary - received_) : 0;
}

void BlockGate::append(const std::uint8_t* bytes, std::size_t n, std::uint64_t input_offset) {
    if (failed_) return;
    last_input_offset_ = input_offset;
    if (mode_ != Mode::blocks) {
        held_.insert(held_.end(), bytes, bytes + n);
        received_ += n;
        if (mode_ == Mode::pass) {
            verified_end_ = received_;
            verified_input_offset_ = input_offset;
        } else if (held_.size() > max_unverified_bytes) {
            too_long_ = true;
            reject();
        }
        return;
    }
    for (;;) {
        const std::size_t room = room_to_boundary();
        const std::size_t now = std::min(n, room);
        block_crc_ = crc32_update(block_crc_, bytes, now);
        held_.insert(held_.end(), bytes, bytes + now);
        received_ += now;
        bytes += now;
        n -= now;
        if (room == std::numeric_limits<std::size_t>::max() || now < room) return;
        check_block(input_offset);
        if (failed_) return;
    }
}

void BlockGate::check_block(std::uint64_t input_offset) {
    if (block_crc_ != table_->blocks[next_block_].crc) {
        failed_ = true;
        failed_block_ = next_block_ + 1;
        held_.resize(static_cast<std::size_t>(verified_end_ - held_base_));
        return;
    }
    verified_end_ = received_;
    // An uncompressed file's offsets are exact; a compressed one stopped
    // inflating at the boundary, so its input offset is that of the boundary.
    verified_input_offset_ = compressed_ ? input_offset : record_area_offset_ + received_;
    ++next_block_;
    block_crc_ = 0;
}

void BlockGate::end(bool stream_verified, bool truncated) {
    if (failed_) return;
    const bool vouched =
        mode_ == Mode::pass || stream_verified || (mode_ == Mode::whole_stream && truncated);
    if (vouched) {
        verified_end_ = received_;
        verified_input_offset_ = last_input_offset_;
    }
}

void BlockGate::reject() {
    if (failed_) return;
    failed_ = true;
    held_.resize(static_cast<std::size_t>(verified_end_ - held_base_));
}

std::span<const std::uint8_t> BlockGate::verified() const {
    return std::span<const std::uint8_t>(held_.data() + (taken_ - held_base_),
                                         static_cast<std::size_t>(verified_end_ - taken_));
}

void BlockGate::take(std::size_t n) {
    taken_ += n;
    const std::size_t dead = static_cast<std::size_t>(taken_ - held_base_);
    if (dead >= compact_after && dead * 2 >= held_.size()) {
        held_.erase(held_.begin(), held_.begin() + static_cast<std::ptrdiff_t>(dead));
        held_base_ = taken_;
    }
}

}  // namespace flowfile::detail
