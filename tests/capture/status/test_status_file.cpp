// The --status-file both ways: what flow-capture renders, flow-capture-status
// parses back, and files written before this module existed still parse.

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "status/status_file.hpp"

using capture::CaptureStatus;

namespace {

// Every field different from its default and from the others, so that a
// field rendered under another's key cannot go unnoticed.
CaptureStatus every_field_set() {
    CaptureStatus s;
    s.pid = 4711;
    s.updated = 1'700'000'001;
    s.started = 1'699'996'400;
    s.last_datagram = 1'699'999'990;
    s.last_flow = 1'699'999'989;
    s.current_file = "2023/2023-11/2023-11-14/tmp-v05.2023-11-14.221500+0000";
    s.datagrams = 41153;
    s.flows = 1234567;
    s.corrupt_packets = 2;
    s.queue_dropped_datagrams = 4;
    s.queue_dropped_flows = 5;
    s.kernel_drops = 6;
    s.files_finished = 7;
    s.ipv6_files_finished = 28;
    s.index_files_written = 29;
    s.index_failures = 30;
    s.client_ordered_files = 41;
    s.client_order_failures = 42;
    s.write_errors = 8;
    s.catch_up_episodes = 9;
    s.exporters = 10;
    s.exporter_limit_datagrams = 11;
    s.exporter_limit_flows = 12;
    s.flows_removed_with_open_file = 13;
    s.renames_pending = 14;
    s.template_datagrams = 15;
    s.templates = 16;
    s.templates_refused = 17;
    s.no_template_sets = 18;
    s.malformed_sets = 19;
    s.ipv6_flows = 20;
    s.unplaceable_time_flows = 21;
    s.oversized_flows = 22;
    s.no_address_flows = 23;
    s.untimed_flows = 24;
    s.split_flows = 25;
    s.ifindex_clamped_flows = 26;
    s.as_trans_flows = 27;
    s.disk_blocked = true;
    s.last_error = "write ft-v05.2023-11-14.221500+0000: No space left on device";
    return s;
}

// Byte for byte what flow-capture wrote before the status file had a module
// of its own (capture_service.cpp streamed these lines).
const std::string written_by_older_capture =
    "pid=4711\n"
    "updated=1700000001\n"
    "started=1699996400\n"
    "last_datagram=1699999990\n"
    "last_flow=1699999989\n"
    "current_file=2023/2023-11/2023-11-14/tmp-v05.2023-11-14.221500+0000\n"
    "datagrams=41153\n"
    "flows=1234567\n"
    "corrupt_packets=2\n"
    "unsupported_datagrams=3\n"
    "queue_dropped_datagrams=4\n"
    "queue_dropped_flows=5\n"
    "kernel_drops=6\n"
    "files_finished=7\n"
    "write_errors=8\n"
    "catch_up_episodes=9\n"
    "exporters=10\n"
    "exporter_limit_datagrams=11\n"
    "exporter_limit_flows=12\n"
    "flows_removed_with_open_file=13\n"
    "renames_pending=14\n"
    "disk_blocked=1\n"
    "last_error=write ft-v05.2023-11-14.221500+0000: No space left on device\n";

// The same with the NetFlow v9/IPFIX counters, which replaced
// unsupported_datagrams once flowkeep decoded those datagrams.
const std::string written_now =
    "pid=4711\n"
    "updated=1700000001\n"
    "started=1699996400\n"
    "last_datagram=1699999990\n"
    "last_flow=1699999989\n"
    "current_file=2023/2023-11/2023-11-14/tmp-v05.2023-11-14.221500+0000\n"
    "datagrams=41153\n"
    "flows=1234567\n"
    "corrupt_packets=2\n"
    "queue_dropped_datagrams=4\n"
    "queue_dropped_flows=5\n"
    "kernel_drops=6\n"
    "files_finished=7\n"
    "ipv6_files_finished=28\n"
    "index_files_written=29\n"
    "index_failures=30\n"
    "client_ordered_files=41\n"
    "client_order_failures=42\n"
    "write_errors=8\n"
    "catch_up_episodes=9\n"
    "exporters=10\n"
    "exporter_limit_datagrams=11\n"
    "exporter_limit_flows=12\n"
    "flows_removed_with_open_file=13\n"
    "renames_pending=14\n"
    "template_datagrams=15\n"
    "templates=16\n"
    "templates_refused=17\n"
    "no_template_sets=18\n"
    "malformed_sets=19\n"
    "ipv6_flows=20\n"
    "unplaceable_time_flows=21\n"
    "oversized_flows=22\n"
    "no_address_flows=23\n"
    "untimed_flows=24\n"
    "split_flows=25\n"
    "ifindex_clamped_flows=26\n"
    "as_trans_flows=27\n"
    "disk_blocked=1\n"
    "last_error=write ft-v05.2023-11-14.221500+0000: No space left on device\n";

}  // namespace

