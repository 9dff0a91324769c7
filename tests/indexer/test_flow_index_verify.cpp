// flow-index --verify: good indexes pass, a damaged, stale or wrong one is
// one line naming it and exit status 1; nothing is written.
#include <catch2/catch.hpp>

#include "flowfile/block_index.hpp"
#include "indexer/index_archive.hpp"

using namespace flowkeep_test;
namespace fs = std::filesystem;

namespace {

std::vector<std::uint8_t> header_bytes_of(const fs::path& p) {
    const auto reader = flowfile::Reader::open(p);
    auto bytes = slurp(p);
    bytes.resize(reader->header().size);
    return bytes;
}

}  // namespace

TEST_CASE("flow-index --verify passes the indexes flow-index built") {
    IndexArchive a;
    REQUIRE(flow_index("-w " + shell_arg(a.root)).status == 0);
    const auto bytes = tree_bytes(a.root);
    const ToolRun run = flow_index("--verify -w " + shell_arg(a.root));
    INFO(run.out << run.err);
    CHECK(run.status == 0);
    CHECK(run.err.empty());
    CHECK(run.out.starts_with("flow-index: 6 files: 3 good, 0 bad (10.0 k flows, "));
    CHECK(run.out.ends_with(" read), 0 without index, 3 skipped (being written), 0 failed\n"));
    CHECK(tree_bytes(a.root) == bytes);
}

TEST_CASE("flow-index --verify counts files without index and writes none") {
    IndexArchive a;
    const auto bytes = tree_bytes(a.root);
    const ToolRun run = flow_index("--verify " + shell_arg(a.root));
    CHECK(run.status == 0);
    CHECK(
        run.out.starts_with("flow-index: 6 files: 0 good, 0 bad (0 flows, 0 bytes read), "
                            "3 without index, 3 skipped (being written), 0 failed\n"));
    CHECK(tree_bytes(a.root) == bytes);
}

TEST_CASE("flow-index --verify names a damaged, stale or wrong index in one line") {
    IndexArchive a;
    REQUIRE(flow_index("-w " + shell_arg(a.root)).status == 0);
    const fs::path ix = flowfile::index_path_of(a.uncompressed);
    std::string expected;

    SECTION("a byte of its filters changed") {
        auto bytes = slurp(ix);
        bytes[bytes.size() / 2] ^= 0x01;
        spit(ix, bytes);
        expected = "fail their checksum";
    }
    SECTION("its data file was replaced by a longer one") {
        fs::remove(a.uncompressed);
        write_flow_file(
            a.root,
            {.created = archive_start + 300, .compressed = false, .flows = 3001, .seed = 2});
        expected = "stale";
    }
    SECTION("an index that checks but was built from other records") {
        // Same header, same size, other flows: only building it again shows it.
        const auto header = flowfile::Reader::open(a.uncompressed)->header();
        flowfile::BlockIndexBuilder builder(header, 1024);
        builder.add(v5_flows(3000, 99));
        std::vector<flowfile::BlockPoint> points;
        for (std::uint64_t k = 0; k < 3; ++k) points.push_back({k * 1024, header.size + k * 65536});
        flowfile::write_index_file(
            a.uncompressed,
            builder.finish(points, header_bytes_of(a.uncompressed), fs::file_size(a.uncompressed)));
        REQUIRE(flowfile::BlockIndex::open(a.uncompressed).problem == flowfile::IndexProblem::none);
        expected = "block 0: the CRC differs";
    }

    const auto bytes = tree_bytes(a.root);
    const ToolRun run = flow_index("--verify -w " + shell_arg(a.root));
    INFO(run.out << run.err);
    CHECK(run.status == 1);
    REQUIRE(lines_in(run.err) == 1);
    CHECK(run.err.starts_with("flow-index: " + ix.string() + ": "));
    CHECK(run.err.find(expected) != std::string::npos);
    CHECK(run.out.find("2 good, 1 bad") != std::string::npos);
    CHECK(tree_bytes(a.root) == bytes);
}
