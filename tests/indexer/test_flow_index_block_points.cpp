// flow-index on compressed files whose index was lost: a writer's block
// points (full flushes) are found again, sync flushes are not taken for them.
#include <catch2/catch.hpp>

#include "flowfile/block_index.hpp"
#include "indexer/index_archive.hpp"

using namespace flowkeep_test;
namespace fs = std::filesystem;

namespace {

struct Written {
    fs::path path;
    std::vector<std::uint8_t> index;  // as flow-capture writes it beside the file
};

// A finished v5 file of `flows` records, with a full flush every
// `block_records` (0: none) and a sync flush (a flow-capture's -f timer)
// after every `sync_every` records (0: none).
Written write_file(const fs::path& dir, std::size_t flows, std::size_t block_records,
                   std::size_t sync_every) {
    Written w;
    w.path = dir / "ft-v05.2025-12-01.100000+0000";
    flowfile::WriterOptions options;
    options.compression_level = 6;
    options.flush_interval = std::chrono::milliseconds(0);
    options.sync_on_flush = false;
    options.block_records = block_records;
    const auto header =
        flowfile::Header::for_capture(5, static_cast<std::uint32_t>(archive_start), "t", true);
    auto writer = flowfile::Writer::create(w.path, header, options);
    const auto records = v5_flows(flows, 7);
    const std::size_t step = sync_every > 0 ? sync_every : std::max<std::size_t>(flows, 1);
    flowfile::BlockIndexBuilder builder(header, block_records != 0 ? block_records : flows);
    for (std::size_t at = 0; at < records.size(); at += step) {
        const auto piece = std::span(records).subspan(at, std::min(step, records.size() - at));
        writer->write(piece);
        builder.add(piece);
        if (sync_every > 0) writer->flush();
    }
    writer->finish({.cap_end = static_cast<std::uint32_t>(archive_start + 300)});
    if (block_records != 0) {
        const auto bytes = slurp(w.path);
        const auto head = std::span(bytes).first(writer->header().size);
        w.index = builder.finish(writer->block_points(), head, bytes.size());
    }
    return w;
}

std::unique_ptr<flowfile::BlockIndex> index_of(const fs::path& data_file) {
    auto opened = flowfile::BlockIndex::open(data_file);
    INFO(opened.message);
    REQUIRE(opened.problem == flowfile::IndexProblem::none);
    return std::move(opened.index);
}

void index_again(const fs::path& data_file) {
    fs::remove(flowfile::index_path_of(data_file));
    const ToolRun run = flow_index(shell_arg(data_file));
    INFO(run.out << run.err);
    REQUIRE(run.status == 0);
    REQUIRE(run.err.empty());
    const ToolRun verify = flow_index("--verify " + shell_arg(data_file));
    INFO(verify.out << verify.err);
    CHECK(verify.status == 0);
}

}  // namespace

TEST_CASE("flow-index finds the block points of a file whose index was lost") {
    TempDir dir;
    // 3000 = 11 blocks of 256 and one of 184; the sync flushes every 100
    // records fall inside blocks as well as on their borders.
    const std::size_t sync_every = GENERATE(0, 100);
    const Written w = write_file(dir.path(), 3000, 256, sync_every);
    flowfile::write_index_file(w.path, w.index);
    const auto captured = index_of(w.path);
    REQUIRE(captured->blocks() == 12);

    index_again(w.path);
    const auto found = index_of(w.path);
    CHECK(found->block_records() == 256);
    REQUIRE(found->blocks() == captured->blocks());
    for (std::size_t i = 0; i < found->blocks(); ++i) {
        INFO("block " << i);
        const flowfile::IndexBlock a = found->block(i);
        const flowfile::IndexBlock b = captured->block(i);
        CHECK(a.offset == b.offset);
        CHECK(a.end_offset == b.end_offset);
        CHECK(a.first_record == b.first_record);
        CHECK(a.records == b.records);
        CHECK(a.crc == b.crc);
    }
    CHECK(slurp(flowfile::index_path_of(w.path)) == w.index);
}

TEST_CASE("flow-index keeps one block for a compressed file without full flushes") {
    TempDir dir;
    // No flush at all (flow-tools), or sync flushes only: their empty
    // stored blocks do not empty the window, so no block begins there.
    const std::size_t sync_every = GENERATE(0, 100, 256);
    const Written w = write_file(dir.path(), 3000, 0, sync_every);
    index_again(w.path);
    const auto index = index_of(w.path);
    CHECK(index->blocks() == 1);
    CHECK(index->block_records() == 0);
    CHECK(index->flows() == 3000);
}
