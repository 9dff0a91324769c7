#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>

#include "archive/archiver.hpp"
#include "flowfile/reader.hpp"
#include "flowfile/writer.hpp"
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

TEST_CASE("without -V the first flows fix the version, earlier rejects count into that file",
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

TEST_CASE("a dry run (-d) removes nothing and says so, once per file", "[capture][archiver]") {
    ArchiverSettings s = v5_every_5_minutes();
    s.expiry.max_files = 2;
    s.expiry_dry_run = true;
    Harness h(s);
    h.archiver->start_expiry();
    for (int i = 0; i < 4; ++i) {
        h.archiver->accept(batch_of(1), t0 + i * 400);
        h.archiver->tick(t0 + i * 400 + 350);
    }
    h.archiver->shutdown(t0 + 1700);
    CHECK(h.files().size() == 5);  // nothing removed
    // Never a real removal's line, which an operator would take as done.
    CHECK(std::none_of(h.log.begin(), h.log.end(),
                       [](const std::string& l) { return l.rfind("remove/", 0) == 0; }));
    // Rotations after the 3rd and 4th file: the two oldest, each once.
    const std::string suffix = " (dry run with -d: not removed)";
    CHECK(h.log ==
          std::vector<std::string>{
              "would remove/1 " +
                  (h.dir / "2009/2009-10/2009-10-15/ft-v05.2009-10-15.235830+0000").string() +
                  suffix,
              "would remove/1 " +
                  (h.dir / "2009/2009-10/2009-10-16/ft-v05.2009-10-16.000420+0000").string() +
                  suffix});
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
    // The program runs on its own: its line is complete once it ends in a
    // newline.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::string written;
    while (std::chrono::steady_clock::now() < deadline) {
        std::ifstream in(out);
        written.assign(std::istreambuf_iterator<char>(in), {});
        if (!written.empty() && written.back() == '\n') break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(written.substr(0, written.find('\n')) ==
          "1:2009/2009-10/2009-10-15/ft-v05.2009-10-15.235830+0000");
    // A tick reaps the child and reports its status once it has exited; the
    // daemon ticks every loop, so does this until it is reported.
    const auto reported = [&] {
        return std::find_if(h.log.begin(), h.log.end(), [](const std::string& l) {
                   return l.find("exit_status=3") != std::string::npos;
               }) != h.log.end();
    };
    while (!reported() && std::chrono::steady_clock::now() < deadline) {
        h.archiver->tick(t0 + 2);
        if (!reported()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(reported());
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

namespace {

// A finished flow file as an earlier run left it.
void old_flow_file(const fs::path& path, std::uint32_t start) {
    fs::create_directories(path.parent_path());
    auto w = Writer::create(path, Header::for_capture(5, start, "old", true));
    w->finish({.cap_end = start + 300});
}

bool logged(const std::vector<std::string>& log, const std::string& text) {
    return std::any_of(log.begin(), log.end(),
                       [&](const std::string& l) { return l.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("expiry never deletes through a symbolic link and never enters a linked directory",
          "[capture][archiver][expiry]") {
    TempDir outside;
    // Older than anything in the work directory: first in line if followed.
    old_flow_file(outside / "ft-v05.2000-01-01.000000+0000", 946684800);
    old_flow_file(outside / "deep/ft-v05.2000-01-02.000000+0000", 946771200);
    ArchiverSettings s = v5_every_5_minutes();
    s.expiry.max_files = 1;
    Harness h(s);
    old_flow_file(h.dir / "2009/2009-10/2009-10-14/ft-v05.2009-10-14.000000+0000", 1255478400);
    old_flow_file(h.dir / "2009/2009-10/2009-10-14/ft-v05.2009-10-14.010000+0000", 1255482000);
    fs::create_symlink(outside / "ft-v05.2000-01-01.000000+0000",
                       h.dir / "ft-v05.2000-01-01.000000+0000");
    fs::create_directory_symlink(outside / "deep", h.dir / "2000");
    h.archiver->start_expiry();
    // Only the oldest real file went.
    CHECK(fs::exists(outside / "ft-v05.2000-01-01.000000+0000"));
    CHECK(fs::exists(outside / "deep/ft-v05.2000-01-02.000000+0000"));
    CHECK(fs::is_symlink(h.dir / "ft-v05.2000-01-01.000000+0000"));
    CHECK(fs::is_symlink(h.dir / "2000"));
    CHECK_FALSE(fs::exists(h.dir / "2009/2009-10/2009-10-14/ft-v05.2009-10-14.000000+0000"));
    CHECK(fs::exists(h.dir / "2009/2009-10/2009-10-14/ft-v05.2009-10-14.010000+0000"));
    CHECK(logged(h.log, "ft-v05.2000-01-01.000000+0000: symbolic link, not followed"));
    CHECK(logged(h.log, "2000: symbolic link, not followed"));
}

TEST_CASE("a directory swapped for a link after the expiry scan is not followed",
          "[capture][archiver][expiry]") {
    TempDir outside;
    ArchiverSettings s = v5_every_5_minutes();
    s.expiry.max_files = 2;
    Harness h(s);
    const fs::path day = h.dir / "2009/2009-10/2009-10-14";
    old_flow_file(day / "ft-v05.2009-10-14.000000+0000", 1255478400);
    old_flow_file(day / "ft-v05.2009-10-14.010000+0000", 1255482000);
    h.archiver->start_expiry();  // two files, limit two: nothing to do yet
    CHECK(fs::exists(day / "ft-v05.2009-10-14.000000+0000"));
    // Whoever can write in the work directory moves the day away and puts a
    // link to a directory holding a file of the same name in its place.
    fs::rename(day, outside / "moved");
    fs::create_directory_symlink(outside / "moved", day);
    h.archiver->accept(batch_of(1), t0);
    h.archiver->tick(t0 + 400);  // rotation: a third file, expiry runs
    CHECK(fs::exists(outside / "moved/ft-v05.2009-10-14.000000+0000"));
    CHECK(fs::exists(outside / "moved/ft-v05.2009-10-14.010000+0000"));
    CHECK(logged(h.log, "2009-10-14 is a symbolic link; not followed"));
}

TEST_CASE("a failed rename is retried until the finished file gets its ft- name",
          "[capture][archiver]") {
    Harness h(v5_every_5_minutes());
    h.archiver->accept(batch_of(3), t0);
    const std::string tmp = h.archiver->current_file();
    // A directory where the ft- file should go makes the rename fail.
    const fs::path blocker = h.dir / "2009/2009-10/2009-10-15/ft-v05.2009-10-15.235830+0000";
    fs::create_directories(blocker / "x");
    h.archiver->rotate(t0 + 1);
    CHECK(h.archiver->renames_pending() == 1);
    CHECK(fs::exists(h.dir / tmp));
    CHECK(logged(h.log, "keeps its tmp- name until it can be renamed"));
    h.archiver->tick(t0 + 1.5);  // within the second: not yet retried
    CHECK(h.archiver->renames_pending() == 1);
    fs::remove_all(blocker);
    h.archiver->tick(t0 + 2.5);
    CHECK(h.archiver->renames_pending() == 0);
    CHECK_FALSE(fs::exists(h.dir / tmp));
    CHECK(read_file(blocker).second.size() == 3);
    CHECK(logged(h.log, "renamed " + tmp));
}

TEST_CASE("an open file removed from under the archiver is noticed and counted",
          "[capture][archiver]") {
    Harness h(v5_every_5_minutes());
    h.archiver->accept(batch_of(7), t0);
    const std::string first = h.archiver->current_file();
    fs::remove(h.dir / first);
    h.archiver->tick(t0 + 1.2);
    CHECK(h.archiver->flows_removed_with_open_file() == 7);
    CHECK(logged(h.log, first + " was removed while open: 7 flows"));
    // A new file takes the next flows.
    h.archiver->accept(batch_of(2), t0 + 1.3);
    CHECK(h.archiver->current_file() != first);
    CHECK(fs::exists(h.dir / h.archiver->current_file()));
}
