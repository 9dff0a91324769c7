#include "output/packed_flows.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "output/output_buffer.hpp"

namespace flowquery {

namespace {

using flowfile::Record;
using flowfile::Record6;

static_assert(std::is_trivially_copyable_v<Record>);
static_assert(std::is_trivially_copyable_v<Record6>);

constexpr unsigned char series4 = 4;
constexpr unsigned char series6 = 6;

template <std::size_t N>
void append_packed(std::vector<unsigned char>& out, unsigned char series,
                   std::array<unsigned char, N>& last, const void* record) {
    std::array<unsigned char, N> current;
    std::memcpy(current.data(), record, N);
    out.push_back(series);
    const std::size_t mask_at = out.size();
    out.resize(mask_at + (N + 7) / 8, 0);
    for (std::size_t i = 0; i < N; ++i) {
        const auto x = static_cast<unsigned char>(last[i] ^ current[i]);
        if (x == 0) continue;
        out[mask_at + i / 8] |= static_cast<unsigned char>(1u << (i % 8));
        out.push_back(x);
    }
    last = current;
}

template <std::size_t N>
const unsigned char* unpack(const unsigned char* at, std::array<unsigned char, N>& bytes) {
    const unsigned char* mask = at;
    at += (N + 7) / 8;
    for (std::size_t i = 0; i < N; ++i)
        if ((mask[i / 8] >> (i % 8)) & 1u) bytes[i] ^= *at++;
    return at;
}

}  // namespace

void FlowPacker::append(std::vector<unsigned char>& out, const Record& r) {
    append_packed(out, series4, last4_, &r);
}

void FlowPacker::append(std::vector<unsigned char>& out, const Record6& r) {
    append_packed(out, series6, last6_, &r);
}

PackedRun::PackedRun(std::span<const unsigned char> bytes, std::uint64_t count)
    : at_(bytes.data()), end_(bytes.data() + bytes.size()), left_(count) {}

PackedRun::PackedRun(const SpillFile& file, std::uint64_t count)
    : left_(count), file_(&file), buffer_(file_buffer_bytes) {
    at_ = end_ = buffer_.data();
}

void PackedRun::refill() {
    // The bytes not read yet go to the front, the file fills the rest.
    const std::size_t kept = static_cast<std::size_t>(end_ - at_);
    std::memmove(buffer_.data(), at_, kept);
    const std::size_t got =
        file_->read_at(file_offset_, std::span(buffer_).subspan(kept, buffer_.size() - kept));
    file_offset_ += got;
    at_ = buffer_.data();
    end_ = at_ + kept + got;
}

bool PackedRun::next() {
    if (left_ == 0) return false;
    --left_;
    if (file_ != nullptr && static_cast<std::size_t>(end_ - at_) < max_packed_flow_bytes) refill();
    if (at_ == end_) throw OutputError("--sort start: temporary data ended early");
    const unsigned char series = *at_++;
    if (series == series4) {
        at_ = unpack(at_, bytes4_);
        std::memcpy(&flow_.record, bytes4_.data(), sizeof(Record));
        flow_.ipv6 = false;
        flow_.start_ms = flowfile::flow_times(flow_.record).start_ms;
    } else if (series == series6) {
        at_ = unpack(at_, bytes6_);
        std::memcpy(&flow_.record6, bytes6_.data(), sizeof(Record6));
        flow_.ipv6 = true;
        flow_.start_ms = flow_.record6.start_ms;
    } else {
        throw OutputError("--sort start: damaged temporary data");
    }
    return true;
}

}  // namespace flowquery
