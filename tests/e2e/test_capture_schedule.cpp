// End to end: what flow-capture does on its own clock, not on a signal: the
// -S STAT lines at minute boundaries, -E expiry after a rotation while it
// runs, and the -n rotation at the wall-clock minute.  The clock is the real
// one, so the minute tests wait for the next minute (at most ~65 s).

#include <catch2/catch.hpp>

#include <ctime>
#include <regex>

#include "capture/pdu_builder.hpp"
#include "capture_process.hpp"
#include "fault_support.hpp"
#include "flowfile/archive.hpp"
#include "flowfile/block_index.hpp"
#include "flowfile/error.hpp"
#include "flowfile/reader.hpp"
#include "old_archive.hpp"
#include "pdu_sender.hpp"
#include "support/temp_dir.hpp"

using namespace std::chrono_literals;
using flowkeep_e2e::flow_files;
using flowkeep_e2e::free_udp_port;
using flowkeep_e2e::listen_arg;
using flowkeep_e2e::PduSender;
using flowkeep_e2e::poll_until;
using flowkeep_e2e::start_foreground_capture;
using flowkeep_test::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t router_a = 0x7f000002;  // 127.0.0.2
constexpr std::uint32_t router_b = 0x7f000003;  // 127.0.0.3

// Flows numbered first, first+1, ... in srcaddr, so a file shows which arrived.
std::vector<std::uint8_t> numbered_pdu(std::uint32_t sequence, std::uint32_t first,
                                       std::size_t flows) {
    flowkeep_test::PduHeader h = flowkeep_test::example_header(5);
    h.flow_sequence = sequence;
    h.unix_secs = static_cast<std::uint32_t>(std::time(nullptr));
    std::vector<flowkeep_test::PduFlow> f(flows, flowkeep_test::example_flow());
    for (std::size_t i = 0; i < flows; ++i) f[i].srcaddr = first + static_cast<std::uint32_t>(i);
    return flowkeep_test::build_pdu(h, f);
}

struct FileContent {
    flowfile::Header header;
    std::multiset<std::uint32_t> numbers;
};

FileContent read_flow_file(const fs::path& p) {
    auto r = flowfile::Reader::open(p);
    FileContent c;
    for (auto b = r->next_batch(); !b.empty(); b = r->next_batch())
        for (const auto& rec : b) c.numbers.insert(rec.srcaddr);
    c.header = r->header();
    return c;
}

std::multiset<std::uint32_t> numbers(std::uint32_t first, std::uint32_t count) {
    std::multiset<std::uint32_t> out;
    for (std::uint32_t n = first; n < first + count; ++n) out.insert(n);
    return out;
}

int local_second_of_minute(std::time_t t) {
    std::tm tm{};
    ::localtime_r(&t, &tm);
    return tm.tm_sec;
}

// The first local minute boundary after `t`.
std::time_t next_local_minute(std::time_t t) {
    return t + (60 - local_second_of_minute(t));
}

// The tests that wait for a minute boundary start early in a minute, so
// that the flows they send before it cannot straddle it (waits at most ~8 s).
void wait_for_early_in_minute() {
    REQUIRE(poll_until([] { return local_second_of_minute(std::time(nullptr)) < 50; }, 15s));
}

bool is_tmp(const fs::path& p) {
    return p.filename().string().rfind("tmp-", 0) == 0;
}

std::time_t created_at(const fs::path& p) {
    std::string name = p.filename().string();
    if (name.rfind("tmp-", 0) == 0) name = "ft-" + name.substr(4);
    const auto parsed = flowfile::parse_file_name(name);
    REQUIRE(parsed);
    return static_cast<std::time_t>(parsed->creation_time());
}

}  // namespace

