#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <utime.h>
#include <algorithm>

#include "archive/archiver.hpp"
#include "archive/crash_recovery.hpp"
#include "flowfile/block_index.hpp"
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

namespace {

std::vector<Record6> flows6(std::size_t n) {
    std::vector<Record6> v(n);
    for (std::size_t i = 0; i < n; ++i) {
        v[i].srcaddr = {0x20, 0x01, 0x0d, 0xb8, 0, 3, 0, 7};
        v[i].srcaddr[15] = static_cast<std::uint8_t>(i);
        v[i].start_ms = 1255620670000 + static_cast<std::int64_t>(i);
        v[i].dpkts = i;
    }
    return v;
}

// A capture killed with -9 right after its last flush: the archiver's
// writers are dropped without being finished, as the process would drop them.
void leave_capture_pair(const fs::path& work_dir, const std::vector<Record>& v4,
                        const std::vector<Record6>& v6) {
    capture::ArchiverSettings s;
    s.work_dir = work_dir;
    s.export_version = 5;
    s.hostname = "flowbox-a";
    s.flush_interval = std::chrono::seconds(1);
    capture::Archiver archiver(s, [](const std::string&) {});
    capture::FlowBatch batch;
    batch.export_version = 5;
    batch.records = v4;
    batch.records6 = v6;
    REQUIRE(archiver.accept(batch, 1255620670.0));
    archiver.tick(1255620672.0);  // the flush point
}

}  // namespace

TEST_CASE("tmp-v05 and tmp-ip6 leftovers of one period are both finished",
          "[capture][recovery][ipv6]") {
    TempDir dir;
    const auto v4 = flows(700);
    const auto v6 = flows6(300);
    leave_capture_pair(dir.path(), v4, v6);
    const fs::path day = dir / "2009/2009-10/2009-10-15";
    const fs::path tmp6 = day / "tmp-ip6.2009-10-15.153110+0000";
    REQUIRE(fs::exists(day / "tmp-v05.2009-10-15.153110+0000"));
    REQUIRE(fs::exists(tmp6));
    // A crash in the middle of a write to the IPv6 file: garbage after the
    // flush point, which the reader does not vouch for.
    auto bytes = flowkeep_test::slurp(tmp6);
    bytes.insert(bytes.end(), {0x12, 0x34, 0x56});
    flowkeep_test::spit(tmp6, bytes);

    log_lines.clear();
    const auto results = capture::recover_leftovers(dir.path(), 3, remember);
    REQUIRE(results.size() == 2);
    CHECK(std::all_of(results.begin(), results.end(),
                      [](const capture::RecoveredFile& r) { return r.recovered; }));
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(day)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    CHECK(names ==
          std::vector<std::string>{"ft-v05.2009-10-15.153110+0000", "ip6.2009-10-15.153110+0000"});

    Header h4;
    CHECK(read_all(day / "ft-v05.2009-10-15.153110+0000", &h4) == v4);

    auto reader = Reader6::open(day / "ip6.2009-10-15.153110+0000");
    std::vector<Record6> got;
    for (auto b = reader->next_batch(); !b.empty(); b = reader->next_batch())
        got.insert(got.end(), b.begin(), b.end());
    CHECK(reader->status().ok());
    CHECK(got == v6);
    const Header& h6 = reader->header();
    CHECK(h6.export_version == ipv6_export_version);
    CHECK(h6.done());
    CHECK(h6.flow_count == 300u);
    CHECK(h6.cap_start == h4.cap_start);
    CHECK(h6.lost_flows.value_or(0) == 0u);
    CHECK(h6.hostname == std::string("flowbox-a"));
    const auto ip6_result =
        std::find_if(results.begin(), results.end(),
                     [&](const capture::RecoveredFile& r) { return r.tmp_path == tmp6.string(); });
    REQUIRE(ip6_result != results.end());
    CHECK(ip6_result->flows == 300);
    CHECK(ip6_result->final_path == (day / "ip6.2009-10-15.153110+0000").string());
    CHECK(std::count_if(log_lines.begin(), log_lines.end(),
                        [](const std::string& l) { return l.rfind("recovered ", 0) == 0; }) == 2);
}

TEST_CASE("a recovered file gets its index when block points are asked for",
          "[capture][recovery][index]") {
    const int level = GENERATE(0, 6);
    TempDir dir;
    const auto recs = flows(2500);
    leave_tmp(dir.path(), recs, level);
    const fs::path ft = dir / "ft-v05.2009-10-15.153110+0000";
    const fs::path ix = dir / "ix-ft-v05.2009-10-15.153110+0000";
    log_lines.clear();
    const auto results = capture::recover_leftovers(dir.path(), 0, remember, 1024);
    REQUIRE(results.size() == 1);
    CHECK(results[0].recovered);
    CHECK(results[0].index_problem.empty());
    Header h;
    CHECK(read_all(ft, &h) == recs);
    REQUIRE(fs::exists(ix));
    const BlockIndex::Opened opened = BlockIndex::open(ft);
    INFO(opened.message);
    REQUIRE(opened.problem == IndexProblem::none);
    CHECK(opened.index->flows() == h.flow_count);
    CHECK(opened.index->blocks() == 3);
    CHECK(opened.index->block(2).first_record == 2048);
    std::uint64_t packets = 0;
    for (const Record& r : recs) packets += r.dpkts;
    REQUIRE(opened.index->totals());
    CHECK(opened.index->totals()->all ==
          FlowCounts{.flows = 2500, .packets = packets, .octets = 0});
    // The recovery line alone: no index problem.
    REQUIRE(log_lines.size() == 1);
    CHECK_THAT(log_lines[0], Catch::StartsWith("recovered "));
}

TEST_CASE("a leftover recovered without block points has no index", "[capture][recovery][index]") {
    TempDir dir;
    leave_tmp(dir.path(), flows(20), 6);
    log_lines.clear();
    const auto results = capture::recover_leftovers(dir.path(), 0, remember, 0);
    REQUIRE(results.size() == 1);
    CHECK(results[0].recovered);
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir.path())) names.push_back(e.path().filename());
    CHECK(names == std::vector<std::string>{"ft-v05.2009-10-15.153110+0000"});
}