TEST_CASE("a rendered status file parses back to the same values", "[status]") {
    const CaptureStatus written = every_field_set();
    CHECK(capture::parse_capture_status(capture::render_capture_status(written)) == written);

    const CaptureStatus fresh;  // a daemon before its first datagram
    CHECK(capture::parse_capture_status(capture::render_capture_status(fresh)) == fresh);
}

TEST_CASE("the status file keeps the bytes and key order older flow-capture versions wrote",
          "[status]") {
    CHECK(capture::render_capture_status(every_field_set()) == written_now);
    CHECK(capture::parse_capture_status(written_now) == every_field_set());
    // An older daemon's file still parses: its unsupported_datagrams key is
    // skipped and the counters it did not have read as 0.
    CaptureStatus older = every_field_set();
    older.ipv6_files_finished = 0;
    older.index_files_written = older.index_failures = 0;
    older.client_ordered_files = older.client_order_failures = 0;
    older.template_datagrams = older.templates = older.templates_refused = 0;
    older.no_template_sets = older.malformed_sets = older.ipv6_flows = 0;
    older.unplaceable_time_flows = older.oversized_flows = older.no_address_flows = 0;
    older.untimed_flows = older.split_flows = older.ifindex_clamped_flows = 0;
    older.as_trans_flows = 0;
    CHECK(capture::parse_capture_status(written_by_older_capture) == older);
    // Before the IPv6 series, IPv6 flows were counted as not stored: that
    // key is skipped too, and says nothing of flows stored.
    CHECK(capture::parse_capture_status(written_by_older_capture + "ipv6_flows_not_stored=9\n") ==
          older);

    CaptureStatus idle = every_field_set();
    idle.current_file.clear();
    idle.disk_blocked = false;
    idle.last_error.clear();
    const std::string text = capture::render_capture_status(idle);
    CHECK(text.find("\ncurrent_file=\n") != std::string::npos);
    CHECK(text.find("\ndisk_blocked=0\n") != std::string::npos);
    CHECK(text.ends_with("\nlast_error=\n"));
}

TEST_CASE("parsing names the same problems as before", "[status]") {
    // A missing required key is named even when an optional one is malformed.
    CHECK_THROWS_WITH(
        capture::parse_capture_status("pid=1\nupdated=2\nstarted=3\nlast_flow=4\ndatagrams=x\n"),
        "no flows= line");
    CHECK_THROWS_WITH(capture::parse_capture_status(written_by_older_capture + "kernel_drops=-\n"),
                      "kernel_drops=- is not a number");
    CHECK_THROWS_WITH(
        capture::parse_capture_status(written_by_older_capture + "disk_blocked=yes\n"),
        "disk_blocked=yes is not a number");
    CHECK_THROWS_WITH(capture::parse_capture_status("pid=1\n=2\n"), "line 2 is not key=value");
}

TEST_CASE("a key the check does not judge cannot make the file unreadable", "[status]") {
    const CaptureStatus s =
        capture::parse_capture_status(written_by_older_capture + "exporters=many\n");
    CHECK(s.exporters == 0);
    CHECK(s.flows == 1234567);
}
