// End to end: the real flow-capture binary on a loopback port, fed with
// datagrams, stopped with signals; what it left on disk is read back with
// libflowfile and compared with what the original flow-capture stored.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <fstream>
#include <regex>

#include "capture/pdu_builder.hpp"
#include "capture_process.hpp"
#include "fault_support.hpp"
#include "flowfile/error.hpp"
#include "flowfile/reader.hpp"
#include "flowfile/writer.hpp"
#include "old_archive.hpp"
#include "output/flow_export_text.hpp"
#include "pdu_sender.hpp"
#include "support/precondition.hpp"
#include "support/temp_dir.hpp"

using namespace std::chrono_literals;
using flowkeep_e2e::CaptureProcess;
using flowkeep_e2e::flow_files;
using flowkeep_e2e::free_udp_port;
using flowkeep_e2e::listen_arg;
using flowkeep_e2e::PduSender;
using flowkeep_e2e::poll_until;
using flowkeep_e2e::read_text;
using flowkeep_e2e::start_foreground_capture;
using flowkeep_e2e::wait_for_datagrams_read;
using flowkeep_test::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t router_a = 0x7f000002;  // 127.0.0.2
constexpr std::uint32_t router_b = 0x7f000003;  // 127.0.0.3

struct FileContent {
    flowfile::Header header;
    std::vector<flowfile::Record> records;
    flowfile::ReadStatus status;
};

FileContent read_flow_file(const fs::path& p) {
    auto r = flowfile::Reader::open(p);
    FileContent c;
    for (auto b = r->next_batch(); !b.empty(); b = r->next_batch())
        c.records.insert(c.records.end(), b.begin(), b.end());
    c.header = r->header();
    c.status = r->status();
    return c;
}

// The flows a reader of the only (open) file below `dir` sees: those before
// its last flush point.  0 while there is none yet or it is being created.
std::size_t records_in_open_file(const fs::path& dir) {
    const auto files = flow_files(dir);
    if (files.size() != 1) return 0;
    try {
        return read_flow_file(files[0]).records.size();
    } catch (const flowfile::Error&) {
        return 0;
    }
}

std::string this_host() {
    char buf[256] = {};
    ::gethostname(buf, sizeof buf - 1);
    return buf;
}

std::vector<std::uint8_t> v5_pdu(std::uint32_t sequence, std::size_t flows) {
    flowkeep_test::PduHeader h = flowkeep_test::example_header(5);
    h.flow_sequence = sequence;
    return flowkeep_test::build_pdu(
        h, std::vector<flowkeep_test::PduFlow>(flows, flowkeep_test::example_flow()));
}

}  // namespace

TEST_CASE("a golden export stream is stored as the original flow-capture stored it", "[e2e]") {
    TempDir dir;
    fs::create_directories(dir / "cap");
    const auto port = free_udp_port();
    auto capture = start_foreground_capture({"-V", "5", "-z", "0", "-N", "0", "-n", "0", "-w",
                                             (dir / "cap").string(), listen_arg(port)},
                                            dir / "capture.stderr");
    PduSender sender(port);
    CHECK(sender.send_stream(fs::path(FLOWKEEP_TEST_DATA) / "files/input_v5.pdustream") == 44);
    REQUIRE(wait_for_datagrams_read(port, 10s));
    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);

    const auto files = flow_files(dir / "cap");
    REQUIRE(files.size() == 1);
    CHECK(std::regex_match(files[0].filename().string(),
                           std::regex(R"(ft-v05\.\d{4}-\d\d-\d\d\.\d{6}[+-]\d{4})")));
    const FileContent c = read_flow_file(files[0]);
    CHECK(c.status.ok());
    CHECK(c.header.done());
    CHECK(c.header.flow_count == 1187u);
    CHECK(c.header.lost_flows == 0u);
    CHECK(c.header.corrupt_packets == 0u);
    CHECK(c.header.seq_resets == 0u);
    CHECK(c.header.hostname == this_host());
    CHECK_FALSE(c.header.compressed());
    CHECK(flowquery::render_export_f2(c.header, c.records) ==
          read_text(fs::path(FLOWKEEP_TEST_DATA) / "files/v5_z0/export_f2.csv"));

    const std::string log = capture->stderr_text();
    CHECK_THAT(log, Catch::Contains("flow-capture: New exporter: time="));
    CHECK_THAT(log, Catch::Contains("src_ip=127.0.0.2 dst_ip=127.0.0.1 d_version=5"));
    CHECK_THAT(log, Catch::Contains("src_ip=127.0.0.3 dst_ip=127.0.0.1 d_version=5"));
    CHECK_THAT(log, Catch::EndsWith("flow-capture: SIGTERM\n"));
}

