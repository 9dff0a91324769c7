#pragma once

// Blocked Bloom filters over address keys (flow-index(5)): one hash picks a
// 512-bit line, the same hash sets `bloom_bits` bits inside it, so a probe
// touches one cache line whatever the filter's size.

#include <cstddef>
#include <cstdint>
#include <span>

#include "flowfile/block_index.hpp"

namespace flowfile::detail {

// Bits per distinct key a filter is sized for, and bits set per key.  On
// the ISP model in client order (flow-index(5)) 10 and 6 let 0.93% of the
// probes for absent addresses say "maybe" and take 2.9% of the data for the
// block filters; 14 and 7 gave 0.27% for 4.0%.  A query for one client reads
// about two blocks a file and one more in vain, a rare address's file one
// block in vain in a hundred: cheaper than the 1.1% of the archive saved.
// Six bits set is the best rate at 10 bits of room (5 and 7 measured worse).
inline constexpr std::size_t bloom_bits_per_key = 10;
inline constexpr std::uint8_t bloom_bits = 6;

// The finaliser of MurmurHash3's 64-bit variant: every input bit reaches
// every output bit, which the line choice and the bit positions both need.
inline std::uint64_t key_mix(std::uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

// The hash of a key whose 16 bytes, read as two little-endian words, are
// `low` and `high`.
inline std::uint64_t key_hash_of_words(AddressKey::Kind kind, std::uint64_t low,
                                       std::uint64_t high) {
    const std::uint64_t k = static_cast<std::uint64_t>(kind) + 1;
    const std::uint64_t h = key_mix(low ^ (k * 0x9e3779b97f4a7c15ULL));
    return key_mix(h ^ high ^ 0x632be59bd9b4e019ULL);
}

// A 64-bit hash of the key's kind and bytes, the same on every host.
std::uint64_t address_key_hash(const AddressKey& key);

// address_key_hash of an IPv4 key (ipv4 or ipv4_24) of `host_order`, its
// host bits already zero, without building the key: the builder hashes
// four of them per flow.
inline std::uint64_t ipv4_key_hash(AddressKey::Kind kind, std::uint32_t host_order) {
    // The key's bytes are the address in network order: as a little-endian
    // word, the address with its bytes reversed.
    const std::uint64_t low = ((host_order >> 24) & 0xffu) | ((host_order >> 8) & 0xff00u) |
                              ((host_order << 8) & 0xff0000u) |
                              ((std::uint64_t{host_order} & 0xffu) << 24);
    return key_hash_of_words(kind, low, 0);
}

// Lines a filter over `distinct_keys` keys takes (0 for none).
std::size_t bloom_lines_for(std::size_t distinct_keys);

// Sets the bits of `hash` in `lines` (a whole number of 64-byte lines).
void bloom_insert(std::span<std::uint8_t> lines, std::uint64_t hash, std::uint8_t bits);

// "Maybe" (true) or "certainly not"; a filter of no lines holds nothing.
bool bloom_may_hold(std::span<const std::uint8_t> lines, std::uint64_t hash, std::uint8_t bits);

}  // namespace flowfile::detail
