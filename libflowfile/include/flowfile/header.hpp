#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "flowfile/block_checksums.hpp"

namespace flowfile {

enum class ByteOrder : std::uint8_t { little = 1, big = 2 };

ByteOrder host_byte_order();

// Bits of the header flags TLV (file-format.md §3.4).
namespace header_flag {
inline constexpr std::uint32_t done = 0x01;
inline constexpr std::uint32_t compress = 0x02;
inline constexpr std::uint32_t mult_pdu = 0x04;
inline constexpr std::uint32_t streaming = 0x08;
inline constexpr std::uint32_t xlate = 0x10;
inline constexpr std::uint32_t preloaded = 0x20;
}  // namespace header_flag

// TLV type numbers (file-format.md §3.3).
namespace tlv {
inline constexpr std::uint16_t null_tlv = 0;
inline constexpr std::uint16_t vendor = 1;
inline constexpr std::uint16_t export_version = 2;
inline constexpr std::uint16_t agg_version = 3;
inline constexpr std::uint16_t agg_method = 4;
inline constexpr std::uint16_t exporter_ip = 5;
inline constexpr std::uint16_t cap_start = 6;
inline constexpr std::uint16_t cap_end = 7;
inline constexpr std::uint16_t flags = 8;
inline constexpr std::uint16_t rotation = 9;
inline constexpr std::uint16_t flow_count = 10;
inline constexpr std::uint16_t lost_flows = 11;
inline constexpr std::uint16_t misordered = 12;
inline constexpr std::uint16_t corrupt_packets = 13;
inline constexpr std::uint16_t seq_resets = 14;
inline constexpr std::uint16_t hostname = 15;
inline constexpr std::uint16_t comments = 16;
inline constexpr std::uint16_t if_name = 17;
inline constexpr std::uint16_t if_alias = 18;
inline constexpr std::uint16_t interrupt = 19;
// flowkeep's own (flow-file(5)); flow-tools skips unknown types.
inline constexpr std::uint16_t block_checksums = 0x8001;
}  // namespace tlv

// A stream version 3 header.  A field is std::nullopt when its TLV is absent:
// presence matters, because flow-header prints only the TLVs a file has and
// flow-capture reserves every counter at creation so it can be rewritten.
struct Header {
    ByteOrder byte_order = host_byte_order();
    std::uint32_t flags = 0;  // always written (TLV 8)

    std::optional<std::uint8_t> vendor;
    std::optional<std::uint16_t> export_version;
    std::optional<std::uint8_t> agg_version;
    std::optional<std::uint8_t> agg_method;
    std::optional<std::uint32_t> exporter_ip;
    std::optional<std::uint32_t> cap_start;  // Unix seconds
    std::optional<std::uint32_t> cap_end;    // Unix seconds, 0 while the file is open
    std::optional<std::uint32_t> rotation;
    std::optional<std::uint32_t> flow_count;
    std::optional<std::uint32_t> lost_flows;
    std::optional<std::uint32_t> misordered;
    std::optional<std::uint32_t> corrupt_packets;
    std::optional<std::uint32_t> seq_resets;
    std::optional<std::string> hostname;
    std::optional<std::string> comments;
    // Checksum points of the record area; written last, after every other
    // TLV, since its header CRC covers the bytes before it.
    std::optional<BlockChecksums> block_checksums;

    // Set by decode_header: the header length H read from the file, i.e. the
    // offset of the record area.  Ignored by encode_header.
    std::uint32_t size = 0;

    bool compressed() const { return (flags & header_flag::compress) != 0; }
    bool done() const { return (flags & header_flag::done) != 0; }
    bool streaming() const { return (flags & header_flag::streaming) != 0; }
    bool preloaded() const { return (flags & header_flag::preloaded) != 0; }

    // The header of a file flow-capture has just created: every counter
    // reserved with its placeholder so that finishing the file can rewrite it
    // in place (file-format.md §3.5).
    static Header for_capture(std::uint16_t export_version, std::uint32_t cap_start,
                              std::string hostname, bool compressed,
                              std::optional<std::string> comments = std::nullopt,
                              ByteOrder order = host_byte_order());

    friend bool operator==(const Header&, const Header&) = default;
};

// Bytes 0..3 and the header length: what must be read before the rest.
inline constexpr std::size_t header_preamble_size = 8;
// The largest header any writer produces; readers refuse larger ones.
inline constexpr std::size_t max_header_size = 16384;

// Encodes TLVs in ascending type order, padded with zeros to a multiple of 4.
// Throws flowfile::Error when the header would exceed max_header_size or a
// string is longer than a TLV can hold.
std::vector<std::uint8_t> encode_header(const Header& h);

// Reads H from the 8-byte preamble (after checking magic and stream version).
// Throws flowfile::Error with a message naming the problem; `source` names the
// file in that message.
std::uint32_t decode_header_size(std::span<const std::uint8_t> preamble, const std::string& source);

// Decodes a whole header (bytes 0..H-1).  Throws flowfile::Error, also when
// the header's own checksum (in its block checksum table) does not match.
Header decode_header(std::span<const std::uint8_t> bytes, const std::string& source);

}  // namespace flowfile
