// flow-index on an archive: which files get an index, which are left alone,
// what a second run does, when an index is built again.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <regex>

#include "flowfile/block_index.hpp"
#include "flowfile/block_read.hpp"
#include "indexer/index_archive.hpp"

using namespace flowkeep_test;
namespace fs = std::filesystem;

namespace {

std::unique_ptr<flowfile::BlockIndex> open_index(const fs::path& data_file) {
    auto opened = flowfile::BlockIndex::open(data_file);
    INFO(data_file.string() << ": " << opened.message);
    REQUIRE(opened.problem == flowfile::IndexProblem::none);
    return std::move(opened.index);
}

void flip_byte(const fs::path& p, std::size_t at) {
    auto bytes = slurp(p);
    REQUIRE(at < bytes.size());
    bytes[at] ^= 0x5a;
    spit(p, bytes);
}

fs::file_time_type index_time(const fs::path& data_file) {
    return fs::last_write_time(flowfile::index_path_of(data_file));
}

}  // namespace

TEST_CASE("flow-index indexes the finished files of an archive and leaves the others alone") {
    IndexArchive a;
    const auto untouched = {a.locked, a.undone, a.in_progress};
    std::map<fs::path, std::vector<std::uint8_t>> before;
    for (const auto& p : untouched) before[p] = slurp(p);

    const ToolRun run = flow_index("-w " + shell_arg(a.root));
    INFO(run.out << run.err);
    CHECK(run.status == 0);
    CHECK(run.err.empty());
    CHECK(std::regex_match(
        run.out,
        std::regex(R"(flow-index: 6 files: 3 indexed \(10\.0 k flows, [0-9.]+ [kM]B read, )"
                   R"([0-9.]+ kB of index\), 0 up to date, 0 rewritten, )"
                   R"(3 skipped \(being written\), 0 failed\n)")));

    const auto compressed = open_index(a.old_compressed);
    CHECK(compressed->blocks() == 1);  // no block points: one block for the file
    CHECK(compressed->block_records() == 0);
    CHECK(compressed->flows() == 5000);
    CHECK(compressed->block(0).offset == compressed->header_size() + 2);
    CHECK(compressed->totals()->all.flows == 5000);

    const auto uncompressed = open_index(a.uncompressed);
    CHECK(uncompressed->blocks() == 3);  // 1024 + 1024 + 952
    CHECK(uncompressed->block_records() == flowfile::default_block_records);
    CHECK(uncompressed->block(2).records == 952);
    CHECK(uncompressed->block(1).offset == uncompressed->header_size() + 1024 * 64);

    const auto ipv6 = open_index(a.ipv6);
    CHECK(ipv6->export_version() == flowfile::ipv6_export_version);
    CHECK(ipv6->flows() == 2000);
    CHECK(ipv6->file_may_hold(flowfile::AddressKey::ipv6_48(v6_flows(1)[0].srcaddr)));

    for (const auto& p : untouched) {
        CHECK_FALSE(has_index(p));
        CHECK(slurp(p) == before[p]);
    }
    // Nothing else appeared: three data files gained an ix- file each.
    std::size_t files = 0;
    for (const auto& e : fs::recursive_directory_iterator(a.root)) files += e.is_regular_file();
    CHECK(files == 6 + 3);
}

TEST_CASE("a second flow-index run finds every index up to date and writes nothing") {
    IndexArchive a;
    REQUIRE(flow_index("-w " + shell_arg(a.root)).status == 0);
    const auto bytes = tree_bytes(a.root);
    const auto when = index_time(a.uncompressed);

    const ToolRun again = flow_index("-w " + shell_arg(a.root));
    INFO(again.out << again.err);
    CHECK(again.status == 0);
    CHECK(again.out ==
          "flow-index: 6 files: 0 indexed (0 flows, 0 bytes read, 0 bytes of index), 3 up to date, "
          "0 rewritten, 3 skipped (being written), 0 failed\n");
    CHECK(tree_bytes(a.root) == bytes);
    CHECK(index_time(a.uncompressed) == when);
}

TEST_CASE("flow-index builds a stale or damaged index again") {
    IndexArchive a;
    REQUIRE(flow_index("-w " + shell_arg(a.root)).status == 0);

    SECTION("the file grew: the index is for another size") {
        fs::remove(a.uncompressed);
        REQUIRE(write_flow_file(a.root, {.created = archive_start + 300,
                                         .compressed = false,
                                         .flows = 3500,
                                         .seed = 2}) == a.uncompressed);
        CHECK(flowfile::BlockIndex::open(a.uncompressed).problem == flowfile::IndexProblem::stale);
        const ToolRun run = flow_index("-q -w " + shell_arg(a.root));
        CHECK(run.status == 0);
        CHECK(run.out.empty());
        const auto index = open_index(a.uncompressed);
        CHECK(index->flows() == 3500);
        CHECK(index->blocks() == 4);
    }
    SECTION("the file is newer than its index") {
        fs::last_write_time(flowfile::index_path_of(a.old_compressed),
                            fs::last_write_time(a.old_compressed) - std::chrono::hours(1));
        CHECK(flowfile::BlockIndex::open(a.old_compressed).problem ==
              flowfile::IndexProblem::stale);
        const ToolRun run = flow_index("-w " + shell_arg(a.root));
        CHECK(run.status == 0);
        CHECK(run.out.find(": 1 indexed (5000 flows") != std::string::npos);
        CHECK(run.out.find("2 up to date") != std::string::npos);
        open_index(a.old_compressed);
    }
    SECTION("the index is damaged") {
        const fs::path ix = flowfile::index_path_of(a.ipv6);
        flip_byte(ix, 20);
        CHECK(flowfile::BlockIndex::open(a.ipv6).problem == flowfile::IndexProblem::damaged);
        const ToolRun run = flow_index("-w " + shell_arg(a.root));
        CHECK(run.status == 0);
        CHECK(run.out.find(": 1 indexed (2000 flows") != std::string::npos);
        CHECK(open_index(a.ipv6)->flows() == 2000);
    }
}

