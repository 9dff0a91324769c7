#pragma once

// Byte layout of an index file (flow-index(5)): where each field lies, in one
// place for the builder that writes it and the view that reads it.  Every
// integer is little-endian, whatever the data file's byte order: an index is
// read on the machine that queries, and one order keeps it one format.

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "byte_order.hpp"
#include "flowfile/block_checksums.hpp"
#include "flowfile/header.hpp"

namespace flowfile::detail::index_layout {

inline constexpr std::uint8_t magic[4] = {'F', 'K', 'I', 'X'};

// Flags field bits; every other bit is written zero and refused on reading.
inline constexpr std::uint16_t flag_compressed = 0x0001;
// The totals hold no port maps (port_totals_fit): port reports scan the file.
inline constexpr std::uint16_t flag_no_port_totals = 0x0002;

// The fixed head, section A's first part.
inline constexpr std::size_t head_size = 128;
namespace head {
inline constexpr std::size_t magic = 0;               // 4 bytes
inline constexpr std::size_t version = 4;             // u16
inline constexpr std::size_t flags = 6;               // u16
inline constexpr std::size_t data_file_size = 8;      // u64
inline constexpr std::size_t header_size = 16;        // u32
inline constexpr std::size_t header_crc = 20;         // u32
inline constexpr std::size_t export_version = 24;     // u16
inline constexpr std::size_t record_size = 26;        // u16
inline constexpr std::size_t block_records = 28;      // u32
inline constexpr std::size_t flows = 32;              // u64
inline constexpr std::size_t blocks = 40;             // u32
inline constexpr std::size_t bloom_bits = 44;         // u8: bits set per key
inline constexpr std::size_t file_filter_lines = 48;  // u32
inline constexpr std::size_t filters_offset = 56;     // u64: section B
inline constexpr std::size_t filters_size = 64;       // u64
inline constexpr std::size_t filters_crc = 72;        // u32
inline constexpr std::size_t totals_offset = 80;      // u64: section C
inline constexpr std::size_t totals_size = 88;        // u64: the zlib stream's bytes
inline constexpr std::size_t totals_raw_size = 96;    // u64: inflated
inline constexpr std::size_t totals_crc = 104;        // u32, of the stored bytes
inline constexpr std::size_t table_crc = 124;         // u32: section A
}  // namespace head

// One block table entry, after the head.
inline constexpr std::size_t entry_size = 64;
namespace entry {
inline constexpr std::size_t offset = 0;        // u64
inline constexpr std::size_t first_record = 8;  // u64
inline constexpr std::size_t records = 16;      // u32
inline constexpr std::size_t crc = 20;          // u32
inline constexpr std::size_t min_start = 24;    // i64
inline constexpr std::size_t max_start = 32;    // i64
inline constexpr std::size_t min_end = 40;      // i64
inline constexpr std::size_t max_end = 48;      // i64
inline constexpr std::size_t bloom_line = 56;   // u32: first line in section B's line area
inline constexpr std::size_t bloom_lines = 60;  // u32
}  // namespace entry

// Bloom filter lines: 512 bits, one cache line.
inline constexpr std::size_t line_bytes = 64;

// Per block in section B: the port bitmap (ports 0..1023 one bit each, then
// one bit per 64 ports) padded to 256 bytes, then the protocol bitmap.
inline constexpr std::size_t exact_ports = 1024;
inline constexpr std::size_t port_bucket = 64;
inline constexpr std::size_t port_bits = exact_ports + (65536 - exact_ports) / port_bucket;
inline constexpr std::size_t port_map_bytes = 256;
inline constexpr std::size_t protocol_map_bytes = 32;
inline constexpr std::size_t block_maps_size = port_map_bytes + protocol_map_bytes;

static_assert(port_bits <= port_map_bytes * 8);

inline std::size_t port_bit(std::uint16_t port) {
    return port < exact_ports ? port : exact_ports + (port - exact_ports) / port_bucket;
}

inline std::size_t round_up_to_line(std::size_t n) {
    return (n + line_bytes - 1) / line_bytes * line_bytes;
}

// Offset inside section B where the Bloom lines begin.
inline std::size_t line_area_offset(std::size_t blocks) {
    return round_up_to_line(blocks * block_maps_size);
}

inline bool host_is_little() {
    return host_byte_order() == ByteOrder::little;
}

template <class T>
inline T get(const std::uint8_t* p) {
    return load_as<T>(p, !host_is_little());
}

template <class T>
inline void put(std::uint8_t* p, T v) {
    store_as<T>(p, v, !host_is_little());
}

// Section A's CRC: the head up to its own CRC field, then the block table
// and the file filter.
inline std::uint32_t section_a_crc(const std::uint8_t* index, std::size_t a_size) {
    const std::uint32_t crc = crc32_update(0, index, head::table_crc);
    return crc32_update(crc, index + head_size, a_size - head_size);
}

}  // namespace flowfile::detail::index_layout
