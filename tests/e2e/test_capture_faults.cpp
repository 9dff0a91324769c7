// Fault tests, end to end: the real flow-capture on a loopback port, under a
// steady load of numbered flows, while it is killed, its directory removed or
// made read-only, its exporter restarted, its router clock jumps, SIGHUPs
// rain on it, or spoofed exporters flood it.  Each test asserts what was kept
// and what was counted, and prints its figures ("FAULT ...") for the notes.
//
// Tests that mount, remount or set file attributes need root; without it they
// fail under CI and are skipped elsewhere (support/precondition.hpp).

#include <catch2/catch.hpp>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <regex>

#include "capture_process.hpp"
#include "fault_support.hpp"
#include "support/precondition.hpp"
#include "support/temp_dir.hpp"

using namespace std::chrono_literals;
using flowkeep_e2e::CaptureProcess;
using flowkeep_e2e::free_udp_port;
using flowkeep_e2e::ImmutableGuard;
using flowkeep_e2e::listen_arg;
using flowkeep_e2e::LoadSender;
using flowkeep_e2e::poll_until;
using flowkeep_e2e::read_stored;
using flowkeep_e2e::set_immutable;
using flowkeep_e2e::status_number;
using flowkeep_e2e::StoredFlows;
using flowkeep_e2e::Tmpfs;
using flowkeep_test::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t router = 0x7f000002;  // 127.0.0.2

std::unique_ptr<CaptureProcess> start_capture(const TempDir& dir, const fs::path& work,
                                              std::uint16_t port, std::vector<std::string> extra,
                                              const std::string& stderr_name = "capture.stderr") {
    std::vector<std::string> args = {"-N",
                                     "0",
                                     "-n",
                                     "0",
                                     "--flush-interval",
                                     "1",
                                     "--status-file",
                                     (dir / "status").string(),
                                     "-w",
                                     work.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(listen_arg(port));
    return flowkeep_e2e::start_foreground_capture(args, dir / stderr_name, 20s);
}

std::uint64_t status_of(const TempDir& dir, const std::string& key) {
    return status_number(dir / "status", key);
}

// The status file is rewritten every second: wait for the next rewrite.
void wait_status_rewrite(const TempDir& dir) {
    const auto before = status_of(dir, "updated");
    poll_until([&] { return status_of(dir, "updated") > before; }, 5s);
}

// Stops the load and waits until the status file counts every flow it
// sent, as taken in or as dropped at the queue.
void stop_load(LoadSender& load, const TempDir& dir) {
    load.stop();
    REQUIRE(flowkeep_e2e::wait_for_flows_taken_in(dir / "status", load.flows_sent(), 20s));
}

// Until a reader of the files below `work` sees a flow: the open file holds
// flows and has reached a flush point.
bool wait_for_stored_flow(const fs::path& work) {
    return poll_until([&] { return !read_stored(work).numbers.empty(); }, 20s);
}

bool wait_status(const TempDir& dir, const std::string& key, std::uint64_t value,
                 std::chrono::milliseconds timeout = 20s) {
    return flowkeep_e2e::wait_for_status(dir / "status", key, value, timeout);
}

bool need_root(const char* what) {
    return flowkeep_test::running_as_root(what);
}

std::string file_list(const StoredFlows& s) {
    std::string out;
    for (const auto& f : s.files) out += f.filename().string() + " ";
    return out;
}

}  // namespace

