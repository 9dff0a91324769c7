#pragma once

// Archives with a block index beside each file (flow-index(5)), as
// flow-capture writes them: files of small blocks (64 records) so that a
// query has many blocks to choose from, and the helpers that index a copy
// of an existing file or damage an index.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "flowfile/archive.hpp"
#include "flowfile/block_index.hpp"
#include "flowfile/error.hpp"
#include "flowfile/header.hpp"
#include "flowfile/reader.hpp"
#include "flowfile/record6.hpp"
#include "flowfile/writer.hpp"

namespace flowkeep_test {

inline constexpr std::size_t test_block_records = 64;

inline std::vector<std::uint8_t> file_bytes(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void put_file_bytes(const std::filesystem::path& p, const std::vector<std::uint8_t>& b) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

// The data file's header exactly as on disk.
inline std::vector<std::uint8_t> header_bytes_of(const std::filesystem::path& p) {
    std::vector<std::uint8_t> bytes = file_bytes(p);
    const std::uint32_t size = flowfile::decode_header_size(
        std::span<const std::uint8_t>(bytes.data(), flowfile::header_preamble_size), p.string());
    bytes.resize(size);
    return bytes;
}

// Writes `records` (Record or Record6) as a finished file of blocks of
// test_block_records, and its index unless `index` is false.
template <typename R>
void write_indexed_file(const std::filesystem::path& path, const flowfile::Header& header,
                        const std::vector<R>& records, bool index = true) {
    std::filesystem::create_directories(path.parent_path());
    flowfile::WriterOptions options;
    options.block_records = test_block_records;
    auto writer = flowfile::Writer::create(path, header, options);
    writer->write(std::span<const R>(records));
    flowfile::CloseCounters counters;
    counters.cap_end = header.cap_start.value_or(0) + 900;
    writer->finish(counters);
    if (!index) return;
    flowfile::BlockIndexBuilder builder(header, test_block_records);
    builder.add(std::span<const R>(records));
    const auto bytes = builder.finish(writer->block_points(), header_bytes_of(path),
                                      std::filesystem::file_size(path));
    flowfile::write_index_file(path, bytes);
}

// Indexes a file written without block points, as flow-index does for an
// old archive without rewriting it: a compressed file is one block (its
// deflate data after the 2-byte zlib header), an uncompressed one blocks of
// test_block_records at fixed offsets.  False when the file does not read
// cleanly to its end (damaged and unfinished files keep no index).
inline bool index_existing_file(const std::filesystem::path& path) {
    flowfile::AnyReader reader;
    try {
        reader = flowfile::open_any(path);
    } catch (const flowfile::Error&) {
        return false;
    }
    const auto header_bytes = header_bytes_of(path);
    auto build = [&](auto& r) -> bool {
        using R = std::remove_cvref_t<decltype(r.next_batch()[0])>;
        std::vector<R> records;
        for (auto b = r.next_batch(); !b.empty(); b = r.next_batch())
            records.insert(records.end(), b.begin(), b.end());
        if (!r.status().ok() || !r.header().done()) return false;
        const flowfile::Header& h = r.header();
        std::vector<flowfile::BlockPoint> points;
        std::size_t block = test_block_records;
        if (h.compressed()) {
            block = std::max<std::size_t>(records.size(), 1);
            points.push_back({0, header_bytes.size() + 2});
        } else {
            const std::size_t size = std::is_same_v<R, flowfile::Record6>
                                         ? flowfile::record6_size
                                         : flowfile::record_size(*h.export_version).value();
            for (std::size_t i = 0; i < records.size(); i += block)
                points.push_back({i, header_bytes.size() + i * size});
        }
        flowfile::BlockIndexBuilder builder(h, block);
        builder.add(std::span<const R>(records));
        try {
            flowfile::write_index_file(
                path, builder.finish(points, header_bytes, std::filesystem::file_size(path)));
        } catch (const flowfile::Error&) {
            return false;
        }
        return true;
    };
    try {
        return reader.ipv6 ? build(*reader.ipv6) : build(*reader.ipv4);
    } catch (const flowfile::Error&) {
        return false;  // an export version the index does not take
    }
}

}  // namespace flowkeep_test
