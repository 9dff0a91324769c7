// End to end: the catch-up mode of flow-capture(8) ("writer behind (N
// batches waiting): compressing at level 1 until it catches up", status key
// catch_up_episodes).  The writer is made to fall behind by a disk that is
// full from the start (a small tmpfs): the archiver cannot open its file, so
// it keeps the batch it holds and every later one waits in the queue (64
// batches; the mode starts above 64/4 waiting).  Removing the filler lets the
// writer drain the queue, and the mode must last until the queue has been
// empty for 10 s.  No machine has to be slow for this.
//
// Mounting needs root; without it the tests fail under CI and are skipped
// elsewhere (support/precondition.hpp).

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <regex>
#include <set>

#include "capture/pdu_builder.hpp"
#include "capture_process.hpp"
#include "fault_support.hpp"
#include "pdu_sender.hpp"
#include "support/precondition.hpp"
#include "support/temp_dir.hpp"

using namespace std::chrono_literals;
using flowkeep_e2e::CaptureProcess;
using flowkeep_e2e::free_udp_port;
using flowkeep_e2e::PduSender;
using flowkeep_e2e::poll_until;
using flowkeep_e2e::read_status;
using flowkeep_e2e::read_stored;
using flowkeep_e2e::status_number;
using flowkeep_e2e::StoredFlows;
using flowkeep_e2e::Tmpfs;
using flowkeep_e2e::wait_for_status;
using flowkeep_test::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t router = 0x7f000002;  // 127.0.0.2

// The backlog both tests build while the disk is full.  The receiver hands a
// batch to the writer once it is 50 ms old, checked at least every 100 ms
// (its poll timeout): PDUs 150 ms apart land in a batch each.  32 batches
// pass the mode's threshold (more than 16 waiting) with room to spare, and
// stay below the 64 of the pool, so the receiver drops nothing.
constexpr int backlog_pdus = 32;
constexpr auto pdu_gap = 150ms;
constexpr std::uint16_t flows_per_pdu = 30;
// How long the queue must stay empty before the mode ends (capture_service.cpp).
constexpr auto catch_up_hold = 10s;

// A 2 MiB tmpfs on `target`, or nullptr when the test cannot run here.
std::unique_ptr<Tmpfs> mount_small_disk(const fs::path& target) {
    if (!flowkeep_test::running_as_root("the catch-up test mounts a tmpfs and")) return nullptr;
    auto m = std::make_unique<Tmpfs>(target, 2 * 1024 * 1024);
    if (!flowkeep_test::precondition(m->mounted(), "cannot mount a tmpfs on " + target.string() +
                                                       ": " + m->error() +
                                                       " (a container without CAP_SYS_ADMIN?)"))
        return nullptr;
    return m;
}

// Fills the file system holding `path` to the last block.
void fill(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    REQUIRE(fd >= 0);
    const std::vector<char> chunk(64 * 1024, 'x');
    while (::write(fd, chunk.data(), chunk.size()) > 0) {
    }
    const int err = errno;
    ::close(fd);
    REQUIRE(err == ENOSPC);
}

// One exporter whose flows carry their own number as source address, so
// the files show which flows arrived.
class NumberedFlows {
  public:
    explicit NumberedFlows(std::uint16_t port) : sender_(port) {}

    void send_pdu() {
        flowkeep_test::PduHeader h = flowkeep_test::example_header(5);
        h.flow_sequence = sequence_;
        std::vector<flowkeep_test::PduFlow> flows(flows_per_pdu, flowkeep_test::example_flow());
        for (auto& f : flows) {
            f.srcaddr = next_number_++;
            sent_.insert(f.srcaddr);
        }
        sender_.send(router, flowkeep_test::build_pdu(h, flows));
        sequence_ += flows_per_pdu;
    }

    void send_spaced(int pdus) {
        for (int i = 0; i < pdus; ++i) {
            send_pdu();
            std::this_thread::sleep_for(pdu_gap);
        }
    }

    const std::set<std::uint32_t>& sent() const { return sent_; }

  private:
    PduSender sender_;
    std::uint32_t sequence_ = 0;
    std::uint32_t next_number_ = 1;
    std::set<std::uint32_t> sent_;
};

