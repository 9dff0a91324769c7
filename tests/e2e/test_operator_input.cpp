// End to end: what an operator types or points at the daemon by mistake.
// Bad addresses stop flow-capture with one line; NetFlow v9 is counted, not
// called corrupt, and does not flood the log; a dry-run expiry says it
// removed nothing; flow-capture-status names what was wrong with its
// command line.

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "capture/pdu_builder.hpp"
#include "capture_process.hpp"
#include "command_output.hpp"
#include "fault_support.hpp"
#include "flowfile/reader.hpp"
#include "old_archive.hpp"
#include "pdu_sender.hpp"
#include "support/temp_dir.hpp"

using namespace std::chrono_literals;
using flowkeep_e2e::CaptureProcess;
using flowkeep_e2e::CommandOutput;
using flowkeep_e2e::flow_files;
using flowkeep_e2e::free_udp_port;
using flowkeep_e2e::listen_arg;
using flowkeep_e2e::PduSender;
using flowkeep_e2e::run_command;
using flowkeep_e2e::run_status_check;
using flowkeep_e2e::start_foreground_capture;
using flowkeep_test::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t router = 0x7f000002;  // 127.0.0.2

std::size_t lines_in(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

std::size_t lines_containing(const std::string& text, const std::string& part) {
    std::istringstream in(text);
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);)
        if (line.find(part) != std::string::npos) ++n;
    return n;
}

// A status file as a live daemon (this test process) writes it.
void write_live_status(const fs::path& p) {
    const auto now = std::to_string(std::time(nullptr));
    std::ofstream(p) << "pid=" << ::getpid() << "\nupdated=" << now << "\nstarted=" << now
                     << "\nlast_flow=" << now << "\nflows=10\n";
}

}  // namespace

TEST_CASE("an address with an octet over 255 stops flow-capture with one line", "[e2e][options]") {
    TempDir dir;
    const std::string port = std::to_string(free_udp_port());
    struct Case {
        std::string argument;
        std::string named;
    };
    for (const Case& c : {Case{"300.1.1.1/0/" + port, "local address \"300.1.1.1\": octet 300"},
                          Case{"0/10.0.0.300/" + port, "remote address \"10.0.0.300\": octet 300"},
                          Case{"0x7f.0.0.1/0/" + port, "local address \"0x7f.0.0.1\""}}) {
        INFO(c.argument);
        CaptureProcess p({"-D", "-w", dir.path().string(), c.argument}, dir / "err");
        CHECK(p.wait() == 1);
        const std::string err = p.stderr_text();
        CHECK(lines_in(err) == 1);
        CHECK_THAT(err, Catch::StartsWith("flow-capture: ") &&
                            Catch::Contains("localip/remoteip/port \"" + c.argument + "\"") &&
                            Catch::Contains(c.named));
        CHECK(flow_files(dir.path()).empty());
    }
    // flow-tools' short forms still start a capture: 127.1 is 127.1.0.0 (a
    // loopback address Linux binds), 10 is 10.0.0.0.
    CaptureProcess ok({"-D", "-w", dir.path().string(), "127.1/10/" + port}, dir / "ok");
    CHECK(ok.wait_for_log("setsockopt(size="));
    ok.signal(SIGTERM);
    CHECK(ok.wait() == 0);
}

TEST_CASE("500 malformed NetFlow v9 datagrams: a line or two naming the damage, counted as corrupt",
          "[e2e]") {
    TempDir dir;
    const fs::path status = dir / "status";
    const auto port = free_udp_port();
    auto capture = start_foreground_capture({"-V", "5", "-n", "0", "--status-file", status.string(),
                                             "-w", dir.path().string(), listen_arg(port)},
                                            dir / "capture.stderr");

    // A v5 PDU under version 9: its bytes frame as a set running past the
    // datagram, so every one is rejected.
    std::vector<std::uint8_t> v9 = flowkeep_test::build_pdu(flowkeep_test::example_header(5), 1);
    v9[0] = 0;
    v9[1] = 9;
    PduSender sender(port);
    sender.send(router, flowkeep_test::build_pdu(flowkeep_test::example_header(5), 2));
    for (int i = 0; i < 500; ++i) {
        sender.send(router, v9);
        if (i % 50 == 49) std::this_thread::sleep_for(5ms);  // stay clear of the socket buffer
    }
    REQUIRE(flowkeep_e2e::poll_until(
        [&] { return flowkeep_e2e::read_status(status)["corrupt_packets"] == "500"; }, 10s));
    const auto counted = flowkeep_e2e::read_status(status);
    CHECK(counted.at("template_datagrams") == "0");
    CHECK(counted.at("datagrams") == "501");
    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);

    const std::string log = capture->stderr_text();
    INFO(log);
    // flow-tools (and flowkeep before) logged two lines per datagram: 1000.
    CHECK(lines_in(log) < 10);
    CHECK(lines_containing(log, "NetFlow v9 datagram from 127.0.0.2 rejected: ") >= 1);
    // The first, maybe a minute's summary.
    CHECK(lines_containing(log, "NetFlow v9 datagram from 127.0.0.2 rejected: ") <= 2);
    CHECK_THAT(log, Catch::Contains("flow-capture: NetFlow v9 datagram from 127.0.0.2 rejected: "
                                    "set 258 at byte 20 runs past the end"));
    CHECK(lines_containing(log, "ftpdu version not set.") == 0);

    const auto files = flow_files(dir.path());
    REQUIRE(files.size() == 1);
    auto reader = flowfile::Reader::open(files[0]);
    std::size_t flows = 0;
    for (auto b = reader->next_batch(); !b.empty(); b = reader->next_batch()) flows += b.size();
    CHECK(flows == 2);
    CHECK(reader->header().corrupt_packets == 500u);

    // The check reports the counter among its perfdata.
    const CommandOutput check = run_status_check("--status-file '" + status.string() + "'");
    CHECK_THAT(check.out, Catch::Contains(" corrupt_packets=500c "));
}

