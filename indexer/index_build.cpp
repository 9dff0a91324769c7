#include "index_build.hpp"

#include "flowfile/block_index.hpp"
#include "flowfile/error.hpp"
#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"
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

BuiltIndex build_index(const DataFile& file, std::size_t block_records) {
    const flowfile::Header& header = file.header();
    flowfile::BlockIndexBuilder builder(header, declared_block_records(header, block_records));
    BuiltIndex out;
    out.flows =
        read_every_record(file.path(), header, [&](const auto& batch) { builder.add(batch); });
    out.bytes_read = file.size();
    const auto points =
        points_without_flushes(header, record_size_of(header), out.flows, block_records);
    out.bytes = builder.finish(points, file.header_bytes(), file.size());
    return out;
}

}  // namespace flowindex