TEST_CASE(
    "kill -9 under load: every flow older than the flush interval survives, the leftover is "
    "finished on restart",
    "[e2e][faults]") {
    TempDir dir;
    const fs::path work = dir / "data";
    fs::create_directories(work);
    const auto port = free_udp_port();
    const std::vector<std::string> args = {"-V", "5"};
    auto capture = start_capture(dir, work, port, args);
    // 30 flows every 10 ms: 3000 flows/s.
    LoadSender load(port, router, 30, 10ms);
    load.start();
    REQUIRE(poll_until([&] { return status_of(dir, "flows") > 0; }, 10s));
    // Killed once more than 1000 flows were sent over 2 s earlier.
    REQUIRE(poll_until(
        [&] {
            return load.numbers_between(LoadSender::Clock::time_point::min(),
                                        LoadSender::Clock::now() - 2s)
                       .size() > 1000;
        },
        30s));
    const auto killed_at = LoadSender::Clock::now();
    capture->signal(SIGKILL);
    REQUIRE(capture->wait() == 128 + SIGKILL);

    // What the crash left, read while the load goes on into a closed port.
    StoredFlows crashed = read_stored(work);
    REQUIRE(crashed.files.size() == 1);
    REQUIRE(crashed.tmp_files == 1);
    // The flush interval is 1 s; one more second covers the batching (50 ms)
    // and a loaded machine's scheduling.
    const auto older = load.numbers_between(LoadSender::Clock::time_point::min(), killed_at - 2s);
    const auto last_two_seconds = load.numbers_between(killed_at - 2s, killed_at);
    const auto before_kill = load.numbers_between(LoadSender::Clock::time_point::min(), killed_at);
    const std::size_t missing_older = crashed.missing_of(older);
    const std::size_t kept_recent = last_two_seconds.size() - crashed.missing_of(last_two_seconds);
    std::printf(
        "FAULT kill -9 under load: 3000 flows/s, --flush-interval 1; sent before the kill "
        "%zu flows, in the leftover tmp- file %zu; of the %zu sent more than 2 s before "
        "the kill %zu missing; of the %zu sent in the last 2 s %zu kept\n",
        before_kill.size(), crashed.numbers.size(), older.size(), missing_older,
        last_two_seconds.size(), kept_recent);
    CHECK(older.size() > 1000);
    CHECK(missing_older == 0);
    CHECK(crashed.distinct().size() == crashed.numbers.size());

    std::this_thread::sleep_for(300ms);  // the load goes on while it is down
    auto restarted = start_capture(dir, work, port, args, "restart.stderr");
    REQUIRE(restarted->wait_for_log("recovered "));
    const auto restarted_at = LoadSender::Clock::now();
    std::this_thread::sleep_for(1500ms);  // the load goes on into the restarted capture
    load.stop();
    // The status file may still show the killed process's figures: ask the
    // socket instead whether the restarted one has read everything.
    REQUIRE(flowkeep_e2e::wait_for_datagrams_read(port, 20s));
    restarted->signal(SIGTERM);
    REQUIRE(restarted->wait() == 0);

    const StoredFlows after = read_stored(work);
    INFO(after.problems << file_list(after));
    CHECK(after.problems.empty());
    CHECK(after.tmp_files == 0);
    REQUIRE(after.files.size() == 2);
    // The leftover became an ft- file with exactly the flows it held.
    const auto& recovered = after.per_file.at(after.files[0]);
    CHECK(recovered == crashed.numbers);
    const auto after_restart = load.numbers_between(restarted_at + 200ms, LoadSender::Clock::now());
    const std::size_t sent_total = load.flows_sent();
    std::printf(
        "FAULT kill -9 restart: leftover finished as %s with %zu flows; after the restart "
        "%zu flows stored in the new file, %zu of those sent once it was back missing; "
        "sent in all %zu, stored %zu, lost while down %zu, uncounted (the new file's "
        "header: %llu lost flows, %llu sequencer resets)\n",
        after.files[0].filename().c_str(), recovered.size(),
        after.numbers.size() - recovered.size(), after.missing_of(after_restart), sent_total,
        after.numbers.size(), sent_total - after.numbers.size(),
        static_cast<unsigned long long>(after.header_lost_flows),
        static_cast<unsigned long long>(after.header_seq_resets));
    CHECK(after.missing_of(after_restart) == 0);
    // The flows sent while nothing listened are counted by no one: the new
    // process starts without sequence state, so its first datagram from the
    // exporter is just a first one (as with flow-tools).
    CHECK(after.header_lost_flows == 0);
}