TEST_CASE("flow-index --dry-run says what it would do and writes nothing") {
    IndexArchive a;
    const auto bytes = tree_bytes(a.root);
    const ToolRun run = flow_index("--dry-run -w " + shell_arg(a.root));
    INFO(run.out << run.err);
    CHECK(run.status == 0);
    CHECK(run.out.find("would index " + a.old_compressed.string() + " (no index)\n") !=
          std::string::npos);
    CHECK(run.out.find("would index " + a.uncompressed.string() + " (no index)\n") !=
          std::string::npos);
    CHECK(run.out.find("would index " + a.ipv6.string() + " (no index)\n") != std::string::npos);
    CHECK(run.out.find("would skip " + a.undone.string() +
                       ": its header has no DONE flag (being written)\n") != std::string::npos);
    CHECK(run.out.find("would skip " + a.in_progress.string() +
                       ": a tmp- file (being written)\n") != std::string::npos);
    CHECK(run.out.find("flow-index: 6 files: 3 to index, 0 up to date, 0 to rewrite, 3 skipped "
                       "(being written), 0 failed (dry run: nothing written)\n") !=
          std::string::npos);
    CHECK(tree_bytes(a.root) == bytes);

    const ToolRun rewrite = flow_index("--dry-run --rewrite " + shell_arg(a.old_compressed));
    CHECK(rewrite.out.starts_with("would rewrite " + a.old_compressed.string() +
                                  " with blocks of 1024 records, then index it (no index)\n"));
    CHECK(tree_bytes(a.root) == bytes);
}

TEST_CASE("flow-index --block N sets the records per block of an uncompressed file") {
    IndexArchive a;
    const ToolRun run = flow_index("--block 500 " + shell_arg(a.uncompressed));
    REQUIRE(run.status == 0);
    const auto index = open_index(a.uncompressed);
    CHECK(index->blocks() == 6);
    CHECK(index->block_records() == 500);
    const std::uint32_t chosen[] = {2};
    const auto reader = flowfile::Reader::open(a.uncompressed);
    const auto read =
        flowfile::read_blocks<flowfile::Record>(a.uncompressed, reader->header(), *index, chosen);
    REQUIRE_FALSE(read.problem);
    const auto flows = v5_flows(3000, 2);
    CHECK(read.records ==
          std::vector<flowfile::Record>(flows.begin() + 1000, flows.begin() + 1500));
}

TEST_CASE("flow-index takes files named on the command line whatever the directory") {
    IndexArchive a;
    const fs::path ix = flowfile::index_path_of(a.uncompressed);
    REQUIRE(flow_index(shell_arg(a.uncompressed)).status == 0);
    REQUIRE(fs::exists(ix));
    // A shell glob brings indexes and tmp- files along: passed by, skipped.
    const ToolRun run = flow_index(shell_arg(ix) + " " + shell_arg(a.in_progress) + " " +
                                   shell_arg(a.uncompressed) + " " + shell_arg(a.ipv6));
    INFO(run.out << run.err);
    CHECK(run.status == 0);
    CHECK(run.out.find("flow-index: 3 files: 1 indexed (2000 flows") != std::string::npos);
    CHECK(run.out.find("1 up to date, 0 rewritten, 1 skipped (being written)") !=
          std::string::npos);
    CHECK_FALSE(has_index(a.in_progress));

    const ToolRun missing = flow_index(shell_arg(a.root / "ft-v05.2026-12-01.000000+0000"));
    CHECK(missing.status == 1);
    CHECK(lines_in(missing.err) == 1);
    CHECK(missing.err.find("No such file or directory") != std::string::npos);
}

TEST_CASE("a damaged data file fails with one line and gets no index") {
    IndexArchive a;
    auto bytes = slurp(a.old_compressed);
    bytes.resize(bytes.size() / 2);
    spit(a.old_compressed, bytes);
    const ToolRun run = flow_index("-w " + shell_arg(a.root));
    INFO(run.out << run.err);
    CHECK(run.status == 1);
    CHECK(lines_in(run.err) == 1);
    CHECK(run.err.starts_with("flow-index: " + a.old_compressed.string()));
    CHECK(run.out.find("2 indexed") != std::string::npos);
    CHECK(run.out.find("1 failed\n") != std::string::npos);
    CHECK_FALSE(has_index(a.old_compressed));
    CHECK(has_index(a.uncompressed));
}

TEST_CASE("flow-index writes the same indexes with one thread or several") {
    IndexArchive one;
    IndexArchive two;
    REQUIRE(flow_index("--threads 1 -w " + shell_arg(one.root)).status == 0);
    REQUIRE(flow_index("--threads 2 --nice -w " + shell_arg(two.root)).status == 0);
    for (const auto& [a, b] :
         {std::pair{one.old_compressed, two.old_compressed},
          std::pair{one.uncompressed, two.uncompressed}, std::pair{one.ipv6, two.ipv6}}) {
        const auto x = slurp(flowfile::index_path_of(a));
        CHECK(!x.empty());
        CHECK(x == slurp(flowfile::index_path_of(b)));
    }
}