TEST_CASE("lost flows, sequencer resets and corrupt datagrams reach the header", "[e2e]") {
    TempDir dir;
    const auto port = free_udp_port();
    auto capture = start_foreground_capture(
        {"-V", "5", "-n", "0", "-w", dir.path().string(), listen_arg(port)},
        dir / "capture.stderr");
    PduSender sender(port);
    sender.send(router_a, v5_pdu(100, 2));
    sender.send(router_a, v5_pdu(102, 2));
    sender.send(router_a, v5_pdu(111, 2));   // 7 lost
    sender.send(router_a, v5_pdu(5000, 2));  // too far: a sequencer reset
    sender.send(router_a, {1, 2, 3});        // corrupt
    REQUIRE(wait_for_datagrams_read(port, 10s));
    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);
    const auto files = flow_files(dir.path());
    REQUIRE(files.size() == 1);
    const FileContent c = read_flow_file(files[0]);
    CHECK(c.records.size() == 8);
    CHECK(c.header.lost_flows == 7u);
    CHECK(c.header.seq_resets == 1u);
    CHECK(c.header.corrupt_packets == 1u);
    CHECK(c.records[0].exaddr == router_a);
    const std::string log = capture->stderr_text();
    CHECK_THAT(log, Catch::Contains("expecting=104 received=111 lost=7"));
    CHECK_THAT(log, Catch::Contains("not enough bytes to decode the count and version."));
}

TEST_CASE("the remote address filter keeps one exporter and counts the others", "[e2e]") {
    TempDir dir;
    const auto port = free_udp_port();
    auto capture = start_foreground_capture(
        {"-V", "5", "-n", "0", "-N", "0", "-w", dir.path().string(), listen_arg(port, "127.0.0.2")},
        dir / "capture.stderr");
    PduSender sender(port);
    sender.send(router_a, v5_pdu(1, 3));
    sender.send(router_b, v5_pdu(1, 5));
    REQUIRE(wait_for_datagrams_read(port, 10s));
    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);
    const auto files = flow_files(dir.path());
    REQUIRE(files.size() == 1);
    const FileContent c = read_flow_file(files[0]);
    CHECK(c.records.size() == 3);
    CHECK(c.header.corrupt_packets == 1u);
    CHECK_THAT(capture->stderr_text(),
               Catch::Contains("Unexpected PDU: src_ip=127.0.0.3 not configured"));
}

TEST_CASE("SIGHUP finishes the file and the next flows go into a new one", "[e2e]") {
    TempDir dir;
    const auto port = free_udp_port();
    // A flush every second shows when the first flows are in the open file.
    auto capture = start_foreground_capture({"-V", "5", "-n", "0", "-N", "3", "--flush-interval",
                                             "1", "-w", dir.path().string(), listen_arg(port)},
                                            dir / "capture.stderr");
    PduSender sender(port);
    sender.send(router_a, v5_pdu(1, 4));
    REQUIRE(poll_until([&] { return records_in_open_file(dir.path()) == 4; }, 20s));
    capture->signal(SIGHUP);
    REQUIRE(capture->wait_for_log("flow-capture: SIGHUP"));
    // The next file is open (a new file never reuses the previous second's
    // name, so this may take until the next second).
    REQUIRE(poll_until([&] { return flow_files(dir.path()).size() == 2; }, 20s));
    sender.send(router_a, v5_pdu(5, 6));
    REQUIRE(wait_for_datagrams_read(port, 10s));
    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);
    const auto files = flow_files(dir.path());
    REQUIRE(files.size() == 2);
    // -N 3: YYYY/YYYY-MM/YYYY-MM-DD/
    const std::string rel = fs::relative(files[0], dir.path()).string();
    CHECK(std::regex_match(rel, std::regex(R"((\d{4})/\1-\d\d/\1-\d\d-\d\d/ft-v05\..*)")));
    CHECK(read_flow_file(files[0]).records.size() == 4);
    CHECK(read_flow_file(files[1]).records.size() == 6);
}