TEST_CASE("the data directory removed while running: logged, counted, resumed when it is back",
          "[e2e][faults]") {
    TempDir dir;
    const fs::path work = dir / "data";
    fs::create_directories(work);
    const auto port = free_udp_port();
    auto capture = start_capture(dir, work, port, {"-V", "5", "-z", "0"});
    LoadSender load(port, router, 10, 20ms);  // 500 flows/s
    load.start();
    // Removed while its open file holds flows.
    REQUIRE(wait_for_stored_flow(work));
    fs::remove_all(work);
    REQUIRE(capture->wait_for_log("was removed while open", 10s));
    REQUIRE(capture->wait_for_log("is gone: holding flows", 10s));
    // Bounded memory: the writer holds what the queue holds, then the
    // receiver drops and counts.
    REQUIRE(poll_until([&] { return status_of(dir, "queue_dropped_datagrams") > 0; }, 20s));
    CHECK(status_of(dir, "disk_blocked") == 1);
    CHECK(capture->running());
    fs::create_directories(work);
    REQUIRE(capture->wait_for_log("is back: writing into it", 10s));
    REQUIRE(wait_status(dir, "disk_blocked", 0));
    const auto back = LoadSender::Clock::now();
    std::this_thread::sleep_for(1500ms);  // the load goes on into the directory once back
    stop_load(load, dir);
    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);

    const StoredFlows stored = read_stored(work);
    INFO(stored.problems << file_list(stored));
    CHECK(stored.problems.empty());
    CHECK(stored.tmp_files == 0);
    const std::uint64_t removed = status_of(dir, "flows_removed_with_open_file");
    const std::uint64_t dropped = status_of(dir, "queue_dropped_flows");
    const std::uint64_t kernel = status_of(dir, "kernel_drops");
    const auto after = load.numbers_between(back, LoadSender::Clock::now());
    std::printf(
        "FAULT work directory removed: sent %zu flows, stored %zu after it came back (%zu "
        "of the %zu sent once it was back missing), counted as lost: %llu written to the "
        "removed open file, %llu dropped at the full queue, %llu kernel drops\n",
        load.flows_sent(), stored.numbers.size(), stored.missing_of(after), after.size(),
        static_cast<unsigned long long>(removed), static_cast<unsigned long long>(dropped),
        static_cast<unsigned long long>(kernel));
    CHECK(removed > 0);
    CHECK(dropped > 0);
    CHECK(kernel == 0);
    CHECK(stored.missing_of(after) == 0);
    CHECK(stored.distinct().size() == stored.numbers.size());
    // Every flow is stored or counted, exactly.
    CHECK(stored.numbers.size() + removed + dropped == load.flows_sent());
}

TEST_CASE(
    "an immutable data directory: the rename and the next file wait, nothing is lost "
    "uncounted",
    "[e2e][faults]") {
    if (!need_root("chattr +i on the data directory")) return;
    TempDir dir;
    const fs::path work = dir / "data";
    fs::create_directories(work);
    ImmutableGuard guard{work};
    const auto port = free_udp_port();
    auto capture = start_capture(dir, work, port, {"-V", "5", "-z", "0"});
    LoadSender load(port, router, 10, 20ms);
    load.start();
    // The directory turns immutable once the open file holds flows.
    REQUIRE(wait_for_stored_flow(work));
    const int err = set_immutable(work, true);
    if (err != 0) load.stop();
    if (!flowkeep_test::precondition(
            err == 0, std::string("cannot set the immutable flag: ") + std::strerror(err)))
        return;
    // The open file stays writable; closing it cannot rename it, and no new
    // file can be created in the directory.
    capture->signal(SIGHUP);
    REQUIRE(capture->wait_for_log("keeps its tmp- name until it can be renamed", 10s));
    REQUIRE(capture->wait_for_log("cannot create: Operation not permitted; retrying", 10s));
    REQUIRE(poll_until([&] { return status_of(dir, "queue_dropped_datagrams") > 0; }, 20s));
    CHECK(status_of(dir, "renames_pending") == 1);
    CHECK(capture->running());
    REQUIRE(set_immutable(work, false) == 0);
    REQUIRE(capture->wait_for_log("renamed tmp-", 10s));
    REQUIRE(wait_status(dir, "disk_blocked", 0));
    const auto back = LoadSender::Clock::now();
    std::this_thread::sleep_for(1500ms);  // the load goes on into the writable directory
    stop_load(load, dir);
    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);

    const StoredFlows stored = read_stored(work);
    INFO(stored.problems << file_list(stored));
    CHECK(stored.problems.empty());
    CHECK(stored.tmp_files == 0);
    CHECK(stored.files.size() == 2);
    const std::uint64_t dropped = status_of(dir, "queue_dropped_flows");
    const auto after = load.numbers_between(back, LoadSender::Clock::now());
    std::printf(
        "FAULT immutable directory: sent %zu flows, stored %zu in %zu files (%zu of the "
        "%zu sent after it became writable missing), counted as lost: %llu dropped at "
        "the full queue, %llu kernel drops\n",
        load.flows_sent(), stored.numbers.size(), stored.files.size(), stored.missing_of(after),
        after.size(), static_cast<unsigned long long>(dropped),
        static_cast<unsigned long long>(status_of(dir, "kernel_drops")));
    CHECK(dropped > 0);
    CHECK(stored.missing_of(after) == 0);
    CHECK(stored.numbers.size() + dropped == load.flows_sent());
    // The exporter's sequence numbers show the same drops in the header.
    CHECK(stored.header_lost_flows + stored.header_seq_resets > 0);
}