TEST_CASE("with -S 1 a STAT line per exporter, newest first, comes at the next minute",
          "[e2e][schedule]") {
    TempDir dir;
    wait_for_early_in_minute();
    const std::time_t before_start = std::time(nullptr);
    const auto port = free_udp_port();
    auto capture = start_foreground_capture(
        {"-V", "5", "-N", "0", "-n", "0", "-S", "1", "-w", dir.path().string(), listen_arg(port)},
        dir / "capture.stderr");
    const std::time_t after_start = std::time(nullptr);
    const std::time_t boundary = next_local_minute(after_start);
    const auto log_has = [&](const std::string& text) {
        return capture->stderr_text().find(text) != std::string::npos;
    };

    // The first loop iteration prints at once, but only exporters known by
    // then: the receiving thread's first 100 ms poll may or may not see this
    // datagram.  Either way the first iteration is over once the datagram was
    // decoded and a second has passed without a line.
    PduSender sender(port);
    sender.send(router_a, numbered_pdu(0, 1, 10));
    REQUIRE(poll_until([&] { return log_has("New exporter: time="); }, 10s));
    const std::string first_a =
        "src_ip=127.0.0.2 dst_ip=127.0.0.1 d_ver=5 pkts=1 flows=10 lost=0 reset=0 filter_drops=0";
    const bool seen_at_first_iteration = poll_until([&] { return log_has(first_a); }, 1s);

    sender.send(router_a, numbered_pdu(10, 11, 10));
    sender.send(router_a, numbered_pdu(25, 21, 10));  // 5 lost
    sender.send(router_b, numbered_pdu(1, 31, 2));
    sender.send(router_b, numbered_pdu(5000, 33, 2));  // too far: a sequencer reset
    REQUIRE(std::time(nullptr) < boundary);            // all of them before the minute ends

    // router_b's line comes right before router_a's: both present means the
    // whole group is out.
    const std::string full_a =
        "src_ip=127.0.0.2 dst_ip=127.0.0.1 d_ver=5 pkts=3 flows=30 lost=5 reset=0 filter_drops=0";
    const std::string full_b =
        "src_ip=127.0.0.3 dst_ip=127.0.0.1 d_ver=5 pkts=2 flows=4 lost=0 reset=1 filter_drops=0";
    REQUIRE(poll_until([&] { return log_has(full_a) && log_has(full_b); },
                       std::chrono::seconds(boundary - std::time(nullptr) + 10)));
    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);

    const std::string log = capture->stderr_text();
    const std::regex stat(
        R"(flow-capture: STAT: now=(\d+) startup=(\d+) src_ip=(\S+) dst_ip=127\.0\.0\.1 d_ver=5 pkts=\d+ flows=\d+ lost=\d+ reset=\d+ filter_drops=\d+\n)");
    std::vector<std::smatch> lines;
    for (auto it = std::sregex_iterator(log.begin(), log.end(), stat); it != std::sregex_iterator();
         ++it)
        lines.push_back(*it);
    REQUIRE(lines.size() == (seen_at_first_iteration ? 3u : 2u));
    const std::size_t g = lines.size() - 2;  // the group at the boundary
    const std::time_t now = std::stoll(lines[g][1]);
    const std::time_t startup = std::stoll(lines[g][2]);
    CHECK(startup >= before_start);
    CHECK(startup <= after_start);
    // The loop wakes at least every 100 ms: the line comes in the minute's
    // first seconds.
    CHECK(now >= boundary);
    CHECK(now <= boundary + 2);
    CHECK(std::stoll(lines[g + 1][1]) == now);
    CHECK(lines[g][3] == "127.0.0.3");  // newest exporter first
    CHECK(lines[g + 1][3] == "127.0.0.2");
    const std::string prefix =
        "flow-capture: STAT: now=" + std::to_string(now) + " startup=" + std::to_string(startup);
    CHECK_THAT(log, Catch::Contains(prefix + " " + full_b + "\n" + prefix + " " + full_a + "\n"));
    if (seen_at_first_iteration) {
        CHECK(std::stoll(lines[0][2]) == startup);
        CHECK(std::stoll(lines[0][1]) - startup <= 1);
        CHECK(lines[0].str().find(first_a) != std::string::npos);
    }
}