TEST_CASE("after kill -9 the flushed flows survive and the leftover is finished on restart",
          "[e2e]") {
    TempDir dir;
    const auto port = free_udp_port();
    const std::vector<std::string> args = {"-V",
                                           "5",
                                           "-n",
                                           "0",
                                           "-N",
                                           "0",
                                           "--flush-interval",
                                           "1",
                                           "-w",
                                           dir.path().string(),
                                           listen_arg(port)};
    auto capture = start_foreground_capture(args, dir / "capture.stderr");
    {
        PduSender sender(port);
        for (std::uint32_t i = 0; i < 10; ++i) sender.send(router_a, v5_pdu(i * 30, 30));
    }
    // Killed once a reader of the open file sees all 300: the next flush
    // point (1 s) has made them durable.
    bool flushed = false;
    for (int i = 0; i < 750 && !flushed; ++i) {
        try {
            const auto open_files = flow_files(dir.path());
            flushed = open_files.size() == 1 && read_flow_file(open_files[0]).records.size() == 300;
        } catch (const flowfile::Error&) {
            // The file is being created.
        }
        if (!flushed) std::this_thread::sleep_for(20ms);
    }
    REQUIRE(flushed);
    capture->signal(SIGKILL);
    REQUIRE(capture->wait() == 128 + SIGKILL);

    auto files = flow_files(dir.path());
    REQUIRE(files.size() == 1);
    REQUIRE(files[0].filename().string().rfind("tmp-", 0) == 0);
    const FileContent crashed = read_flow_file(files[0]);
    CHECK(crashed.records.size() == 300);  // every flow older than the flush interval
    CHECK_FALSE(crashed.header.done());

    // The restart's own file gets another name: its second is past the one
    // the leftover is named after.
    REQUIRE(
        poll_until([&] { return std::time(nullptr) > crashed.header.cap_start.value_or(0); }, 10s));
    auto restarted = start_foreground_capture(args, dir / "capture.stderr");
    REQUIRE(restarted->wait_for_log("recovered "));
    // With -V the restart opens its own file at its first tick; a SIGTERM
    // before that (a loaded machine) would leave only the recovered one.
    for (int i = 0; i < 500 && flow_files(dir.path()).size() < 2; ++i)
        std::this_thread::sleep_for(20ms);
    restarted->signal(SIGTERM);
    REQUIRE(restarted->wait() == 0);
    files = flow_files(dir.path());
    REQUIRE(files.size() == 2);
    for (const auto& f : files) CHECK(f.filename().string().rfind("ft-", 0) == 0);
    const FileContent recovered = read_flow_file(files[0]);
    CHECK(recovered.status.ok());
    CHECK(recovered.header.done());
    CHECK(recovered.header.flow_count == 300u);
    CHECK(recovered.records == crashed.records);
}

TEST_CASE("as a daemon it writes the pidfile flow-tools names and removes it on SIGTERM", "[e2e]") {
    TempDir dir;
    const auto port = free_udp_port();
    const fs::path pid_base = dir / "run.pid";
    const fs::path pid_path = dir.path() / ("run.pid." + std::to_string(port));
    CaptureProcess parent({"-V", "5", "-n", "0", "-p", pid_base.string(), "-w", dir.path().string(),
                           listen_arg(port)},
                          dir / "capture.stderr");
    CHECK(parent.wait() == 0);  // the parent returns at once
    for (int i = 0; i < 200 && !fs::exists(pid_path); ++i) std::this_thread::sleep_for(20ms);
    REQUIRE(fs::exists(pid_path));
    const pid_t daemon = std::stoi(read_text(pid_path));
    CHECK(read_text(pid_path) == std::to_string(daemon) + "\n");
    PduSender(port).send(router_a, v5_pdu(1, 2));
    REQUIRE(wait_for_datagrams_read(port, 10s));
    parent.stop_daemon(daemon);
    CHECK_FALSE(fs::exists(pid_path));
    const auto files = flow_files(dir.path());
    REQUIRE(files.size() == 1);
    CHECK(read_flow_file(files[0]).records.size() == 2);
}

TEST_CASE("expiry at start-up keeps at most -e finished files, oldest by header first", "[e2e]") {
    TempDir dir;
    const fs::path day = flowkeep_e2e::write_old_day(dir.path());
    const auto port = free_udp_port();
    auto capture = start_foreground_capture(
        {"-V", "5", "-n", "0", "-e", "2", "-w", dir.path().string(), listen_arg(port)},
        dir / "capture.stderr");
    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);
    CHECK_FALSE(fs::exists(day / "ft-v05.2009-10-15.000000+0000"));
    CHECK_FALSE(fs::exists(day / "ft-v05.2009-10-15.010000+0000"));
    CHECK(fs::exists(day / "ft-v05.2009-10-15.020000+0000"));
    CHECK(fs::exists(day / "ft-v05.2009-10-15.030000+0000"));
    CHECK_THAT(
        capture->stderr_text(),
        Catch::Contains(
            "flow-capture: remove/1 ./2009/2009-10/2009-10-15/ft-v05.2009-10-15.000000+0000"));
}