TEST_CASE("a file system remounted read-only: logged, counted, resumed when it is writable again",
          "[e2e][faults]") {
    if (!need_root("remounting a tmpfs read-only")) return;
    TempDir dir;
    const fs::path work = dir / "data";
    Tmpfs disk(work, 16 * 1024 * 1024);
    if (!flowkeep_test::precondition(disk.mounted(), "cannot mount a tmpfs: " + disk.error()))
        return;
    const auto port = free_udp_port();
    {
        // Linux refuses to make a file system read-only while a file on it is
        // open for writing, which a capture always has: show it.
        auto capture = start_capture(dir, work, port, {"-V", "5"}, "busy.stderr");
        REQUIRE(poll_until([&] { return !read_stored(work).files.empty(); }, 10s));
        const int busy = disk.remount(true);
        std::printf("FAULT read-only remount with the capture's file open: %s\n",
                    busy == 0 ? "accepted" : std::strerror(busy));
        CHECK(busy == EBUSY);
        if (busy == 0) disk.remount(false);
        capture->signal(SIGTERM);
        REQUIRE(capture->wait() == 0);
    }
    // Without -V no file is open before the first flow: the remount goes
    // through, and the first flows meet a read-only file system.
    for (const auto& e : fs::directory_iterator(work)) fs::remove_all(e.path());
    auto capture = start_capture(dir, work, port, {"-z", "0"});
    REQUIRE(disk.remount(true) == 0);
    LoadSender load(port, router, 10, 20ms);
    load.start();
    REQUIRE(capture->wait_for_log("Read-only file system; retrying", 10s));
    REQUIRE(poll_until([&] { return status_of(dir, "queue_dropped_datagrams") > 0; }, 20s));
    CHECK(status_of(dir, "disk_blocked") == 1);
    CHECK(capture->running());
    REQUIRE(disk.remount(false) == 0);
    REQUIRE(wait_status(dir, "disk_blocked", 0));
    const auto back = LoadSender::Clock::now();
    std::this_thread::sleep_for(1500ms);  // the load goes on into the writable file system
    stop_load(load, dir);
    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);

    const StoredFlows stored = read_stored(work);
    INFO(stored.problems << file_list(stored));
    CHECK(stored.problems.empty());
    CHECK(stored.files.size() == 1);
    const std::uint64_t dropped = status_of(dir, "queue_dropped_flows");
    const auto after = load.numbers_between(back, LoadSender::Clock::now());
    std::printf(
        "FAULT read-only file system: sent %zu flows, stored %zu (%zu of the %zu sent "
        "after the rw remount missing), counted as lost: %llu dropped at the full "
        "queue, %llu kernel drops\n",
        load.flows_sent(), stored.numbers.size(), stored.missing_of(after), after.size(),
        static_cast<unsigned long long>(dropped),
        static_cast<unsigned long long>(status_of(dir, "kernel_drops")));
    CHECK(dropped > 0);
    CHECK(stored.missing_of(after) == 0);
    CHECK(stored.numbers.size() + dropped == load.flows_sent());
}

