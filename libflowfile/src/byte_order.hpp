#pragma once

// Loads and stores of file integers.  Every multi-byte integer in a flow file
// is in the order named by the file's byte 2, so each access states whether
// it swaps; the compiler turns the memcpy into a plain (or bswapped) load.

#include <cstdint>
#include <cstring>

namespace flowfile::detail {

inline std::uint16_t swap_bytes(std::uint16_t v) {
    return __builtin_bswap16(v);
}
inline std::uint32_t swap_bytes(std::uint32_t v) {
    return __builtin_bswap32(v);
}
inline std::uint64_t swap_bytes(std::uint64_t v) {
    return __builtin_bswap64(v);
}

template <bool Swap, class T>
inline T load(const std::uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    if constexpr (Swap) v = swap_bytes(v);
    return v;
}

template <bool Swap, class T>
inline void store(std::uint8_t* p, T v) {
    if constexpr (Swap) v = swap_bytes(v);
    std::memcpy(p, &v, sizeof v);
}

template <class T>
inline T load_as(const std::uint8_t* p, bool swap) {
    return swap ? load<true, T>(p) : load<false, T>(p);
}

template <class T>
inline void store_as(std::uint8_t* p, T v, bool swap) {
    swap ? store<true, T>(p, v) : store<false, T>(p, v);
}

}  // namespace flowfile::detail