TEST_CASE("a dry-run expiry (-d 1) says it removed nothing and removes nothing", "[e2e]") {
    TempDir dir;
    const fs::path day = flowkeep_e2e::write_old_day(dir.path());
    const auto port = free_udp_port();
    auto capture = start_foreground_capture(
        {"-d", "1", "-V", "5", "-n", "0", "-e", "2", "-w", dir.path().string(), listen_arg(port)},
        dir / "capture.stderr");
    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);
    for (int i = 0; i < 4; ++i)
        CHECK(fs::exists(day / ("ft-v05.2009-10-15.0" + std::to_string(i) + "0000+0000")));
    const std::string log = capture->stderr_text();
    CHECK_THAT(log, Catch::Contains("flow-capture: would remove/1 "
                                    "./2009/2009-10/2009-10-15/ft-v05.2009-10-15.000000+0000 "
                                    "(dry run with -d: not removed)"));
    CHECK_THAT(log, Catch::Contains("flow-capture: would remove/1 "
                                    "./2009/2009-10/2009-10-15/ft-v05.2009-10-15.010000+0000 "
                                    "(dry run with -d: not removed)"));
    // Nothing a log watcher would read as a removal that happened.
    CHECK(lines_containing(log, "flow-capture: remove/") == 0);
}

TEST_CASE("flow-capture-status names what is wrong with its command line", "[e2e][status]") {
    TempDir dir;
    const fs::path status = dir / "status";
    write_live_status(status);
    const std::string file = " --status-file '" + status.string() + "'";

    SECTION("-w takes seconds or a unit; a bad value is one UNKNOWN line") {
        const auto minutes = run_status_check(file + " -w 5m");
        CHECK(minutes.exit_code == 0);
        CHECK_THAT(minutes.out, Catch::Contains("last_flow_age=0s;300;900;0"));
        for (const std::string value : {"5x", "0", "0x10", "1e3", "99999999999999999999"}) {
            INFO(value);
            const auto bad = run_status_check(file + " -w " + value);
            CHECK(bad.exit_code == 3);
            CHECK(lines_in(bad.out) == 1);
            CHECK_THAT(bad.out, Catch::StartsWith("FLOWKEEP UNKNOWN - --warning " + value + ": "));
            CHECK(bad.out.size() < 200);  // not a 300-digit range
        }
        CHECK_THAT(run_status_check(file + " -c 2h").out, Catch::Contains(";300;7200;0"));
    }
    SECTION("a misspelt option is named, not reported as a missing --status-file") {
        const auto r = run_status_check("--statusfile '" + status.string() + "'");
        CHECK(r.exit_code == 3);
        CHECK(r.out == "FLOWKEEP UNKNOWN - unknown option --statusfile (see --help)\n");
        const auto none = run_status_check("");
        CHECK(none.exit_code == 3);
        CHECK(none.out == "FLOWKEEP UNKNOWN - --status-file is required (see --help)\n");
    }
    SECTION("--version prints the version like flow-capture --version") {
        const auto r = run_status_check("--version");
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Matches("flowkeep [0-9]+\\.[0-9]+\\.[0-9]+\n"));
        const auto capture_version = run_command(FLOW_CAPTURE_BIN, "--version");
        CHECK(capture_version.exit_code == 0);
        CHECK(r.out == capture_version.out);
    }
    SECTION("an unwritable --state-file is UNKNOWN, as the manual says") {
        const auto r =
            run_status_check(file + " --state-file '" + (dir / "no/such/dir").string() + "'");
        CHECK(r.exit_code == 3);
        CHECK_THAT(r.out, Catch::StartsWith("FLOWKEEP UNKNOWN - cannot write --state-file ") &&
                              Catch::Contains("No such file or directory (capture OK - "));
        CHECK(r.out.find(" | ") == std::string::npos);  // no perfdata
    }
}
