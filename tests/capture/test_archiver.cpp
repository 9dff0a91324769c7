#include <catch2/catch.hpp>

#include <fstream>
#include <thread>

#include "archiver.hpp"
#include "flowfile/reader.hpp"
#include "support/temp_dir.hpp"

using namespace flowfile;
using capture::Archiver;
using capture::ArchiverSettings;
using capture::FlowBatch;
using flowkeep_test::TempDir;
namespace fs = std::filesystem;

namespace {

// 2009-10-15 23:58:30 UTC, shortly before a day boundary.
constexpr double t0 = 1255651110.0;

struct Harness {
    TempDir dir;
    std::vector<std::string> log;
    std::unique_ptr<Archiver> archiver;

    explicit Harness(ArchiverSettings s = {}) {
        s.work_dir = dir.path();
        s.hostname = "flowbox-a";
        archiver =
            std::make_unique<Archiver>(s, [this](const std::string& l) { log.push_back(l); });
    }

    std::vector<std::string> files() const {
        std::vector<std::string> out;
        for (const auto& e : fs::recursive_directory_iterator(dir.path()))
            if (e.is_regular_file()) out.push_back(fs::relative(e.path(), dir.path()).string());
        std::sort(out.begin(), out.end());
        return out;
    }
};

FlowBatch batch_of(std::size_t n, std::uint16_t version = 5, capture::FileCounters c = {}) {
    FlowBatch b;
    b.export_version = version;
    b.counters = c;
    for (std::size_t i = 0; i < n; ++i) {
        Record r;
        r.unix_secs = 1255651110;
        r.dpkts = static_cast<std::uint32_t>(i + 1);
        b.records.push_back(r);
    }
    return b;
}

std::pair<Header, std::vector<Record>> read_file(const fs::path& p) {
    auto r = Reader::open(p);
    std::vector<Record> out;
    for (auto b = r->next_batch(); !b.empty(); b = r->next_batch())
        out.insert(out.end(), b.begin(), b.end());
    return {r->header(), out};
}

ArchiverSettings v5_every_5_minutes() {
    ArchiverSettings s;
    s.export_version = 5;
    s.rotations = 287;
    return s;
}

}  // namespace

TEST_CASE("with -V the first tick creates a nested tmp- file named by its creation time",
          "[capture][archiver]") {
    Harness h(v5_every_5_minutes());
    h.archiver->tick(t0 + 0.4);
    CHECK(h.files() ==
          std::vector<std::string>{"2009/2009-10/2009-10-15/tmp-v05.2009-10-15.235830+0000"});
    CHECK(h.archiver->current_file() == "2009/2009-10/2009-10-15/tmp-v05.2009-10-15.235830+0000");
}

TEST_CASE("a rotation boundary finishes the file with its flows and counters",
          "[capture][archiver]") {
    Harness h(v5_every_5_minutes());
    h.archiver->tick(t0);
    REQUIRE(h.archiver->accept(
        batch_of(100, 5, {.lost_flows = 7, .corrupt_packets = 1, .seq_resets = 2}), t0 + 1));
    REQUIRE(h.archiver->accept(batch_of(50), t0 + 2));
    h.archiver->tick(t0 + 89.9);  // 23:59:59.9: not yet
    CHECK(h.archiver->files_finished() == 0);
    h.archiver->tick(t0 + 90.5);  // past midnight: close, then open the next file
    CHECK(h.archiver->files_finished() == 1);
    CHECK(h.files() ==
          std::vector<std::string>{"2009/2009-10/2009-10-15/ft-v05.2009-10-15.235830+0000",
                                   "2009/2009-10/2009-10-16/tmp-v05.2009-10-16.000000+0000"});
    const auto [header, records] =
        read_file(h.dir / "2009/2009-10/2009-10-15/ft-v05.2009-10-15.235830+0000");
    CHECK(records.size() == 150);
    CHECK(header.done());
    CHECK(header.flow_count == 150u);
    CHECK(header.cap_start == 1255651110u);
    CHECK(header.cap_end == 1255651200u);
    CHECK(header.lost_flows == 7u);
    CHECK(header.corrupt_packets == 1u);
    CHECK(header.seq_resets == 2u);
    CHECK(header.hostname == std::string("flowbox-a"));
    CHECK(header.compressed());
}

