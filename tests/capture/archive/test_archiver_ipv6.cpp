// The archiver writing both series from one capture line: the flow-tools
// file and, beside it, the IPv6 file of the same period (same name date,
// same header, same rotation, -R, expiry, disk errors).

#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include "archive/archiver.hpp"
#include "archiver_harness.hpp"
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
const std::string day15 = "2009/2009-10/2009-10-15/";
const std::string day16 = "2009/2009-10/2009-10-16/";

using archiver_test::Harness;

ArchiverSettings every_5_minutes() {
    ArchiverSettings s;
    s.export_version = 5;
    s.rotations = 287;
    return s;
}

// `n4` IPv4 and `n6` IPv6 flows; dpkts numbers them from `first` on, so that
// a test can tell a lost or a doubled flow.
FlowBatch batch_of(std::size_t n4, std::size_t n6, std::uint32_t first = 1,
                   capture::FileCounters counters = {}) {
    FlowBatch b;
    b.export_version = 5;
    b.counters = counters;
    for (std::size_t i = 0; i < n4; ++i) {
        Record r;
        r.unix_secs = 1255651110;
        r.dpkts = first + static_cast<std::uint32_t>(i);
        b.records.push_back(r);
    }
    for (std::size_t i = 0; i < n6; ++i) {
        Record6 r;
        r.srcaddr = {0x20, 0x01, 0x0d, 0xb8, 0, 1};
        r.dstaddr = {0x20, 0x01, 0x0d, 0xb8, 0, 2};
        r.exaddr = ipv4_mapped(0x7f000002);
        r.start_ms = 1255651110000;
        r.end_ms = 1255651111000;
        r.dpkts = first + i;
        b.records6.push_back(r);
    }
    return b;
}

std::pair<Header, std::vector<Record>> read_v5(const fs::path& p) {
    auto r = Reader::open(p);
    std::vector<Record> out;
    for (auto b = r->next_batch(); !b.empty(); b = r->next_batch())
        out.insert(out.end(), b.begin(), b.end());
    CHECK(r->status().ok());
    return {r->header(), out};
}

std::pair<Header, std::vector<Record6>> read_v6(const fs::path& p) {
    auto r = Reader6::open(p);
    std::vector<Record6> out;
    for (auto b = r->next_batch(); !b.empty(); b = r->next_batch())
        out.insert(out.end(), b.begin(), b.end());
    CHECK(r->status().ok());
    return {r->header(), out};
}

template <typename R>
std::vector<std::uint64_t> packet_numbers(const std::vector<R>& records) {
    std::vector<std::uint64_t> out;
    for (const auto& r : records) out.push_back(r.dpkts);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::uint64_t> numbers_from(std::uint64_t first, std::uint64_t count) {
    std::vector<std::uint64_t> out(count);
    for (std::uint64_t i = 0; i < count; ++i) out[i] = first + i;
    return out;
}

std::size_t lines_starting(const std::vector<std::string>& log, const std::string& prefix) {
    return static_cast<std::size_t>(std::count_if(
        log.begin(), log.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; }));
}

// A finished file as an earlier run left it.
void old_flow_file(const fs::path& path, std::uint32_t start) {
    fs::create_directories(path.parent_path());
    auto w = Writer::create(path, Header::for_capture(5, start, "old", true));
    w->finish({.cap_end = start + 300});
}

// Lowers the process's file size limit (RLIMIT_FSIZE) so that writes beyond
// it fail with EFBIG, as a full disk makes them fail, without root or a
// mount; SIGXFSZ is ignored meanwhile so the write returns the error.
class FileSizeLimit {
  public:
    explicit FileSizeLimit(rlim_t bytes) {
        ::getrlimit(RLIMIT_FSIZE, &saved_);
        previous_ = std::signal(SIGXFSZ, SIG_IGN);
        set(bytes);
    }
    ~FileSizeLimit() {
        lift();
        std::signal(SIGXFSZ, previous_);
    }
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;
    void lift() { ::setrlimit(RLIMIT_FSIZE, &saved_); }

  private:
    void set(rlim_t bytes) {
        rlimit lower = saved_;
        lower.rlim_cur = bytes;
        REQUIRE(::setrlimit(RLIMIT_FSIZE, &lower) == 0);
    }
    rlimit saved_{};
    void (*previous_)(int) = SIG_DFL;
};

}  // namespace