std::unique_ptr<CaptureProcess> start_capture(const TempDir& dir, const fs::path& disk,
                                              std::uint16_t port,
                                              const std::vector<std::string>& extra) {
    std::vector<std::string> args = {
        "-V", "5", "-N", "0", "--status-file", (dir / "status").string(), "-w", disk.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(flowkeep_e2e::listen_arg(port));
    return flowkeep_e2e::start_foreground_capture(args, dir / "capture.stderr");
}

// Starts a capture on a full disk and sends the backlog while it stays
// full: every flow is received and none can be written.
void build_backlog(const fs::path& status, NumberedFlows& flows) {
    // The archiver could not open its first file.
    REQUIRE(wait_for_status(status, "disk_blocked", 1, 10s));
    flows.send_spaced(backlog_pdus);
    REQUIRE(wait_for_status(status, "flows", flows.sent().size(), 10s));
    CHECK(status_number(status, "disk_blocked") == 1);
}

// Every flow sent is stored once, none was dropped, every file is whole.
void check_no_flow_lost(const fs::path& disk, const fs::path& status, const NumberedFlows& flows) {
    const StoredFlows stored = read_stored(disk);
    INFO(stored.problems);
    CHECK(stored.problems.empty());
    CHECK(stored.tmp_files == 0);
    CHECK(stored.missing_of(flows.sent()) == 0);
    CHECK(stored.numbers.size() == flows.sent().size());  // nothing twice, nothing made up
    CHECK(stored.distinct() == flows.sent());
    const auto s = read_status(status);
    CHECK(s.at("queue_dropped_flows") == "0");
    CHECK(s.at("kernel_drops") == "0");
}

}  // namespace

TEST_CASE(
    "a writer behind compresses at level 1 until the queue stayed empty for 10 s, and loses no "
    "flow",
    "[e2e][catch-up]") {
    TempDir dir;
    const fs::path disk = dir / "disk";
    const auto mount = mount_small_disk(disk);
    if (!mount) return;
    fill(disk / "filler");
    const fs::path status = dir / "status";
    const auto port = free_udp_port();
    // The default -z (6): the mode has a level to leave.
    auto capture = start_capture(dir, disk, port, {});
    NumberedFlows flows(port);
    build_backlog(status, flows);

    const std::regex behind(
        "flow-capture: writer behind \\(([0-9]+) batches waiting\\): compressing at level 1 "
        "until it catches up\n");
    REQUIRE(capture->wait_for_log("writer behind", 5s));
    std::smatch m;
    const std::string log = capture->stderr_text();
    REQUIRE(std::regex_search(log, m, behind));
    const int waiting = std::stoi(m[1]);
    CHECK(waiting > 16);
    CHECK(waiting < 64);
    CHECK(wait_for_status(status, "catch_up_episodes", 1, 5s));
    CHECK_THAT(log, !Catch::Contains("caught up"));

    // Space returns: the queue drains at once; nothing is sent from here on,
    // so it stays empty.
    const auto freed = std::chrono::steady_clock::now();
    fs::remove(disk / "filler");
    REQUIRE(wait_for_status(status, "disk_blocked", 0, 10s));
    REQUIRE(poll_until(
        [&] { return capture->stderr_text().find("writer caught up") != std::string::npos; },
        catch_up_hold + 15s));
    const auto caught_up = std::chrono::steady_clock::now();
    std::printf("catch-up: began with %d batches waiting, ended %.1f s after space returned\n",
                waiting, std::chrono::duration<double>(caught_up - freed).count());
    // The queue cannot have been empty before the disk had room: the mode
    // lasted the whole hold after that.
    CHECK(caught_up - freed >= catch_up_hold);
    CHECK_THAT(capture->stderr_text(),
               Catch::Contains(
                   "flow-capture: writer caught up: compressing at the configured level again\n"));
    CHECK(status_number(status, "catch_up_episodes") == 1);

    // And capture goes on at the configured level.
    flows.send_spaced(3);
    REQUIRE(wait_for_status(status, "flows", flows.sent().size(), 10s));
    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);
    // One episode: the drain and the flows after it did not start another.
    CHECK(status_number(status, "catch_up_episodes") == 1);
    const std::string final_log = capture->stderr_text();
    CHECK(std::distance(std::sregex_iterator(final_log.begin(), final_log.end(), behind),
                        std::sregex_iterator()) == 1);
    check_no_flow_lost(disk, status, flows);
}

TEST_CASE("with -z 0 a writer behind the same backlog does not switch compression",
          "[e2e][catch-up]") {
    TempDir dir;
    const fs::path disk = dir / "disk";
    const auto mount = mount_small_disk(disk);
    if (!mount) return;
    fill(disk / "filler");
    const fs::path status = dir / "status";
    const auto port = free_udp_port();
    auto capture = start_capture(dir, disk, port, {"-z", "0"});
    NumberedFlows flows(port);
    // The writer checks the backlog every 100 ms while the disk is full:
    // with the default -z it would have switched by now.
    build_backlog(status, flows);

    fs::remove(disk / "filler");
    REQUIRE(wait_for_status(status, "disk_blocked", 0, 10s));
    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);
    CHECK(status_number(status, "catch_up_episodes") == 0);
    CHECK_THAT(capture->stderr_text(), !Catch::Contains("writer behind"));
    CHECK_THAT(capture->stderr_text(), !Catch::Contains("caught up"));
    check_no_flow_lost(disk, status, flows);
}