TEST_CASE("counters start again in every file", "[capture][archiver]") {
    Harness h(v5_every_5_minutes());
    h.archiver->tick(t0);
    h.archiver->accept(batch_of(1, 5, {.lost_flows = 5}), t0 + 1);
    h.archiver->rotate(t0 + 2);
    h.archiver->accept(batch_of(1, 5, {.corrupt_packets = 3}), t0 + 3);
    h.archiver->shutdown(t0 + 4);
    const auto files = h.files();
    REQUIRE(files.size() == 2);
    const auto first = read_file(h.dir / files[0]).first;
    const auto second = read_file(h.dir / files[1]).first;
    CHECK(first.lost_flows == 5u);
    CHECK(first.corrupt_packets == 0u);
    CHECK(second.lost_flows == 0u);
    CHECK(second.corrupt_packets == 3u);
}

TEST_CASE("a new file never takes the name of the one just closed", "[capture][archiver]") {
    // flow-tools reuses the name after a SIGHUP in the same second and the
    // rename then replaces the earlier file; we wait for the next second.
    Harness h(v5_every_5_minutes());
    h.archiver->tick(t0);
    h.archiver->accept(batch_of(10), t0 + 0.1);
    h.archiver->rotate(t0 + 0.2);
    CHECK_FALSE(h.archiver->accept(batch_of(20), t0 + 0.3));  // caller keeps the batch
    h.archiver->tick(t0 + 0.6);
    CHECK(h.archiver->current_file().empty());
    CHECK(h.archiver->accept(batch_of(20), t0 + 1.1));
    h.archiver->shutdown(t0 + 2);
    const auto files = h.files();
    REQUIRE(files.size() == 2);
    CHECK(read_file(h.dir / files[0]).second.size() == 10);
    CHECK(read_file(h.dir / files[1]).second.size() == 20);
}

TEST_CASE("without -V the first flows fix the version; earlier rejects count into that file",
          "[capture][archiver]") {
    ArchiverSettings s;
    s.rotations = 287;
    Harness h(s);
    h.archiver->tick(t0);
    CHECK(h.files().empty());
    h.archiver->accept(batch_of(0, 0, {.corrupt_packets = 2}), t0 + 1);
    CHECK(h.files().empty());
    h.archiver->accept(batch_of(3, 7), t0 + 2);
    h.archiver->shutdown(t0 + 3);
    REQUIRE(h.files() ==
            std::vector<std::string>{"2009/2009-10/2009-10-15/ft-v07.2009-10-15.235832+0000"});
    const auto [header, records] = read_file(h.dir / h.files()[0]);
    CHECK(header.export_version == 7);
    CHECK(header.corrupt_packets == 2u);
    CHECK(records.size() == 3);
}

TEST_CASE("options shape the file: -z 0, -b big, -C, -N 0", "[capture][archiver]") {
    ArchiverSettings s = v5_every_5_minutes();
    s.compression_level = 0;
    s.byte_order = ByteOrder::big;
    s.comment = "edge-r1 uplink";
    s.nesting = 0;
    Harness h(s);
    h.archiver->accept(batch_of(4), t0);
    h.archiver->shutdown(t0 + 1);
    REQUIRE(h.files() == std::vector<std::string>{"ft-v05.2009-10-15.235830+0000"});
    const auto [header, records] = read_file(h.dir / h.files()[0]);
    CHECK_FALSE(header.compressed());
    CHECK(header.byte_order == ByteOrder::big);
    CHECK(header.comments == std::string("edge-r1 uplink"));
    CHECK(fs::file_size(h.dir / h.files()[0]) == header.size + 4 * 64);
}

