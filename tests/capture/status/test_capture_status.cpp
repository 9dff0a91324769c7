// flow-capture-status: parsing the status file and the judging rules.

#include <catch2/catch.hpp>

#include <stdexcept>

#include "status/capture_status.hpp"

using capture::CaptureStatus;
using capture::CheckState;

namespace {

constexpr std::int64_t now = 1'700'000'000;

// What a healthy daemon writes: started an hour ago, a flow 12 s ago.
std::string healthy_text() {
    return "pid=4711\n"
           "updated=" +
           std::to_string(now - 1) +
           "\n"
           "started=" +
           std::to_string(now - 3600) +
           "\n"
           "last_datagram=" +
           std::to_string(now - 12) +
           "\n"
           "last_flow=" +
           std::to_string(now - 12) +
           "\n"
           "current_file=2023/2023-11/2023-11-14/tmp-v05.2023-11-14.221500+0000\n"
           "datagrams=41153\n"
           "flows=1234567\n"
           "corrupt_packets=2\n"
           "no_template_sets=7\n"
           "ipv6_flows=500\n"
           "unplaceable_time_flows=20\n"
           "queue_dropped_datagrams=0\n"
           "queue_dropped_flows=0\n"
           "kernel_drops=0\n"
           "files_finished=4\n"
           "write_errors=0\n"
           "catch_up_episodes=0\n"
           "disk_blocked=0\n"
           "last_error=\n";
}

CaptureStatus healthy() {
    return capture::parse_capture_status(healthy_text());
}

}  // namespace

TEST_CASE("the status file flow-capture writes is parsed completely", "[status]") {
    const CaptureStatus s = healthy();
    CHECK(s.pid == 4711);
    CHECK(s.updated == now - 1);
    CHECK(s.started == now - 3600);
    CHECK(s.last_datagram == now - 12);
    CHECK(s.last_flow == now - 12);
    CHECK(s.current_file == "2023/2023-11/2023-11-14/tmp-v05.2023-11-14.221500+0000");
    CHECK(s.datagrams == 41153);
    CHECK(s.flows == 1234567);
    CHECK(s.corrupt_packets == 2);
    CHECK(s.no_template_sets == 7);
    CHECK(s.ipv6_flows == 500);
    CHECK(s.unplaceable_time_flows == 20);
    CHECK(s.files_finished == 4);
    CHECK_FALSE(s.disk_blocked);
    CHECK(s.last_error.empty());
}

TEST_CASE("unknown keys are skipped, a missing key or a bad number is an error", "[status]") {
    CHECK(capture::parse_capture_status(healthy_text() + "some_future_counter=7\n").flows ==
          1234567);
    CHECK_THROWS_WITH(capture::parse_capture_status("pid=1\nupdated=2\nstarted=3\nflows=4\n"),
                      "no last_flow= line");
    CHECK_THROWS_WITH(capture::parse_capture_status(healthy_text() + "flows=12x\n"),
                      "flows=12x is not a number");
    CHECK_THROWS_WITH(capture::parse_capture_status("garbage\n"), "line 1 is not key=value");
    CHECK_THROWS(capture::parse_capture_status(""));
}

TEST_CASE("a live daemon with recent flows is OK, with the figures and perfdata", "[status]") {
    const auto r = capture::judge_capture_status(healthy(), true, now);
    CHECK(r.state == CheckState::ok);
    CHECK(r.line ==
          "FLOWKEEP OK - last flow 12 s ago, file "
          "2023/2023-11/2023-11-14/tmp-v05.2023-11-14.221500+0000, 1234567 flows, 0 dropped"
          " | last_flow_age=12s;300;900;0 flows=1234567c ipv6_flows=500c datagrams=41153c"
          " dropped_flows=0c kernel_drops=0c corrupt_packets=2c not_stored_flows=20c"
          " no_template_sets=7c"
          " write_errors=0c");
}

TEST_CASE("no flow for --warning seconds is WARNING, for --critical seconds CRITICAL", "[status]") {
    CaptureStatus s = healthy();
    s.last_flow = now - 299;
    CHECK(capture::judge_capture_status(s, true, now).state == CheckState::ok);
    s.last_flow = now - 300;
    const auto warning = capture::judge_capture_status(s, true, now);
    CHECK(warning.state == CheckState::warning);
    CHECK_THAT(warning.line,
               Catch::StartsWith("FLOWKEEP WARNING - no flow for 300 s (warning at 300 s): "
                                 "last flow 300 s ago, "));
    s.last_flow = now - 900;
    const auto critical = capture::judge_capture_status(s, true, now);
    CHECK(critical.state == CheckState::critical);
    CHECK_THAT(critical.line,
               Catch::StartsWith("FLOWKEEP CRITICAL - no flow for 900 s (critical at 900 s)"));

    // Limits given on the command line.
    s.last_flow = now - 70;
    CHECK(capture::judge_capture_status(s, true, now,
                                        {.warning_seconds = 60, .critical_seconds = 120})
              .state == CheckState::warning);
}

