#pragma once

// Blocked Bloom filters over address keys (flow-index(5)): one hash picks a
// 512-bit line, the same hash sets `bloom_bits` bits inside it, so a probe
// touches one cache line whatever the filter's size.

#include <cstddef>
#include <cstdint>
#include <span>

#include "flowfile/block_index.hpp"

namespace flowfile::detail {

// Bits per distinct key a filter is sized for, and bits set per key: with
// 14 and 7 about 3 probes in 1000 for absent keys say "maybe" (flow-index(5));
// from 6 to 10 bits per key the rate hardly moves, fewer is cheaper.
inline constexpr std::size_t bloom_bits_per_key = 14;
inline constexpr std::uint8_t bloom_bits = 7;

// A 64-bit hash of the key's kind and bytes, the same on every host.
std::uint64_t address_key_hash(const AddressKey& key);

// Lines a filter over `distinct_keys` keys takes (0 for none).
std::size_t bloom_lines_for(std::size_t distinct_keys);

// Sets the bits of `hash` in `lines` (a whole number of 64-byte lines).
void bloom_insert(std::span<std::uint8_t> lines, std::uint64_t hash, std::uint8_t bits);

// "Maybe" (true) or "certainly not"; a filter of no lines holds nothing.
bool bloom_may_hold(std::span<const std::uint8_t> lines, std::uint64_t hash, std::uint8_t bits);

}  // namespace flowfile::detail