TEST_CASE(
    "an exporter restart counts one sequencer reset, a router clock jump changes no file "
    "name",
    "[e2e][faults]") {
    TempDir dir;
    const auto port = free_udp_port();
    const auto started = static_cast<std::uint32_t>(std::time(nullptr));
    auto capture = start_capture(dir, dir / "", port, {"-V", "5"});
    flowkeep_e2e::PduSender sender(port);
    std::uint32_t sequence = 0;
    std::uint32_t number = 1;
    std::vector<std::uint32_t> clocks;
    auto send = [&](std::uint32_t unix_secs, std::uint32_t uptime) {
        flowkeep_test::PduHeader h = flowkeep_test::example_header(5);
        h.flow_sequence = sequence;
        h.unix_secs = unix_secs;
        h.sysuptime = uptime;
        std::vector<flowkeep_test::PduFlow> flows(10, flowkeep_test::example_flow());
        for (auto& f : flows) f.srcaddr = number++;
        sender.send(router, flowkeep_test::build_pdu(h, flows));
        sequence += 10;
        clocks.push_back(unix_secs);
        std::this_thread::sleep_for(5ms);
    };
    const std::uint32_t now = started;
    for (int i = 0; i < 5; ++i) send(now, 3600000 + static_cast<std::uint32_t>(i) * 100);
    send(now + 86400, 3601000);  // the router's clock a day ahead
    send(now + 86400, 3601100);
    send(now - 86400, 3601200);  // and a day behind
    send(now, 3601300);
    // The exporter restarts: sequence from 0, sysUpTime near 0.
    sequence = 0;
    for (int i = 0; i < 5; ++i) send(now, 50 + static_cast<std::uint32_t>(i) * 100);
    REQUIRE(poll_until([&] { return status_of(dir, "flows") == 140; }, 10s));
    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);
    const auto ended = static_cast<std::uint32_t>(std::time(nullptr));

    const StoredFlows stored = read_stored(dir.path(), {"status"});
    REQUIRE(stored.files.size() == 1);
    const auto reader = flowfile::Reader::open(stored.files[0]);
    const flowfile::Header header = reader->header();
    std::set<std::uint32_t> record_clocks;
    for (auto b = reader->next_batch(); !b.empty(); b = reader->next_batch())
        for (const auto& r : b) record_clocks.insert(r.unix_secs);
    std::printf(
        "FAULT exporter restart and clock jumps: sent 140 flows in 14 PDUs (router clock "
        "+1 day twice, -1 day once, then a restart with sequence 0), stored %zu in %zu "
        "file (%s, capture start %u, collector clock %u..%u); header: %u sequencer "
        "resets, %u lost flows\n",
        stored.numbers.size(), stored.files.size(), stored.files[0].filename().c_str(),
        header.cap_start.value_or(0), started, ended, header.seq_resets.value_or(0),
        header.lost_flows.value_or(0));
    CHECK(stored.numbers.size() == 140);
    CHECK(header.seq_resets.value_or(99) == 1u);
    CHECK(header.lost_flows.value_or(99) == 0u);
    // The file is named and dated by the collector's clock.
    CHECK(header.cap_start.value_or(0) >= started);
    CHECK(header.cap_start.value_or(0) <= ended);
    // The router's times are stored as the router sent them.
    CHECK(record_clocks == std::set<std::uint32_t>{now - 86400, now, now + 86400});
    CHECK_THAT(capture->stderr_text(), Catch::Contains("expecting=90 received=0"));
}