namespace {

// Flows 1..count from router_a, in as many v5 datagrams as that takes.
void send_flows(std::uint16_t port, std::size_t count) {
    PduSender sender(port);
    for (std::uint32_t sent = 0; sent < count;) {
        const std::uint32_t n =
            std::min<std::uint32_t>(30, static_cast<std::uint32_t>(count) - sent);
        sender.send(router_a, numbered_pdu(sent, sent + 1, n));
        sent += n;
    }
}

// The size of the file a capture with `args` writes for `flows` flows from
// one exporter, to set an -E limit in flow-capture's own byte counts (the
// header holds this host's name).
// A finished file's size, and with its block index (flow-index(5)) beside
// it: -E counts both.
struct FinishedSize {
    std::uintmax_t data = 0;
    std::uintmax_t on_disk = 0;
};

std::uintmax_t size_on_disk(const fs::path& file) {
    const fs::path index = flowfile::index_path_of(file);
    return fs::file_size(file) + (fs::exists(index) ? fs::file_size(index) : 0);
}

FinishedSize finished_file_size(const fs::path& dir, std::vector<std::string> args,
                                std::size_t flows) {
    fs::create_directories(dir);
    const auto port = free_udp_port();
    const fs::path status = dir / "status";
    args.insert(args.end(),
                {"--status-file", status.string(), "-w", (dir / "cap").string(), listen_arg(port)});
    fs::create_directories(dir / "cap");
    auto capture = start_foreground_capture(args, dir / "capture.stderr");
    send_flows(port, flows);
    REQUIRE(flowkeep_e2e::wait_for_status(status, "flows", flows, 10s));
    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);
    const auto files = flow_files(dir / "cap");
    REQUIRE(files.size() == 1);
    REQUIRE(read_flow_file(files[0]).numbers.size() == flows);
    return {.data = fs::file_size(files[0]), .on_disk = size_on_disk(files[0])};
}

// What a reader sees of a file being written; 0 while it is being created.
std::size_t readable_records(const fs::path& p) {
    try {
        return read_flow_file(p).numbers.size();
    } catch (const flowfile::Error&) {
        return 0;
    }
}

}  // namespace

TEST_CASE("with -E a rotation removes the oldest files until the rest fit, keeping the new ones",
          "[e2e][schedule]") {
    TempDir dir;
    const std::vector<std::string> common = {
        "-V", "5", "-z", "0", "-N", "3", "-n", "0", "--flush-interval", "1"};
    constexpr std::size_t flows = 40;
    const FinishedSize finished = finished_file_size(dir / "probe", common, flows);

    const fs::path work = dir / "work";
    const fs::path day = flowkeep_e2e::write_old_day(work);
    std::vector<fs::path> old;  // oldest first, by name and by header alike
    for (int i = 0; i < 4; ++i)
        old.push_back(day / ("ft-v05.2009-10-15.0" + std::to_string(i) + "0000+0000"));
    const std::uintmax_t old_size = fs::file_size(old[0]);
    for (const auto& p : old) REQUIRE(fs::file_size(p) == old_size);
    // Room for the new file and two and a half old ones: the rotation must
    // remove the two oldest, the start-up nothing.
    const std::uintmax_t limit = finished.on_disk + 2 * old_size + old_size / 2;
    REQUIRE(4 * old_size <= limit);

    const auto port = free_udp_port();
    const fs::path status = dir / "status";
    std::vector<std::string> args = common;
    args.insert(args.end(), {"-E", std::to_string(limit), "--status-file", status.string(), "-w",
                             work.string(), listen_arg(port)});
    auto capture = start_foreground_capture(args, dir / "capture.stderr");
    send_flows(port, flows);
    // Rotated once the flows are on disk in the open file, so that it is
    // the size the probe measured.
    fs::path open_file;
    REQUIRE(poll_until(
        [&] {
            for (const auto& f : flow_files(work))
                if (is_tmp(f) && readable_records(f) == flows) {
                    open_file = f;
                    return true;
                }
            return false;
        },
        10s));
    for (const auto& p : old) CHECK(fs::exists(p));  // start-up expiry: all fit
    const fs::path finished_path =
        open_file.parent_path() / ("ft-" + open_file.filename().string().substr(4));

    capture->signal(SIGHUP);
    REQUIRE(poll_until([&] { return fs::exists(finished_path); }, 10s));
    REQUIRE(poll_until([&] { return !fs::exists(old[1]); }, 10s));
    // The next file is open beside the kept ones.
    REQUIRE(poll_until([&] { return flow_files(work).size() == 4; }, 10s));
    const auto during = flow_files(work);

    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);
    CHECK_FALSE(fs::exists(old[0]));
    CHECK_FALSE(fs::exists(old[1]));
    CHECK(fs::exists(old[2]));
    CHECK(fs::exists(old[3]));
    REQUIRE(fs::exists(finished_path));
    CHECK(fs::file_size(finished_path) == finished.data);
    CHECK(read_flow_file(finished_path).numbers == numbers(1, flows));
    CHECK(std::count_if(during.begin(), during.end(), is_tmp) == 1);
    CHECK(fs::file_size(old[2]) + fs::file_size(old[3]) + size_on_disk(finished_path) <= limit);
    // Only as many as needed: with the younger of the removed ones it did not fit.
    CHECK(old_size + fs::file_size(old[2]) + fs::file_size(old[3]) + size_on_disk(finished_path) >
          limit);
    const std::string log = capture->stderr_text();
    CHECK_THAT(log, Catch::Contains("flow-capture: remove/2 ./2009/2009-10/2009-10-15/"
                                    "ft-v05.2009-10-15.000000+0000\n"
                                    "flow-capture: remove/2 ./2009/2009-10/2009-10-15/"
                                    "ft-v05.2009-10-15.010000+0000\n"));
    CHECK(log.find("remove/2 ./2009/2009-10/2009-10-15/ft-v05.2009-10-15.020000") ==
          std::string::npos);
    CHECK(log.find("remove/1") == std::string::npos);
}

