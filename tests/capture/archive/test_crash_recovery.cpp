#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <utime.h>

#include "archive/crash_recovery.hpp"
#include "flowfile/reader.hpp"
#include "flowfile/writer.hpp"
#include "support/files.hpp"
#include "support/temp_dir.hpp"

using namespace flowfile;
using flowkeep_test::TempDir;
namespace fs = std::filesystem;

namespace {

std::vector<Record> flows(std::size_t n) {
    std::vector<Record> v(n);
    for (std::size_t i = 0; i < n; ++i) {
        v[i].unix_secs = 1255600000;
        v[i].srcaddr = 0x0a000000u + static_cast<std::uint32_t>(i);
        v[i].dpkts = static_cast<std::uint32_t>(i);
    }
    return v;
}

std::vector<Record> read_all(const fs::path& p, Header* h = nullptr) {
    auto r = Reader::open(p);
    std::vector<Record> out;
    for (auto b = r->next_batch(); !b.empty(); b = r->next_batch())
        out.insert(out.end(), b.begin(), b.end());
    if (h) *h = r->header();
    return out;
}

// Simulates a writer killed with -9 right after its last flush.
fs::path leave_tmp(const fs::path& dir, const std::vector<Record>& recs, int level) {
    fs::create_directories(dir);
    const fs::path p = dir / "tmp-v05.2009-10-15.153110+0000";
    Header h = Header::for_capture(5, 1255620670, "flowbox-a", level != 0, std::nullopt,
                                   ByteOrder::little);
    h.lost_flows = 3;
    auto w = Writer::create(
        p, h, {.compression_level = level, .flush_interval = std::chrono::milliseconds(0)});
    w->write(recs);
    w->flush();
    return p;  // the writer's destructor flushes but never finishes: like a crash
}

std::vector<std::string> log_lines;
void remember(const std::string& s) {
    log_lines.push_back(s);
}

}  // namespace

TEST_CASE("a leftover tmp- file becomes a finished ft- file with every flow",
          "[capture][recovery]") {
    const int level = GENERATE(0, 6);
    TempDir dir;
    const fs::path day = dir / "2009/2009-10/2009-10-15";
    const auto recs = flows(5000);
    const fs::path tmp = leave_tmp(day, recs, level);
    struct utimbuf times {
        1255620900, 1255620900
    };
    ::utime(tmp.c_str(), &times);

    log_lines.clear();
    // Not where -N 0 would have written it: left alone.
    CHECK(capture::recover_leftovers(dir.path(), 0, remember).empty());
    const auto results = capture::recover_leftovers(dir.path(), 3, remember);
    REQUIRE(results.size() == 1);
    CHECK(results[0].recovered);
    CHECK(results[0].flows == 5000);
    CHECK_FALSE(fs::exists(tmp));
    const fs::path ft = day / "ft-v05.2009-10-15.153110+0000";
    REQUIRE(fs::exists(ft));
    Header h;
    CHECK(read_all(ft, &h) == recs);
    CHECK(h.done());
    CHECK(h.flow_count == 5000u);
    CHECK(h.cap_start == 1255620670u);
    CHECK(h.cap_end == 1255620900u);
    CHECK(h.lost_flows == 3u);
    CHECK(h.hostname == std::string("flowbox-a"));
    CHECK(h.compressed() == (level != 0));
    REQUIRE(log_lines.size() == 1);
    CHECK_THAT(log_lines[0], Catch::StartsWith("recovered " + tmp.string() + " as " + ft.string() +
                                               ": 5000 flows"));
}

TEST_CASE("a tmp- file a live writer holds is left alone", "[capture][recovery]") {
    TempDir dir;
    const fs::path p = dir / "tmp-v05.2009-10-15.153110+0000";
    auto live =
        Writer::create(p, Header::for_capture(5, 1, "h", true),
                       {.flush_interval = std::chrono::milliseconds(0), .exclusive_lock = true});
    live->write(flows(10));
    live->flush();
    log_lines.clear();
    CHECK(capture::recover_leftovers(dir.path(), 0, remember).empty());
    CHECK(fs::exists(p));
    live->finish({});
}

TEST_CASE("a leftover whose ft- name exists is kept and reported", "[capture][recovery]") {
    TempDir dir;
    const fs::path tmp = leave_tmp(dir.path(), flows(10), 6);
    flowkeep_test::spit(dir / "ft-v05.2009-10-15.153110+0000", {1, 2, 3});
    log_lines.clear();
    const auto results = capture::recover_leftovers(dir.path(), 0, remember);
    REQUIRE(results.size() == 1);
    CHECK_FALSE(results[0].recovered);
    CHECK(fs::exists(tmp));
    CHECK(fs::file_size(dir / "ft-v05.2009-10-15.153110+0000") == 3);
    CHECK(log_lines.at(0) == "cannot recover " + tmp.string() + ": " +
                                 (dir / "ft-v05.2009-10-15.153110+0000").string() +
                                 " already exists; leftover kept");
}

TEST_CASE("a leftover with an unreadable header is kept", "[capture][recovery]") {
    TempDir dir;
    const fs::path tmp = dir / "tmp-v05.2009-10-15.153110+0000";
    flowkeep_test::spit(tmp, {0xcf, 0x11, 1, 3});
    log_lines.clear();
    const auto results = capture::recover_leftovers(dir.path(), 0, remember);
    REQUIRE(results.size() == 1);
    CHECK_FALSE(results[0].recovered);
    CHECK(fs::exists(tmp));
    CHECK_THAT(results[0].problem, Catch::Contains("bad magic number"));
    CHECK(fs::directory_iterator(dir.path())->path() == tmp);  // no staging file left
}

TEST_CASE("a torn compressed leftover keeps what was flushed", "[capture][recovery]") {
    TempDir dir;
    const auto recs = flows(3000);
    const fs::path tmp = leave_tmp(dir.path(), recs, 6);
    // A crash in the middle of a write: garbage half-block after the flush point.
    auto bytes = flowkeep_test::slurp(tmp);
    bytes.insert(bytes.end(), {0x12, 0x34, 0x56});
    flowkeep_test::spit(tmp, bytes);
    log_lines.clear();
    const auto results = capture::recover_leftovers(dir.path(), 0, remember);
    REQUIRE(results.size() == 1);
    CHECK(results[0].recovered);
    CHECK(read_all(dir / "ft-v05.2009-10-15.153110+0000") == recs);
}
