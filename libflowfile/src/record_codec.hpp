#pragma once

// Stored record layouts (file-format.md §6): one decoder and one encoder per
// export version and byte order, chosen once per file so the per-record loop
// has no branches on either.

#include <cstddef>
#include <cstdint>

#include "flowfile/header.hpp"
#include "flowfile/record.hpp"

namespace flowfile::detail {

struct RecordCodec {
    std::size_t size = 0;
    void (*decode)(const std::uint8_t* src, std::size_t count, Record* out) = nullptr;
    void (*encode)(const Record* in, std::size_t count, std::uint8_t* dst) = nullptr;
};

// nullptr when the export version is not supported.
const RecordCodec* codec_for(std::uint16_t export_version, ByteOrder order);

}  // namespace flowfile::detail