TEST_CASE("a SIGHUP storm while receiving: no crash, no flow lost, every file finished",
          "[e2e][faults]") {
    TempDir dir;
    const fs::path work = dir / "data";
    fs::create_directories(work);
    const auto port = free_udp_port();
    auto capture = start_capture(dir, work, port, {"-V", "5"});
    LoadSender load(port, router, 30, 10ms);  // 3000 flows/s
    load.start();
    // The storm begins once a file is open, while the load is received.
    REQUIRE(poll_until([&] { return !flowkeep_e2e::flow_files(work).empty(); }, 20s));
    const auto storm_start = std::time(nullptr);
    for (int i = 0; i < 200; ++i) {
        capture->signal(SIGHUP);
        std::this_thread::sleep_for(5ms);
    }
    const auto storm_end = std::time(nullptr);
    std::this_thread::sleep_for(1500ms);  // the load goes on after the storm
    stop_load(load, dir);
    CHECK(capture->running());
    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);

    const StoredFlows stored = read_stored(work);
    INFO(stored.problems << file_list(stored));
    CHECK(stored.problems.empty());
    CHECK(stored.tmp_files == 0);
    const auto storm_seconds = static_cast<std::size_t>(storm_end - storm_start + 1);
    const std::string log = capture->stderr_text();
    std::size_t hups = 0;
    for (auto at = log.find("flow-capture: SIGHUP"); at != std::string::npos;
         at = log.find("flow-capture: SIGHUP", at + 1))
        ++hups;
    std::printf(
        "FAULT SIGHUP storm: 200 SIGHUPs in %zu distinct seconds while receiving 3000 "
        "flows/s; %zu SIGHUPs acted on (signals arriving together merge), %zu files, "
        "sent %zu flows, stored %zu, dropped %llu at the queue, %llu kernel drops\n",
        storm_seconds, hups, stored.files.size(), load.flows_sent(), stored.numbers.size(),
        static_cast<unsigned long long>(status_of(dir, "queue_dropped_flows")),
        static_cast<unsigned long long>(status_of(dir, "kernel_drops")));
    // One file per distinct second in which a SIGHUP found a file open (a
    // new file never reuses the previous one's second), plus the file open
    // when the storm began and the last one.
    CHECK(stored.files.size() >= 2);
    // The daemon acts on a signal up to a loop iteration later, which may
    // fall into the next second.
    CHECK(stored.files.size() <= storm_seconds + 3);
    CHECK(stored.numbers.size() == load.flows_sent());
    CHECK(stored.distinct().size() == stored.numbers.size());
}

TEST_CASE(
    "a flood from spoofed exporters is capped: memory stays flat, the limit is logged and "
    "counted",
    "[e2e][faults]") {
    TempDir dir;
    const fs::path work = dir / "data";
    fs::create_directories(work);
    const auto port = free_udp_port();
    auto capture = start_capture(dir, work, port, {"-V", "5"});
    flowkeep_e2e::PduSender sender(port);
    auto pdu = [](std::uint32_t sequence) {
        flowkeep_test::PduHeader h = flowkeep_test::example_header(5);
        h.flow_sequence = sequence;
        return flowkeep_test::build_pdu(
            h, std::vector<flowkeep_test::PduFlow>(30, flowkeep_test::example_flow()));
    };
    for (std::uint32_t i = 0; i < 20; ++i) sender.send(router, pdu(i * 30));
    REQUIRE(poll_until([&] { return status_of(dir, "flows") == 600; }, 10s));
    wait_status_rewrite(dir);
    const std::uint64_t rss_start = flowkeep_e2e::rss_kib(capture->pid());

    // Each wave: 6000 source addresses never seen before, 127.W.x.y, one
    // datagram of 30 flows each, each from its own socket bound to it.
    auto wave = [&](unsigned w) {
        for (unsigned i = 0; i < 6000; ++i) {
            flowkeep_e2e::PduSender spoofed(port);
            spoofed.send((127u << 24) | (w << 16) | (1 + i), pdu(0));
            if (i % 200 == 199) std::this_thread::sleep_for(10ms);
        }
        const auto datagrams = [&] {
            return status_of(dir, "datagrams") + status_of(dir, "kernel_drops");
        };
        // Every datagram is either taken or counted as dropped by the kernel.
        REQUIRE(poll_until([&] { return datagrams() >= 20 + 6000 * w; }, 20s));
        wait_status_rewrite(dir);
    };
    wave(1);
    const std::uint64_t rss_full = flowkeep_e2e::rss_kib(capture->pid());
    wave(2);
    const std::uint64_t rss_after = flowkeep_e2e::rss_kib(capture->pid());
    // The known exporter is still captured.
    for (std::uint32_t i = 20; i < 30; ++i) sender.send(router, pdu(i * 30));
    REQUIRE(poll_until(
        [&] { return status_of(dir, "datagrams") + status_of(dir, "kernel_drops") >= 12030; },
        20s));
    wait_status_rewrite(dir);
    const std::uint64_t accepted_flows = status_of(dir, "flows");

    const std::uint64_t exporters = status_of(dir, "exporters");
    const std::uint64_t refused = status_of(dir, "exporter_limit_datagrams");
    const std::uint64_t kernel = status_of(dir, "kernel_drops");
    std::printf(
        "FAULT spoofed exporter flood: 12000 datagrams from 12000 addresses of "
        "127.0.0.0/8 in two waves; exporter entries %llu (cap 4096), datagrams refused "
        "at the cap %llu (%llu flows), kernel drops %llu; RSS %llu KiB before, %llu "
        "after the first wave (table full), %llu after the second\n",
        static_cast<unsigned long long>(exporters), static_cast<unsigned long long>(refused),
        static_cast<unsigned long long>(status_of(dir, "exporter_limit_flows")),
        static_cast<unsigned long long>(kernel), static_cast<unsigned long long>(rss_start),
        static_cast<unsigned long long>(rss_full), static_cast<unsigned long long>(rss_after));
    CHECK(exporters == 4096);
    CHECK(refused + kernel >= 12000 - 4095);
    CHECK_THAT(capture->stderr_text(),
               Catch::Contains("exporter limit of 4096 reached: ignoring datagrams from new "
                               "exporters"));
    // With the table full, a second wave of new addresses costs nothing.
    CHECK(rss_after <= rss_full + 8 * 1024);
    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);
    const StoredFlows stored = read_stored(work);
    CHECK(stored.problems.empty());
    CHECK(stored.by_exporter.count(router) == 1);
    CHECK(stored.by_exporter.at(router) == 900);  // the known router's 30 PDUs, all of them
    // What the table took in was stored: one datagram of 30 flows from each
    // of the other 4095 entries, and nothing from the refused addresses.
    std::size_t spoofed = 0;
    std::size_t spoofed_flows = 0;
    for (const auto& [exporter, flows] : stored.by_exporter) {
        if (exporter == router) continue;
        ++spoofed;
        spoofed_flows += flows;
    }
    CHECK(spoofed == exporters - 1);
    CHECK(spoofed_flows == 30 * spoofed);
    CHECK(stored.numbers.size() == accepted_flows);
}

