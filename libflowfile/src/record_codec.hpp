#pragma once

// Stored record layouts (file-format.md §6): one decoder and one encoder per
// export version and byte order, chosen once per file so the per-record loop
// has no branches on either.

#include <cstddef>
#include <cstdint>

#include "flowfile/header.hpp"
#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"

namespace flowfile::detail {

template <typename R>
struct CodecOf {
    std::size_t size = 0;
    void (*decode)(const std::uint8_t* src, std::size_t count, R* out) = nullptr;
    void (*encode)(const R* in, std::size_t count, std::uint8_t* dst) = nullptr;
};

using RecordCodec = CodecOf<Record>;
using Record6Codec = CodecOf<Record6>;

// nullptr when the export version is not supported.
const RecordCodec* codec_for(std::uint16_t export_version, ByteOrder order);
// The IPv6 series' layout (record6.hpp) in one byte order.
const Record6Codec& codec6_for(ByteOrder order);

// The codec of records of type R for a file's export version, or nullptr
// when that version holds another type (or none this library reads).
template <typename R>
const CodecOf<R>* codec_of(std::uint16_t export_version, ByteOrder order);

template <>
inline const RecordCodec* codec_of<Record>(std::uint16_t export_version, ByteOrder order) {
    return codec_for(export_version, order);
}

template <>
inline const Record6Codec* codec_of<Record6>(std::uint16_t export_version, ByteOrder order) {
    return export_version == ipv6_export_version ? &codec6_for(order) : nullptr;
}

}  // namespace flowfile::detail