TEST_CASE("IPv6 flows go to an ip6 file named and nested like the v5 file of the period",
          "[capture][archiver][ipv6]") {
    Harness h(every_5_minutes());
    h.archiver->tick(t0);
    REQUIRE(h.archiver->accept(
        batch_of(100, 40, 1, {.lost_flows = 7, .corrupt_packets = 1, .seq_resets = 2}), t0 + 1));
    CHECK(h.archiver->current_file() == day15 + "tmp-v05.2009-10-15.235830+0000");
    CHECK(h.archiver->current_ipv6_file() == day15 + "tmp-ip6.2009-10-15.235830+0000");
    REQUIRE(h.archiver->accept(batch_of(50, 20, 1001), t0 + 2));
    h.archiver->tick(t0 + 89.9);
    CHECK(h.archiver->files_finished() == 0);
    h.archiver->tick(t0 + 90.5);  // past midnight: both close together
    CHECK(h.archiver->files_finished() == 2);
    CHECK(h.archiver->ipv6_files_finished() == 1);
    CHECK(h.archiver->current_ipv6_file().empty());
    // The next period has had no IPv6 flow yet: no IPv6 file.
    CHECK(h.files() == std::vector<std::string>{day15 + "ft-v05.2009-10-15.235830+0000",
                                                day15 + "ip6.2009-10-15.235830+0000",
                                                day16 + "tmp-v05.2009-10-16.000000+0000"});

    const auto [v5_header, v5_records] = read_v5(h.dir / (day15 + "ft-v05.2009-10-15.235830+0000"));
    const auto [header, records] = read_v6(h.dir / (day15 + "ip6.2009-10-15.235830+0000"));
    CHECK(v5_records.size() == 150);
    CHECK(packet_numbers(records) == [] {
        auto n = numbers_from(1, 40);
        const auto more = numbers_from(1001, 20);
        n.insert(n.end(), more.begin(), more.end());
        return n;
    }());
    CHECK(header.export_version == ipv6_export_version);
    CHECK(header.done());
    CHECK(header.flow_count == 60u);
    CHECK(header.cap_start == v5_header.cap_start);
    CHECK(header.cap_end == v5_header.cap_end);
    CHECK(header.hostname == std::string("flowbox-a"));
    CHECK(header.compressed());
    // The datagram counters describe datagrams: counted once, in the v5 file.
    CHECK(v5_header.lost_flows == 7u);
    CHECK(v5_header.corrupt_packets == 1u);
    CHECK(v5_header.seq_resets == 2u);
    CHECK(header.lost_flows.value_or(0) == 0u);
    CHECK(header.corrupt_packets.value_or(0) == 0u);
    CHECK(header.seq_resets.value_or(0) == 0u);
}

TEST_CASE("an IPv4-only network gets no IPv6 files", "[capture][archiver][ipv6]") {
    Harness h(every_5_minutes());
    h.archiver->accept(batch_of(10, 0), t0);
    h.archiver->rotate(t0 + 1);
    h.archiver->accept(batch_of(10, 0), t0 + 2);
    h.archiver->shutdown(t0 + 3);
    CHECK(h.files() == std::vector<std::string>{day15 + "ft-v05.2009-10-15.235830+0000",
                                                day15 + "ft-v05.2009-10-15.235832+0000"});
    CHECK(h.archiver->files_finished() == 2);
    CHECK(h.archiver->ipv6_files_finished() == 0);
}

TEST_CASE("the IPv6 file is created on the period's first IPv6 flow, with the period's name",
          "[capture][archiver][ipv6]") {
    Harness h(every_5_minutes());
    h.archiver->accept(batch_of(10, 0), t0);
    h.archiver->tick(t0 + 30);
    CHECK(h.archiver->current_ipv6_file().empty());
    // Half a minute later: still the name date of the v5 file.
    h.archiver->accept(batch_of(0, 3), t0 + 31);
    CHECK(h.archiver->current_ipv6_file() == day15 + "tmp-ip6.2009-10-15.235830+0000");
    h.archiver->shutdown(t0 + 32);
    CHECK(read_v6(h.dir / (day15 + "ip6.2009-10-15.235830+0000")).first.cap_start == 1255651110u);
}