TEST_CASE("before the first flow the time since the start counts", "[status]") {
    CaptureStatus s = healthy();
    s.last_flow = 0;
    s.flows = 0;
    s.started = now - 20;
    const auto fresh = capture::judge_capture_status(s, true, now);
    CHECK(fresh.state == CheckState::ok);
    CHECK_THAT(fresh.line, Catch::Contains("OK - no flow since the start 20 s ago"));
    s.started = now - 1000;
    CHECK(capture::judge_capture_status(s, true, now).state == CheckState::critical);
}

TEST_CASE("a pid that is not running is CRITICAL whatever the figures say", "[status]") {
    const auto r = capture::judge_capture_status(healthy(), false, now);
    CHECK(r.state == CheckState::critical);
    CHECK_THAT(r.line, Catch::StartsWith("FLOWKEEP CRITICAL - flow-capture (pid 4711) is not "
                                         "running: last flow 12 s ago"));
}

TEST_CASE("a status file not rewritten for 30 s means a hung daemon: CRITICAL", "[status]") {
    CaptureStatus s = healthy();
    s.updated = now - 30;
    CHECK(capture::judge_capture_status(s, true, now).state == CheckState::ok);
    s.updated = now - 31;
    const auto r = capture::judge_capture_status(s, true, now);
    CHECK(r.state == CheckState::critical);
    CHECK_THAT(r.line, Catch::Contains("status file not rewritten for 31 s"));
}

TEST_CASE("blocked writing is WARNING and names the error, problems are joined, worst wins",
          "[status]") {
    CaptureStatus s = healthy();
    s.disk_blocked = true;
    s.write_errors = 17;
    s.last_error = "./tmp-v05.x: write failed: No space left on device (4096 bytes kept for retry)";
    const auto r = capture::judge_capture_status(s, true, now);
    CHECK(r.state == CheckState::warning);
    CHECK_THAT(r.line, Catch::StartsWith("FLOWKEEP WARNING - writing blocked, flows held in memory "
                                         "(./tmp-v05.x: write failed: No space left on device"));
    CHECK_THAT(r.line, Catch::EndsWith("write_errors=17c"));

    s.last_flow = now - 1000;
    const auto both = capture::judge_capture_status(s, true, now);
    CHECK(both.state == CheckState::critical);
    CHECK_THAT(both.line, Catch::StartsWith("FLOWKEEP CRITICAL - no flow for 1000 s (critical at "
                                            "900 s); writing blocked"));
}

TEST_CASE("drops are reported, with a mark of the same daemon, new drops are WARNING", "[status]") {
    CaptureStatus s = healthy();
    s.queue_dropped_flows = 300;
    s.kernel_drops = 5;
    const auto stateless = capture::judge_capture_status(s, true, now);
    CHECK(stateless.state == CheckState::ok);
    CHECK_THAT(stateless.line,
               Catch::Contains("1234567 flows, 300 dropped, 5 datagrams dropped by the kernel | "));

    const capture::DropMark same = capture::drop_mark_of(s);
    CHECK(capture::judge_capture_status(s, true, now, {}, same).state == CheckState::ok);

    capture::DropMark earlier = same;
    earlier.queue_dropped_flows = 100;
    const auto grown = capture::judge_capture_status(s, true, now, {}, earlier);
    CHECK(grown.state == CheckState::warning);
    CHECK_THAT(grown.line, Catch::StartsWith("FLOWKEEP WARNING - dropped since the last check: "
                                             "200 flows (queue), 0 datagrams (kernel): "));

    // Counters start again with a new daemon: its mark is not compared.
    capture::DropMark other_daemon = earlier;
    other_daemon.started = s.started - 100;
    CHECK(capture::judge_capture_status(s, true, now, {}, other_daemon).state == CheckState::ok);
}

TEST_CASE("the drop mark round-trips, a damaged one is ignored", "[status]") {
    const capture::DropMark m{
        .pid = 12, .started = now, .queue_dropped_flows = 34, .kernel_drops = 56};
    const auto back = capture::parse_drop_mark(capture::format_drop_mark(m));
    REQUIRE(back);
    CHECK(back->pid == 12);
    CHECK(back->started == now);
    CHECK(back->queue_dropped_flows == 34);
    CHECK(back->kernel_drops == 56);
    CHECK_FALSE(capture::parse_drop_mark(""));
    CHECK_FALSE(capture::parse_drop_mark("pid=12\n"));
}

