#include "blocked_bloom.hpp"

#include <cstring>

#include "block_index_layout.hpp"

namespace flowfile::detail {

namespace {

std::uint64_t little_word(const std::uint8_t* p) {
    return index_layout::get<std::uint64_t>(p);
}

// The line from the high half, the bits from the low half: independent
// parts of one well-mixed hash.
std::size_t line_of(std::uint64_t hash, std::size_t lines) {
    return static_cast<std::size_t>(((hash >> 32) * lines) >> 32);
}

// Bit j of a key in its line: start + j * step (mod 512) with an odd step,
// so the `bits` positions are distinct.
struct LineBits {
    std::uint32_t start;
    std::uint32_t step;
};
LineBits line_bits(std::uint64_t hash) {
    const auto low = static_cast<std::uint32_t>(hash);
    return {low & 511u, ((low >> 9) & 511u) | 1u};
}

constexpr std::size_t line_bits_count = index_layout::line_bytes * 8;

}  // namespace

std::uint64_t address_key_hash(const AddressKey& key) {
    return key_hash_of_words(key.kind, little_word(key.bytes.data()),
                             little_word(key.bytes.data() + 8));
}

std::size_t bloom_lines_for(std::size_t distinct_keys) {
    return (distinct_keys * bloom_bits_per_key + line_bits_count - 1) / line_bits_count;
}

void bloom_insert(std::span<std::uint8_t> lines, std::uint64_t hash, std::uint8_t bits) {
    const std::size_t count = lines.size() / index_layout::line_bytes;
    if (count == 0) return;
    std::uint8_t* line = lines.data() + line_of(hash, count) * index_layout::line_bytes;
    const LineBits lb = line_bits(hash);
    for (std::uint32_t j = 0; j < bits; ++j) {
        const std::uint32_t bit = (lb.start + j * lb.step) & 511u;
        line[bit >> 3] |= static_cast<std::uint8_t>(1u << (bit & 7u));
    }
}

bool bloom_may_hold(std::span<const std::uint8_t> lines, std::uint64_t hash, std::uint8_t bits) {
    const std::size_t count = lines.size() / index_layout::line_bytes;
    if (count == 0) return false;
    const std::uint8_t* line = lines.data() + line_of(hash, count) * index_layout::line_bytes;
    const LineBits lb = line_bits(hash);
    for (std::uint32_t j = 0; j < bits; ++j) {
        const std::uint32_t bit = (lb.start + j * lb.step) & 511u;
        if ((line[bit >> 3] & (1u << (bit & 7u))) == 0) return false;
    }
    return true;
}

}  // namespace flowfile::detail