TEST_CASE("both series nest alike at every -N level", "[capture][archiver][ipv6]") {
    const auto [level, directory] = GENERATE(table<int, std::string>({
        {0, ""},
        {1, "2009/"},
        {-1, "2009-10-15/"},
        {-2, "2009-10/2009-10-15/"},
    }));
    ArchiverSettings s = every_5_minutes();
    s.nesting = level;
    Harness h(s);
    h.archiver->accept(batch_of(2, 2), t0);
    h.archiver->shutdown(t0 + 1);
    CHECK(h.files() == std::vector<std::string>{directory + "ft-v05.2009-10-15.235830+0000",
                                                directory + "ip6.2009-10-15.235830+0000"});
}

TEST_CASE("options -z 0 and -b big shape the IPv6 file as they shape the v5 file",
          "[capture][archiver][ipv6]") {
    ArchiverSettings s = every_5_minutes();
    s.compression_level = 0;
    s.byte_order = ByteOrder::big;
    s.comment = "edge-r1 uplink";
    Harness h(s);
    h.archiver->accept(batch_of(1, 4), t0);
    h.archiver->shutdown(t0 + 1);
    const fs::path file = h.dir / (day15 + "ip6.2009-10-15.235830+0000");
    const auto [header, records] = read_v6(file);
    CHECK(records.size() == 4);
    CHECK_FALSE(header.compressed());
    CHECK(header.byte_order == ByteOrder::big);
    CHECK(header.comments == std::string("edge-r1 uplink"));
    CHECK(fs::file_size(file) == header.size + 4 * record6_size);
}