TEST_CASE("bad options stop the start with one line naming the problem", "[e2e]") {
    TempDir dir;
    CaptureProcess p({"-D", "-z", "12", "-w", dir.path().string(), "0/0/9995"}, dir / "err");
    CHECK(p.wait() == 1);
    const std::string err = p.stderr_text();
    CHECK(std::count(err.begin(), err.end(), '\n') == 1);
    CHECK_THAT(err, Catch::StartsWith("flow-capture: ") && Catch::Contains("-z"));

    CaptureProcess no_dir({"-D", "-w", (dir / "missing").string(), "0/0/9995"}, dir / "err2");
    CHECK(no_dir.wait() == 1);
    CHECK_THAT(no_dir.stderr_text(), Catch::Contains("chdir(" + (dir / "missing").string() +
                                                     "): No such file or directory"));
}

TEST_CASE("a flow-capture.conf given with --config starts one daemon per flow-capture.conf line",
          "[e2e]") {
    TempDir dir;
    const auto port1 = free_udp_port();
    const auto port2 = free_udp_port();
    fs::create_directories(dir / "r1");
    fs::create_directories(dir / "r2");
    {
        std::ofstream conf(dir / "flow-capture.conf");
        conf << "# one line per capture\n\n"
             << "-w " << (dir / "r1").string() << " -V 5 -N 0 -p " << (dir / "pid").string() << " "
             << listen_arg(port1) << "\n"
             << "-w " << (dir / "r2").string() << " -V 5 -N 0 -C \"edge r2\" -p "
             << (dir / "pid").string() << " " << listen_arg(port2) << "\n";
    }
    CaptureProcess starter({"--config", (dir / "flow-capture.conf").string()},
                           dir / "starter.stderr");
    REQUIRE(starter.wait() == 0);
    const fs::path pid1 = dir.path() / ("pid." + std::to_string(port1));
    const fs::path pid2 = dir.path() / ("pid." + std::to_string(port2));
    for (int i = 0; i < 250 && !(fs::exists(pid1) && fs::exists(pid2)); ++i)
        std::this_thread::sleep_for(20ms);
    REQUIRE(fs::exists(pid1));
    REQUIRE(fs::exists(pid2));
    PduSender(port1).send(router_a, v5_pdu(1, 2));
    PduSender(port2).send(router_b, v5_pdu(1, 3));
    REQUIRE(wait_for_datagrams_read(port1, 10s));
    REQUIRE(wait_for_datagrams_read(port2, 10s));
    for (const auto& p : {pid1, pid2}) {
        starter.stop_daemon(std::stoi(read_text(p)));
    }
    const auto r1 = flow_files(dir / "r1");
    const auto r2 = flow_files(dir / "r2");
    REQUIRE(r1.size() == 1);
    REQUIRE(r2.size() == 1);
    CHECK(read_flow_file(r1[0]).records.size() == 2);
    const FileContent c2 = read_flow_file(r2[0]);
    CHECK(c2.records.size() == 3);
    CHECK(c2.header.comments == std::string("edge r2"));
}

TEST_CASE("a flow-capture.conf with a bad line with a bad line before starting anything", "[e2e]") {
    TempDir dir;
    {
        std::ofstream conf(dir / "bad.conf");
        conf << "-w " << dir.path().string() << " 0/0/9995\n-w /x -z 99 0/0/9996\n";
    }
    CaptureProcess starter({"--config", (dir / "bad.conf").string()}, dir / "err");
    CHECK(starter.wait() == 1);
    CHECK(starter.stderr_text() == "flow-capture: " + (dir / "bad.conf").string() +
                                       ":2: -z 99: Compression level must be between 0 and 9\n");
}

TEST_CASE("the fast setting stores the same flows in a file flow-tools can read", "[e2e]") {
    if (!flowkeep_test::precondition(flowfile::igzip_available(),
                                     "built without ISA-L (libisal-dev): --fast not tested"))
        return;
    TempDir dir;
    fs::create_directories(dir / "cap");
    const auto port = free_udp_port();
    auto capture = start_foreground_capture(
        {"--fast", "-V", "5", "-N", "0", "-n", "0", "-w", (dir / "cap").string(), listen_arg(port)},
        dir / "capture.stderr");
    PduSender sender(port);
    sender.send_stream(fs::path(FLOWKEEP_TEST_DATA) / "files/input_v5.pdustream");
    REQUIRE(wait_for_datagrams_read(port, 10s));
    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);
    const auto files = flow_files(dir / "cap");
    REQUIRE(files.size() == 1);
    const FileContent c = read_flow_file(files[0]);
    CHECK(c.status.ok());
    CHECK(c.header.compressed());
    CHECK(flowquery::render_export_f2(c.header, c.records) ==
          read_text(fs::path(FLOWKEEP_TEST_DATA) / "files/v5_z0/export_f2.csv"));
}
