// flow-index --rewrite: an old compressed file gets block points, its header
// and record bytes stay the same, and no interruption loses the original.
#include <catch2/catch.hpp>

#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <zlib.h>

#include <thread>

#include "flowfile/block_index.hpp"
#include "flowfile/block_read.hpp"
#include "indexer/index_archive.hpp"

using namespace flowkeep_test;
namespace fs = std::filesystem;

extern char** environ;

namespace {

std::size_t header_size_of(const fs::path& p) {
    return flowfile::open_any(p).ipv4 ? flowfile::Reader::open(p)->header().size
                                      : flowfile::Reader6::open(p)->header().size;
}

// The record bytes as stored: the file's zlib stream inflated, undecoded.
std::vector<std::uint8_t> inflated_records(const fs::path& p) {
    const auto bytes = slurp(p);
    const std::size_t h = header_size_of(p);
    z_stream z{};
    REQUIRE(inflateInit(&z) == Z_OK);
    z.next_in = const_cast<Bytef*>(bytes.data() + h);
    z.avail_in = static_cast<uInt>(bytes.size() - h);
    std::vector<std::uint8_t> out;
    int r = Z_OK;
    while (r == Z_OK) {
        std::uint8_t chunk[65536];
        z.next_out = chunk;
        z.avail_out = sizeof chunk;
        r = inflate(&z, Z_NO_FLUSH);
        out.insert(out.end(), chunk, chunk + (sizeof chunk - z.avail_out));
    }
    inflateEnd(&z);
    REQUIRE(r == Z_STREAM_END);
    CHECK(z.avail_in == 0);
    return out;
}

std::vector<std::uint8_t> header_bytes(const fs::path& p) {
    auto bytes = slurp(p);
    bytes.resize(header_size_of(p));
    return bytes;
}

std::unique_ptr<flowfile::BlockIndex> open_index(const fs::path& data_file) {
    auto opened = flowfile::BlockIndex::open(data_file);
    INFO(opened.message);
    REQUIRE(opened.problem == flowfile::IndexProblem::none);
    return std::move(opened.index);
}

fs::path rewrite_temp(const fs::path& p) {
    return p.parent_path() / (".rewrite-" + p.filename().string());
}

// What a file must be after a rewrite that may have been interrupted: the
// original's bytes, or the original's header and record bytes in a stream
// the readers accept.
bool original_or_its_rewrite(const fs::path& p, const std::vector<std::uint8_t>& original,
                             const std::vector<std::uint8_t>& original_header,
                             const std::vector<std::uint8_t>& original_records) {
    if (slurp(p) == original) return true;
    return header_bytes(p) == original_header && inflated_records(p) == original_records;
}

}  // namespace

