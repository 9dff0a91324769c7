#include "index_build.hpp"

#include "flowfile/block_index.hpp"
#include "flowfile/error.hpp"
#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"
#include "flush_points.hpp"
#include "record_pass.hpp"

namespace flowindex {

namespace {

// The two bytes of the zlib header before the first deflate block.
constexpr std::uint64_t zlib_header_size = 2;

}  // namespace

std::size_t record_size_of(const flowfile::Header& header) {
    const std::uint16_t version = header.export_version.value_or(0);
    if (version == flowfile::ipv6_export_version) return flowfile::record6_size;
    if (const auto size = flowfile::record_size(version)) return *size;
    throw flowfile::Error("export version " + std::to_string(version) + " is not supported");
}

std::size_t declared_block_records(const flowfile::Header& header, std::size_t block_records) {
    return header.compressed() ? 0 : block_records;
}

std::vector<flowfile::BlockPoint> points_without_flushes(const flowfile::Header& header,
                                                         std::size_t record_size,
                                                         std::uint64_t flows,
                                                         std::size_t block_records) {
    if (header.compressed()) return {{0, header.size + zlib_header_size}};
    std::vector<flowfile::BlockPoint> points;
    // An empty file still has its one (empty) block, as a writer begins it.
    for (std::uint64_t first = 0; first < flows || first == 0; first += block_records)
        points.push_back({first, header.size + first * record_size});
    return points;
}

namespace {

BuiltIndex build_with_points(const DataFile& file, std::size_t block_records,
                             const std::vector<flowfile::BlockPoint>& points_of_flushes) {
    const flowfile::Header& header = file.header();
    flowfile::BlockIndexBuilder builder(header, block_records);
    BuiltIndex out;
    out.flows =
        read_every_record(file.path(), header, [&](const auto& batch) { builder.add(batch); });
    out.bytes_read = file.size();
    const auto points =
        points_of_flushes.empty()
            ? points_without_flushes(header, record_size_of(header), out.flows, block_records)
            : points_of_flushes;
    out.bytes = builder.finish(points, file.header_bytes(), file.size());
    return out;
}

// Whether the index built from the records names the blocks as they were
// inflated alone: the same record counts and CRCs, so that every block a
// query reads inflates by itself to the records the index describes.
bool blocks_match(const BuiltIndex& built, const FoundBlocks& found, const DataFile& file) {
    auto opened = flowfile::BlockIndex::from_bytes(built.bytes, file.size(), file.path().string());
    if (!opened.index || opened.index->blocks() != found.blocks.size()) return false;
    for (std::size_t i = 0; i < found.blocks.size(); ++i) {
        const flowfile::IndexBlock b = opened.index->block(i);
        const FoundBlock& f = found.blocks[i];
        if (b.offset != f.point.offset || b.first_record != f.point.first_record ||
            b.records != f.records || b.crc != f.crc)
            return false;
    }
    return true;
}

}  // namespace

BuiltIndex build_index(const DataFile& file, std::size_t block_records) {
    const flowfile::Header& header = file.header();
    if (header.compressed()) {
        const FoundBlocks found = find_block_points(file, record_size_of(header));
        if (found.block_records != 0) {
            std::vector<flowfile::BlockPoint> points;
            for (const FoundBlock& b : found.blocks) points.push_back(b.point);
            try {
                BuiltIndex built = build_with_points(file, found.block_records, points);
                if (blocks_match(built, found, file)) return built;
            } catch (const flowfile::Error&) {
                // Points the records do not fit: the file is one block, as
                // below, and the reader words any problem of its data there.
            }
        }
    }
    return build_with_points(file, declared_block_records(header, block_records), {});
}

}  // namespace flowindex