TEST_CASE("an idle open file is flushed on the flush interval", "[capture][archiver]") {
    ArchiverSettings s = v5_every_5_minutes();
    s.flush_interval = std::chrono::seconds(2);
    Harness h(s);
    h.archiver->accept(batch_of(500), t0);
    const fs::path tmp = h.dir / h.archiver->current_file();
    CHECK(read_file(tmp).second.empty());  // still in memory
    h.archiver->tick(t0 + 2.5);
    CHECK(read_file(tmp).second.size() == 500);
}

TEST_CASE("expiry keeps at most -e finished files, oldest first", "[capture][archiver]") {
    ArchiverSettings s = v5_every_5_minutes();
    s.expiry.max_files = 2;
    Harness h(s);
    h.archiver->start_expiry();
    for (int i = 0; i < 4; ++i) {
        h.archiver->accept(batch_of(1), t0 + i * 400);
        h.archiver->tick(t0 + i * 400 + 350);  // past the 5-minute boundary
    }
    h.archiver->shutdown(t0 + 1700);
    const auto files = h.files();
    // Files were opened at t0, +350, +750, +1150 and +1550 s.  Expiry runs
    // after each rotation, not at exit (as flow-capture): the file closed by
    // the shutdown is the third one kept.
    CHECK(files ==
          std::vector<std::string>{"2009/2009-10/2009-10-16/ft-v05.2009-10-16.001100+0000",
                                   "2009/2009-10/2009-10-16/ft-v05.2009-10-16.001740+0000",
                                   "2009/2009-10/2009-10-16/ft-v05.2009-10-16.002420+0000"});
    CHECK(std::count_if(h.log.begin(), h.log.end(),
                        [](const std::string& l) { return l.rfind("remove/1 ", 0) == 0; }) == 2);
    CHECK(std::find(h.log.begin(), h.log.end(),
                    "remove/1 " + (h.dir / "2009/2009-10/2009-10-15/ft-v05.2009-10-15.235830+0000")
                                      .string()) != h.log.end());
}

TEST_CASE("the post-rotate program gets the relative ft- path", "[capture][archiver]") {
    TempDir scratch;
    const fs::path script = scratch / "post.sh";
    const fs::path out = scratch / "args.txt";
    {
        std::ofstream f(script);
        f << "#!/bin/sh\necho \"$#:$1\" >> " << out.string() << "\nexit 3\n";
    }
    fs::permissions(script, fs::perms::owner_all);
    ArchiverSettings s = v5_every_5_minutes();
    s.post_rotate_program = script.string();
    Harness h(s);
    h.archiver->accept(batch_of(1), t0);
    h.archiver->shutdown(t0 + 1);
    for (int i = 0; i < 100 && !fs::exists(out); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::ifstream in(out);
    std::string line;
    std::getline(in, line);
    CHECK(line == "1:2009/2009-10/2009-10-15/ft-v05.2009-10-15.235830+0000");
    h.archiver->tick(t0 + 2);  // reaps the child and reports its status
    CHECK(std::find_if(h.log.begin(), h.log.end(), [](const std::string& l) {
              return l.find("exit_status=3") != std::string::npos;
          }) != h.log.end());
}

TEST_CASE("catching up switches levels inside one readable file", "[capture][archiver]") {
    Harness h(v5_every_5_minutes());
    h.archiver->accept(batch_of(1000), t0);
    h.archiver->set_catching_up(true);
    CHECK(h.archiver->catching_up());
    h.archiver->accept(batch_of(1000), t0 + 1);
    h.archiver->set_catching_up(false);
    h.archiver->accept(batch_of(1000), t0 + 2);
    h.archiver->shutdown(t0 + 3);
    const auto files = h.files();
    REQUIRE(files.size() == 1);
    auto r = flowfile::Reader::open(h.dir / files[0]);
    std::size_t n = 0;
    for (auto b = r->next_batch(); !b.empty(); b = r->next_batch()) n += b.size();
    CHECK(n == 3000);
    CHECK(r->status().ok());
    CHECK(h.log.empty());
}