TEST_CASE("the -R program runs for the IPv6 file too", "[capture][archiver][ipv6]") {
    TempDir scratch;
    const fs::path script = scratch / "post.sh";
    const fs::path out = scratch / "args.txt";
    {
        std::ofstream f(script);
        f << "#!/bin/sh\necho \"$#:$1\" >> " << out.string() << "\n";
    }
    fs::permissions(script, fs::perms::owner_all);
    ArchiverSettings s = every_5_minutes();
    s.post_rotate_program = script.string();
    Harness h(s);
    h.archiver->accept(batch_of(1, 1), t0);
    h.archiver->shutdown(t0 + 1);
    // Each program runs on its own: both lines are there once there are two
    // newlines.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::string written;
    while (std::chrono::steady_clock::now() < deadline) {
        std::ifstream in(out);
        written.assign(std::istreambuf_iterator<char>(in), {});
        if (std::count(written.begin(), written.end(), '\n') == 2) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::set<std::string> lines;
    for (std::size_t pos = 0, end; (end = written.find('\n', pos)) != std::string::npos;
         pos = end + 1)
        lines.insert(written.substr(pos, end - pos));
    CHECK(lines == std::set<std::string>{"1:" + day15 + "ft-v05.2009-10-15.235830+0000",
                                         "1:" + day15 + "ip6.2009-10-15.235830+0000"});
}

TEST_CASE("expiry by -e counts both series together and removes the oldest first",
          "[capture][archiver][ipv6][expiry]") {
    ArchiverSettings s = every_5_minutes();
    s.expiry.max_files = 3;
    Harness h(s);
    h.archiver->start_expiry();
    h.archiver->accept(batch_of(1, 1), t0);        // A: both series
    h.archiver->tick(t0 + 350);                    // A closes, B opens
    h.archiver->accept(batch_of(1, 1), t0 + 400);  // B: both series
    h.archiver->tick(t0 + 750);                    // B closes: 4 files, A's v5 goes
    h.archiver->accept(batch_of(1, 0), t0 + 800);  // C: IPv4 only
    h.archiver->tick(t0 + 1150);                   // C closes: A's IPv6 file goes
    h.archiver->shutdown(t0 + 1200);               // D, empty; no expiry at exit
    CHECK(h.files() == std::vector<std::string>{day16 + "ft-v05.2009-10-16.000420+0000",
                                                day16 + "ft-v05.2009-10-16.001100+0000",
                                                day16 + "ft-v05.2009-10-16.001740+0000",
                                                day16 + "ip6.2009-10-16.000420+0000"});
    std::vector<std::string> removals;
    std::copy_if(h.log.begin(), h.log.end(), std::back_inserter(removals),
                 [](const std::string& l) { return l.rfind("remove/", 0) == 0; });
    CHECK(removals ==
          std::vector<std::string>{
              "remove/1 " + (h.dir / (day15 + "ft-v05.2009-10-15.235830+0000")).string(),
              "remove/1 " + (h.dir / (day15 + "ip6.2009-10-15.235830+0000")).string()});
}

TEST_CASE("the start-up expiry scan counts the IPv6 files an earlier run left",
          "[capture][archiver][ipv6][expiry]") {
    ArchiverSettings s = every_5_minutes();
    s.expiry.max_files = 2;
    Harness h(s);
    const fs::path day14 = h.dir / "2009/2009-10/2009-10-14";
    old_flow_file(day14 / "ft-v05.2009-10-14.000000+0000", 1255478400);
    {
        auto w = Writer::create(day14 / "ip6.2009-10-14.000000+0000",
                                Header::for_capture(ipv6_export_version, 1255478400, "old", true));
        w->finish({.cap_end = 1255478700});
    }
    old_flow_file(day14 / "ft-v05.2009-10-14.010000+0000", 1255482000);
    h.archiver->start_expiry();
    CHECK_FALSE(fs::exists(day14 / "ft-v05.2009-10-14.000000+0000"));
    CHECK(fs::exists(day14 / "ip6.2009-10-14.000000+0000"));
    CHECK(fs::exists(day14 / "ft-v05.2009-10-14.010000+0000"));
    h.archiver->accept(batch_of(1, 1), t0);
    h.archiver->tick(t0 + 350);  // two more finished files: the two oldest go
    CHECK_FALSE(fs::exists(day14 / "ip6.2009-10-14.000000+0000"));
    CHECK_FALSE(fs::exists(day14 / "ft-v05.2009-10-14.010000+0000"));
    CHECK(lines_starting(h.log, "remove/1 ") == 3);
}

TEST_CASE("expiry by -E counts the open IPv6 file's bytes", "[capture][archiver][ipv6][expiry]") {
    // The disk runs full at a rotation: the v5 file is finished, the IPv6
    // file still holds flows and stays open; what it already took on disk
    // counts against -E when the v5 file's expiry runs.
    ArchiverSettings s = every_5_minutes();
    s.compression_level = 0;  // sizes that follow the flow counts
    TempDir dir;
    const fs::path old = dir / (day15 + "ft-v05.2009-10-15.000000+0000");
    old_flow_file(old, 1255564800);
    // Room for the old file and the v5 file (a header and ten flows), not
    // for the 64 KiB the IPv6 file wrote before the limit as well.
    s.expiry.max_bytes = fs::file_size(old) + 10000;
    s.work_dir = dir.path();
    std::vector<std::string> log;
    Archiver archiver(s, [&](const std::string& l) { log.push_back(l); });
    archiver.start_expiry();
    {
        FileSizeLimit limit(64 * 1024);
        archiver.accept(batch_of(10, 2000), t0);
        archiver.rotate(t0 + 1);
        CHECK(archiver.files_finished() == 1);
        CHECK_FALSE(archiver.current_ipv6_file().empty());
        // Without the open file both would fit; with it, -E removes until
        // nothing finished is left, oldest first.
        CHECK_FALSE(fs::exists(old));
        CHECK(lines_starting(log, "remove/2 ") == 2);
        CHECK(*std::find_if(log.begin(), log.end(), [](const std::string& l) {
            return l.rfind("remove/", 0) == 0;
        }) == "remove/2 " + old.string());
    }
    archiver.tick(t0 + 2);
    CHECK(archiver.ipv6_files_finished() == 1);
}

TEST_CASE("expiry by -E removes finished files of both series oldest first",
          "[capture][archiver][ipv6][expiry]") {
    ArchiverSettings s = every_5_minutes();
    s.compression_level = 0;
    // Each period: a v5 file of about 6.6 kB and an IPv6 file of about 13.4 kB.
    s.expiry.max_bytes = 45000;
    Harness h(s);
    h.archiver->start_expiry();
    for (int i = 0; i < 3; ++i) {
        h.archiver->accept(batch_of(100, 100), t0 + i * 400);
        h.archiver->tick(t0 + i * 400 + 350);  // rotation
    }
    h.archiver->shutdown(t0 + 1200);
    const auto files = h.files();
    std::uint64_t total = 0;
    for (const auto& f : files) total += fs::file_size(h.dir / f);
    CHECK(total <= 45000);
    // Three periods of 20 kB each: the first period's pair went, v5 first.
    CHECK(files == std::vector<std::string>{day16 + "ft-v05.2009-10-16.000420+0000",
                                            day16 + "ft-v05.2009-10-16.001100+0000",
                                            day16 + "ft-v05.2009-10-16.001740+0000",
                                            day16 + "ip6.2009-10-16.000420+0000",
                                            day16 + "ip6.2009-10-16.001100+0000"});
    std::vector<std::string> removals;
    std::copy_if(h.log.begin(), h.log.end(), std::back_inserter(removals),
                 [](const std::string& l) { return l.rfind("remove/", 0) == 0; });
    CHECK(removals ==
          std::vector<std::string>{
              "remove/2 " + (h.dir / (day15 + "ft-v05.2009-10-15.235830+0000")).string(),
              "remove/2 " + (h.dir / (day15 + "ip6.2009-10-15.235830+0000")).string()});
}

TEST_CASE("a write error on the IPv6 file holds its flows until they can be written",
          "[capture][archiver][ipv6][disk]") {
    ArchiverSettings s = every_5_minutes();
    s.compression_level = 0;
    s.flush_interval = std::chrono::seconds(1);
    Harness h(s);
    h.archiver->tick(t0);
    {
        // The IPv6 file (132 bytes a flow) runs into the limit, the v5 file
        // (10 flows) stays below it.
        FileSizeLimit limit(64 * 1024);
        CHECK(h.archiver->accept(batch_of(10, 2000, 1), t0 + 0.5));  // taken, partly held
        CHECK(h.archiver->blocked());
        CHECK(h.logged("holding data until it can be written"));
        CHECK(h.archiver->write_errors() >= 1);
        // Blocked: the next batch stays with the caller.
        CHECK_FALSE(h.archiver->accept(batch_of(10, 10, 5001), t0 + 0.6));
        h.archiver->tick(t0 + 1.5);
        CHECK(h.archiver->blocked());
        limit.lift();
        h.archiver->tick(t0 + 2.5);
        CHECK_FALSE(h.archiver->blocked());
        CHECK(h.logged("writing " + day15 + "tmp-v05.2009-10-15.235830+0000 again"));
    }
    CHECK(h.archiver->accept(batch_of(10, 10, 5001), t0 + 3));
    REQUIRE(h.archiver->shutdown(t0 + 4));
    auto v4_expected = numbers_from(1, 10);
    auto v6_expected = numbers_from(1, 2000);
    for (auto n : numbers_from(5001, 10)) {
        v4_expected.push_back(n);
        v6_expected.push_back(n);
    }
    // Every flow once: none lost, none written twice.
    CHECK(packet_numbers(read_v5(h.dir / (day15 + "ft-v05.2009-10-15.235830+0000")).second) ==
          v4_expected);
    const auto [header, records] = read_v6(h.dir / (day15 + "ip6.2009-10-15.235830+0000"));
    CHECK(packet_numbers(records) == v6_expected);
    CHECK(header.flow_count == 2010u);
}

TEST_CASE("a failed finish of the IPv6 file is retried while the v5 file is done",
          "[capture][archiver][ipv6][disk]") {
    ArchiverSettings s = every_5_minutes();
    s.compression_level = 0;
    Harness h(s);
    {
        FileSizeLimit limit(64 * 1024);
        h.archiver->accept(batch_of(10, 2000, 1), t0);  // the IPv6 writer holds most
        h.archiver->rotate(t0 + 1);                     // SIGHUP while blocked
        CHECK(h.archiver->files_finished() == 1);       // the v5 file
        CHECK(fs::exists(h.dir / (day15 + "ft-v05.2009-10-15.235830+0000")));
        CHECK(h.archiver->current_ipv6_file() == day15 + "tmp-ip6.2009-10-15.235830+0000");
        CHECK_FALSE(h.archiver->accept(batch_of(1, 1, 9001), t0 + 1.5));  // kept by the caller
        h.archiver->tick(t0 + 2);
        CHECK(h.archiver->files_finished() == 1);
    }
    h.archiver->tick(t0 + 3);  // drains, then finishes it
    CHECK(h.archiver->files_finished() == 2);
    CHECK(h.archiver->ipv6_files_finished() == 1);
    const auto [header, records] = read_v6(h.dir / (day15 + "ip6.2009-10-15.235830+0000"));
    CHECK(packet_numbers(records) == numbers_from(1, 2000));
    CHECK(header.done());
    CHECK(read_v5(h.dir / (day15 + "ft-v05.2009-10-15.235830+0000")).second.size() == 10);
}

TEST_CASE("an IPv6 file that cannot be created keeps the whole batch with the caller",
          "[capture][archiver][ipv6][disk]") {
    Harness h(every_5_minutes());
    h.archiver->tick(t0);
    // A directory where the IPv6 file should go: creating it fails.
    const fs::path blocker = h.dir / (day15 + "tmp-ip6.2009-10-15.235830+0000");
    fs::create_directories(blocker);
    CHECK_FALSE(h.archiver->accept(batch_of(5, 5, 1), t0 + 0.5));
    CHECK(h.archiver->blocked());
    CHECK(h.logged("; retrying"));
    const std::size_t lines = h.log.size();
    h.archiver->tick(t0 + 1);
    CHECK_FALSE(h.archiver->accept(batch_of(5, 5, 1), t0 + 1.1));
    h.archiver->tick(t0 + 1.2);
    CHECK(h.log.size() == lines);  // said once, not at every retry
    fs::remove(blocker);
    h.archiver->tick(t0 + 2);
    CHECK_FALSE(h.archiver->blocked());
    CHECK(h.archiver->accept(batch_of(5, 5, 1), t0 + 2.1));
    h.archiver->shutdown(t0 + 3);
    // The v5 half was not written while the batch waited: no flow twice.
    CHECK(packet_numbers(read_v5(h.dir / (day15 + "ft-v05.2009-10-15.235830+0000")).second) ==
          numbers_from(1, 5));
    CHECK(packet_numbers(read_v6(h.dir / (day15 + "ip6.2009-10-15.235830+0000")).second) ==
          numbers_from(1, 5));
}

TEST_CASE("a failed rename of the IPv6 file is retried", "[capture][archiver][ipv6]") {
    Harness h(every_5_minutes());
    h.archiver->accept(batch_of(3, 3), t0);
    const fs::path blocker = h.dir / (day15 + "ip6.2009-10-15.235830+0000");
    fs::create_directories(blocker / "x");
    h.archiver->rotate(t0 + 1);
    CHECK(h.archiver->renames_pending() == 1);
    CHECK(fs::exists(h.dir / (day15 + "ft-v05.2009-10-15.235830+0000")));
    fs::remove_all(blocker);
    h.archiver->tick(t0 + 2.5);
    CHECK(h.archiver->renames_pending() == 0);
    CHECK(read_v6(blocker).second.size() == 3);
}

TEST_CASE("a removed IPv6 file is counted and its period's v5 file finished",
          "[capture][archiver][ipv6]") {
    Harness h(every_5_minutes());
    h.archiver->accept(batch_of(4, 6), t0);
    const std::string ip6 = h.archiver->current_ipv6_file();
    fs::remove(h.dir / ip6);
    h.archiver->tick(t0 + 1.2);
    CHECK(h.archiver->flows_removed_with_open_file() == 6);
    CHECK(h.logged(ip6 + " was removed while open: 6 flows"));
    CHECK(read_v5(h.dir / (day15 + "ft-v05.2009-10-15.235830+0000")).second.size() == 4);
    // The next flows start a new pair.
    h.archiver->tick(t0 + 2.2);
    CHECK(h.archiver->accept(batch_of(1, 1), t0 + 2.3));
    // The removal closed the period; the next v5 file opened on that tick.
    CHECK(h.archiver->current_ipv6_file() == day15 + "tmp-ip6.2009-10-15.235831+0000");
}