TEST_CASE("the line stays one line without a stray perfdata separator", "[status]") {
    CaptureStatus s = healthy();
    s.current_file = "odd|name";
    s.disk_blocked = true;
    s.last_error = "two\nlines";
    const auto r = capture::judge_capture_status(s, true, now);
    CHECK(r.line.find('\n') == std::string::npos);
    CHECK(std::count(r.line.begin(), r.line.end(), '|') == 1);
    CHECK_THAT(r.line, Catch::Contains("file odd/name") && Catch::Contains("(two lines)"));
}

TEST_CASE("no status file is CRITICAL, an unusable one UNKNOWN", "[status]") {
    const auto missing = capture::missing_status_result("/run/flow-capture.status");
    CHECK(missing.state == CheckState::critical);
    CHECK(missing.line ==
          "FLOWKEEP CRITICAL - no status file /run/flow-capture.status: flow-capture is not "
          "running (or runs without --status-file)");
    const auto unknown = capture::unknown_result("cannot read x: Permission denied");
    CHECK(unknown.state == CheckState::unknown);
    CHECK(unknown.line == "FLOWKEEP UNKNOWN - cannot read x: Permission denied");
    CHECK(capture::state_name(CheckState::warning) == "WARNING");
    CHECK(static_cast<int>(CheckState::critical) == 2);
}

TEST_CASE(
    "flow-capture-status -w and -c take seconds or an s, m or h suffix, anything else is one line",
    "[status]") {
    using capture::parse_check_seconds;
    CHECK(parse_check_seconds("--warning", "300") == 300);
    CHECK(parse_check_seconds("--warning", "300s") == 300);
    CHECK(parse_check_seconds("--warning", "5m") == 300);
    CHECK(parse_check_seconds("--critical", "1h") == 3600);
    CHECK(parse_check_seconds("--critical", "720h") == 2592000);
    const std::string accepted = " (accepted: 1..2592000 seconds, or with s, m or h: 300, 5m, 1h)";
    CHECK_THROWS_WITH(parse_check_seconds("--warning", "5x"),
                      "--warning 5x: not a number of seconds" + accepted);
    CHECK_THROWS_WITH(parse_check_seconds("--warning", "0x10"),
                      "--warning 0x10: not a number of seconds" + accepted);
    CHECK_THROWS_WITH(parse_check_seconds("--warning", ""),
                      "--warning : not a number of seconds" + accepted);
    CHECK_THROWS_WITH(parse_check_seconds("--warning", "m"),
                      "--warning m: not a number of seconds" + accepted);
    CHECK_THROWS_WITH(parse_check_seconds("--warning", "-5"),
                      "--warning -5: not a number of seconds" + accepted);
    CHECK_THROWS_WITH(parse_check_seconds("--warning", "1.5m"),
                      "--warning 1.5m: not a number of seconds" + accepted);
    CHECK_THROWS_WITH(parse_check_seconds("--critical", "0"),
                      "--critical 0: out of range" + accepted);
    CHECK_THROWS_WITH(parse_check_seconds("--critical", "721h"),
                      "--critical 721h: out of range" + accepted);
    CHECK_THROWS_WITH(parse_check_seconds("--critical", "99999999999999999999999"),
                      "--critical 99999999999999999999999: out of range" + accepted);
}

TEST_CASE("an unwritable state file is UNKNOWN, with what was found and no perfdata", "[status]") {
    const auto judged = capture::judge_capture_status(healthy(), true, now);
    REQUIRE(judged.state == CheckState::ok);
    const auto r =
        capture::state_file_unwritable_result(judged, "/ro/check.state", "Permission denied");
    CHECK(r.state == CheckState::unknown);
    CHECK(r.line ==
          "FLOWKEEP UNKNOWN - cannot write --state-file /ro/check.state: Permission denied "
          "(capture OK - last flow 12 s ago, file "
          "2023/2023-11/2023-11-14/tmp-v05.2023-11-14.221500+0000, 1234567 flows, 0 dropped)");
    // A dead daemon is UNKNOWN too, as the manual says, but the text still tells.
    const auto dead = capture::state_file_unwritable_result(
        capture::judge_capture_status(healthy(), false, now), "/ro/s", "Read-only file system");
    CHECK(dead.state == CheckState::unknown);
    CHECK_THAT(dead.line, Catch::StartsWith("FLOWKEEP UNKNOWN - cannot write --state-file /ro/s: "
                                            "Read-only file system (capture CRITICAL - "
                                            "flow-capture (pid 4711) is not running"));
}