TEST_CASE("with -n 1439 a new file starts at the next wall-clock minute", "[e2e][schedule]") {
    TempDir dir;
    wait_for_early_in_minute();
    const auto port = free_udp_port();
    const fs::path status = dir / "status";
    auto capture =
        start_foreground_capture({"-V", "5", "-z", "0", "-N", "0", "-n", "1439", "--status-file",
                                  status.string(), "-w", dir.path().string(), listen_arg(port)},
                                 dir / "capture.stderr");
    // With -V the first file is opened at once, without traffic.
    REQUIRE(poll_until([&] { return flow_files(dir.path()).size() == 1; }, 10s));
    const fs::path first_open = flow_files(dir.path())[0];
    REQUIRE(is_tmp(first_open));
    const std::time_t first_created = created_at(first_open);
    const std::time_t boundary = next_local_minute(first_created);

    PduSender sender(port);
    sender.send(router_a, numbered_pdu(0, 1, 7));
    REQUIRE(std::time(nullptr) < boundary - 1);  // well before the minute ends
    REQUIRE(flowkeep_e2e::wait_for_status(status, "flows", 7, 10s));

    // Finished at the boundary, the next one opened right after it.
    const fs::path first_done = dir.path() / ("ft-" + first_open.filename().string().substr(4));
    fs::path second_open;
    REQUIRE(poll_until(
        [&] {
            const auto files = flow_files(dir.path());
            if (files.size() != 2 || !fs::exists(first_done)) return false;
            for (const auto& f : files)
                if (is_tmp(f)) second_open = f;
            return !second_open.empty();
        },
        std::chrono::seconds(boundary - std::time(nullptr) + 10)));
    CHECK(std::time(nullptr) >= boundary);  // not before
    const std::time_t second_created = created_at(second_open);
    CHECK(second_created >= boundary);
    CHECK(second_created <= boundary + 2);

    sender.send(router_a, numbered_pdu(7, 101, 11));
    REQUIRE(flowkeep_e2e::wait_for_status(status, "flows", 18, 10s));
    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);

    const auto files = flow_files(dir.path());
    REQUIRE(files.size() == 2);
    const fs::path second_done = dir.path() / ("ft-" + second_open.filename().string().substr(4));
    REQUIRE(fs::exists(first_done));
    REQUIRE(fs::exists(second_done));
    const FileContent first = read_flow_file(first_done);
    const FileContent second = read_flow_file(second_done);
    CHECK(first.numbers == numbers(1, 7));
    CHECK(second.numbers == numbers(101, 11));
    CHECK(first.header.done());
    CHECK(first.header.cap_start == static_cast<std::uint32_t>(first_created));
    CHECK(first.header.cap_end >= static_cast<std::uint32_t>(boundary));
    CHECK(first.header.cap_end <= static_cast<std::uint32_t>(boundary + 2));
    CHECK(second.header.cap_start == static_cast<std::uint32_t>(second_created));
}