TEST_CASE(
    "the option --user: the capture runs as that user and group, files 0640 in 0750 directories",
    "[e2e][faults][privileges]") {
    if (!need_root("--user")) return;
    const passwd* nobody = ::getpwnam("nobody");
    if (!flowkeep_test::precondition(nobody != nullptr, "no user nobody")) return;
    const uid_t uid = nobody->pw_uid;
    const gid_t gid = nobody->pw_gid;
    TempDir dir;
    const fs::path work = dir / "data";
    fs::create_directories(work);
    REQUIRE(::chown(work.c_str(), uid, gid) == 0);
    // The status file goes where the user may write.
    const auto port = free_udp_port();
    std::vector<std::string> args = {"-D",
                                     "-V",
                                     "5",
                                     "-N",
                                     "3",
                                     "--user",
                                     "nobody",
                                     "--status-file",
                                     (work / "status").string(),
                                     "-w",
                                     work.string(),
                                     listen_arg(port)};
    CaptureProcess capture(args, dir / "capture.stderr");
    REQUIRE(capture.wait_for_log("running as user nobody", 20s));
    const std::string ids = std::to_string(uid) + "\t" + std::to_string(uid) + "\t" +
                            std::to_string(uid) + "\t" + std::to_string(uid);
    const std::string gids = std::to_string(gid) + "\t" + std::to_string(gid) + "\t" +
                             std::to_string(gid) + "\t" + std::to_string(gid);
    const std::string uid_line = flowkeep_e2e::proc_status_field(capture.pid(), "Uid");
    const std::string gid_line = flowkeep_e2e::proc_status_field(capture.pid(), "Gid");
    const std::string groups = flowkeep_e2e::proc_status_field(capture.pid(), "Groups");
    std::printf("FAULT --user nobody: /proc status Uid %s, Gid %s, Groups %s\n", uid_line.c_str(),
                gid_line.c_str(), groups.c_str());
    CHECK(uid_line == ids);
    CHECK(gid_line == gids);
    CHECK(groups == std::to_string(gid));
    flowkeep_e2e::PduSender sender(port);
    flowkeep_test::PduHeader h = flowkeep_test::example_header(5);
    sender.send(router, flowkeep_test::build_pdu(h, std::vector<flowkeep_test::PduFlow>(
                                                        5, flowkeep_test::example_flow())));
    REQUIRE(poll_until([&] { return status_number(work / "status", "flows") == 5; }, 10s));
    capture.signal(SIGTERM);
    REQUIRE(capture.wait() == 0);

    std::size_t files = 0, dirs = 0;
    for (const auto& e : fs::recursive_directory_iterator(work)) {
        struct stat st {};
        REQUIRE(::lstat(e.path().c_str(), &st) == 0);
        INFO(e.path());
        CHECK(st.st_uid == uid);
        CHECK(st.st_gid == gid);
        const std::string name = e.path().filename().string();
        if (S_ISDIR(st.st_mode)) {
            ++dirs;
            CHECK((st.st_mode & 07777) == 0750);
        } else if (name.rfind("ft-", 0) == 0) {
            ++files;
            CHECK((st.st_mode & 07777) == 0640);
        } else if (name == "status") {
            CHECK((st.st_mode & 07777) == 0644);  // monitoring reads it as another user
        }
    }
    CHECK(files == 1);
    CHECK(dirs == 3);  // -N 3: YYYY/YYYY-MM/YYYY-MM-DD
}