TEST_CASE("flow-index --rewrite keeps header and record bytes and gives the index blocks") {
    IndexArchive a;
    const fs::path& p = a.old_compressed;
    const auto header = header_bytes(p);
    const auto records = inflated_records(p);
    fs::permissions(p, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    const auto mtime = fs::last_write_time(p) - std::chrono::hours(24 * 365);
    fs::last_write_time(p, mtime);
    const auto ipv6_header = header_bytes(a.ipv6);
    const auto ipv6_records = inflated_records(a.ipv6);

    const ToolRun run = flow_index("--rewrite -w " + shell_arg(a.root));
    INFO(run.out << run.err);
    CHECK(run.status == 0);
    CHECK(run.out.find(": 1 indexed (") != std::string::npos);  // the uncompressed file
    CHECK(run.out.find("0 up to date, 2 rewritten, 3 skipped (being written), 0 failed\n") !=
          std::string::npos);

    CHECK(header_bytes(p) == header);
    CHECK(inflated_records(p) == records);
    CHECK(fs::status(p).permissions() ==
          (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read));
    CHECK(fs::last_write_time(p) == mtime);
    CHECK_FALSE(fs::exists(rewrite_temp(p)));

    const auto index = open_index(p);
    CHECK(index->blocks() == 5);  // 5000 records in blocks of 1024
    CHECK(index->block_records() == 1024);
    const std::uint32_t chosen[] = {3};
    const auto reader = flowfile::Reader::open(p);
    const auto read = flowfile::read_blocks<flowfile::Record>(p, reader->header(), *index, chosen);
    REQUIRE_FALSE(read.problem);
    const auto flows = v5_flows(5000, 1);
    CHECK(read.records ==
          std::vector<flowfile::Record>(flows.begin() + 3072, flows.begin() + 4096));

    CHECK(header_bytes(a.ipv6) == ipv6_header);
    CHECK(inflated_records(a.ipv6) == ipv6_records);
    CHECK(open_index(a.ipv6)->blocks() == 2);

    const ToolRun verify = flow_index("--verify -w " + shell_arg(a.root));
    CHECK(verify.status == 0);
    CHECK(verify.out.find("3 good, 0 bad") != std::string::npos);

    const ToolRun again = flow_index("--rewrite -w " + shell_arg(a.root));
    CHECK(again.out.find("0 indexed (0 flows, 0 bytes read, 0 bytes of index), 3 up to date, 0 "
                         "rewritten") != std::string::npos);
}

TEST_CASE("flow-index --rewrite gives a file indexed as one block its blocks") {
    IndexArchive a;
    REQUIRE(flow_index(shell_arg(a.old_compressed)).status == 0);
    REQUIRE(open_index(a.old_compressed)->blocks() == 1);
    const ToolRun run = flow_index("--rewrite --block 2000 " + shell_arg(a.old_compressed));
    CHECK(run.status == 0);
    CHECK(run.out.find("1 rewritten") != std::string::npos);
    CHECK(open_index(a.old_compressed)->blocks() == 3);
}

TEST_CASE("flow-index --rewrite leaves a file with a block checksum table as it is") {
    TempDir dir;
    const fs::path p = dir / "ft-v05.2026-12-01.100000+0000";
    {
        auto w = flowfile::Writer::create(
            p, flowfile::Header::for_capture(5, archive_start, "flowbox-test", true),
            {.flush_interval = std::chrono::milliseconds(0),
             .sync_on_flush = false,
             .checksum_blocks = 8});
        w->write(v5_flows(3000));
        w->finish({});
    }
    const auto before = slurp(p);
    const ToolRun run = flow_index("--rewrite " + shell_arg(p));
    INFO(run.out << run.err);
    CHECK(run.status == 0);
    CHECK(run.out.find(p.string() + ": not rewritten: its header holds a block checksum table") !=
          std::string::npos);
    CHECK(run.out.find("1 indexed") != std::string::npos);
    CHECK(slurp(p) == before);
    CHECK(open_index(p)->blocks() == 1);
}

TEST_CASE("a rewrite that fails leaves the original as it was") {
    IndexArchive a;
    const auto before = slurp(a.old_compressed);
    // Where the copy would go, something the rewrite cannot replace.
    fs::create_directory(rewrite_temp(a.old_compressed));
    const ToolRun run = flow_index("--rewrite " + shell_arg(a.old_compressed));
    INFO(run.out << run.err);
    CHECK(run.status == 1);
    CHECK(lines_in(run.err) == 1);
    CHECK(run.err.find(rewrite_temp(a.old_compressed).string() +
                       ": cannot create: Is a directory") != std::string::npos);
    CHECK(slurp(a.old_compressed) == before);
    CHECK_FALSE(has_index(a.old_compressed));
}

TEST_CASE("a rewrite killed at any point leaves the original or its whole rewrite") {
    TempDir dir;
    const fs::path p = write_flow_file(dir.path(), {.flows = 300000, .seed = 7});
    const auto original = slurp(p);
    const auto header = header_bytes(p);
    const auto records = inflated_records(p);

    bool completed = false;
    int kills = 0;
    for (int delay_ms = 0; !completed && delay_ms < 5000; delay_ms = delay_ms * 2 + 3) {
        const std::string bin = FLOW_INDEX_BIN;
        std::vector<std::string> args{bin, "-q", "--rewrite", p.string()};
        std::vector<char*> argv;
        for (auto& s : args) argv.push_back(s.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t io;
        posix_spawn_file_actions_init(&io);
        posix_spawn_file_actions_addopen(&io, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&io, 2, "/dev/null", O_WRONLY, 0);
        pid_t pid = 0;
        REQUIRE(posix_spawn(&pid, bin.c_str(), &io, nullptr, argv.data(), environ) == 0);
        posix_spawn_file_actions_destroy(&io);
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
        ::kill(pid, SIGKILL);
        int status = 0;
        REQUIRE(::waitpid(pid, &status, 0) == pid);
        completed = WIFEXITED(status);
        if (completed) {
            CHECK(WEXITSTATUS(status) == 0);
        } else {
            ++kills;
        }
        INFO("killed after " << delay_ms << " ms");
        CHECK(original_or_its_rewrite(p, original, header, records));
    }
    CHECK(kills > 0);
    if (!completed) {  // a slow machine (a sanitizer build): once more, to its end
        const ToolRun last = flow_index("-q --rewrite " + shell_arg(p));
        REQUIRE(last.status == 0);
    }
    CHECK(slurp(p) != original);  // the rewrite happened
    CHECK(header_bytes(p) == header);
    CHECK(inflated_records(p) == records);
    CHECK_FALSE(fs::exists(rewrite_temp(p)));
    CHECK(open_index(p)->blocks() == (300000 + 1023) / 1024);
}

TEST_CASE("the copy an interrupted rewrite left is removed by the next run") {
    IndexArchive a;
    const fs::path left = rewrite_temp(a.uncompressed);
    spit(left, {1, 2, 3});
    const ToolRun run = flow_index("-w " + shell_arg(a.root));
    CHECK(run.status == 0);
    CHECK_FALSE(fs::exists(left));
}

TEST_CASE("a file another flow-index is rewriting is left to it") {
    IndexArchive a;
    const fs::path busy = rewrite_temp(a.old_compressed);
    spit(busy, {1, 2, 3});
    const auto before = slurp(a.old_compressed);
    ToolRun run;
    {
        WriterLock lock(busy);
        run = flow_index("--rewrite " + shell_arg(a.old_compressed));
    }
    INFO(run.out << run.err);
    CHECK(run.status == 0);
    CHECK(run.out.find("1 skipped (being written)") != std::string::npos);
    CHECK(slurp(a.old_compressed) == before);
    CHECK(slurp(busy) == std::vector<std::uint8_t>{1, 2, 3});
}

TEST_CASE("flow-index --rewrite does not rewrite through a symbolic link") {
    IndexArchive a;
    const fs::path link = a.dir / "ft-v05.2025-12-01.100000+0000";
    fs::create_symlink(a.old_compressed, link);
    const auto before = slurp(a.old_compressed);
    const ToolRun run = flow_index("--rewrite " + shell_arg(link));
    INFO(run.out << run.err);
    CHECK(run.status == 0);
    CHECK(run.out.find(link.string() + ": not rewritten: a symbolic link") != std::string::npos);
    CHECK(fs::is_symlink(link));
    CHECK(slurp(a.old_compressed) == before);
    CHECK(open_index(link)->blocks() == 1);
}