TEST_CASE(
    "the option --user as a daemon: the pidfile root wrote is emptied at exit when it cannot be "
    "removed",
    "[e2e][faults][privileges]") {
    if (!need_root("--user")) return;
    if (!flowkeep_test::precondition(::getpwnam("nobody") != nullptr, "no user nobody")) return;
    TempDir dir;
    const fs::path work = dir / "data";
    fs::create_directories(work);
    const passwd* nobody = ::getpwnam("nobody");
    REQUIRE(::chown(work.c_str(), nobody->pw_uid, nobody->pw_gid) == 0);
    const auto port = free_udp_port();
    const fs::path pid_path = dir.path() / ("run.pid." + std::to_string(port));
    CaptureProcess parent({"-V", "5", "--user", "nobody", "-p", (dir / "run.pid").string(), "-w",
                           work.string(), listen_arg(port)},
                          dir / "capture.stderr");
    REQUIRE(parent.wait() == 0);
    REQUIRE(poll_until([&] { return fs::exists(pid_path) && fs::file_size(pid_path) > 0; }, 10s));
    std::ifstream in(pid_path);
    pid_t daemon = 0;
    in >> daemon;
    REQUIRE(daemon > 0);
    REQUIRE(poll_until(
        [&] {
            return flowkeep_e2e::proc_status_field(daemon, "Uid")
                       .rfind(std::to_string(nobody->pw_uid) + "\t", 0) == 0;
        },
        10s));
    struct stat st {};
    REQUIRE(::stat(pid_path.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0644);
    parent.stop_daemon(daemon);
    CHECK(fs::exists(pid_path));
    CHECK(fs::file_size(pid_path) == 0);
}

TEST_CASE("the option --user refuses an unknown user with one line, before anything starts",
          "[e2e][faults][privileges]") {
    TempDir dir;
    CaptureProcess p({"-D", "--user", "no-such-user-flowkeep", "-w", dir.path().string(),
                      listen_arg(free_udp_port())},
                     dir / "err");
    CHECK(p.wait() == 1);
    CHECK(p.stderr_text() == "flow-capture: --user no-such-user-flowkeep: no such user\n");
}

TEST_CASE("file modes: 0640 and 0750 by default, the inherited umask with -u", "[e2e][faults]") {
    TempDir dir;
    const mode_t saved = ::umask(022);
    for (const bool keep : {false, true}) {
        const fs::path work = dir / (keep ? "with-u" : "default");
        fs::create_directories(work);
        const auto port = free_udp_port();
        std::vector<std::string> extra = {"-V", "5", "-N", "1"};
        if (keep) extra.push_back("-u");
        auto capture = start_capture(dir, work, port, extra, keep ? "u.stderr" : "d.stderr");
        REQUIRE(poll_until([&] { return !read_stored(work).files.empty(); }, 10s));
        capture->signal(SIGTERM);
        REQUIRE(capture->wait() == 0);
        const StoredFlows stored = read_stored(work);
        REQUIRE(stored.files.size() == 1);
        struct stat file {
        }, year{};
        REQUIRE(::stat(stored.files[0].c_str(), &file) == 0);
        REQUIRE(::stat(stored.files[0].parent_path().c_str(), &year) == 0);
        INFO((keep ? "with -u" : "default"));
        CHECK((file.st_mode & 0777) == (keep ? 0644u : 0640u));
        CHECK((year.st_mode & 0777) == (keep ? 0755u : 0750u));
    }
    ::umask(saved);
}
