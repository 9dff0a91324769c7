#pragma once

// The --status-file: flow-capture rewrites it every second, flow-capture-status
// judges it.  Both directions live here so that the key names and their
// formats have one owner: one key=value line per field in a fixed order,
// whole numbers in decimal, 1 or 0 for yes or no, text as it is.

#include <cstdint>
#include <string>
#include <string_view>

namespace capture {

struct CaptureStatus {
    std::int64_t pid = 0;
    std::int64_t updated = 0;  // seconds since 1970 of the last rewrite
    std::int64_t started = 0;
    std::int64_t last_datagram = 0;  // 0 = none yet
    std::int64_t last_flow = 0;      // 0 = none yet
    std::string current_file;        // relative to -w, empty when none is open
    std::uint64_t datagrams = 0;
    std::uint64_t flows = 0;
    std::uint64_t corrupt_packets = 0;
    std::uint64_t queue_dropped_datagrams = 0;
    std::uint64_t queue_dropped_flows = 0;
    std::uint64_t kernel_drops = 0;           // datagrams
    std::uint64_t files_finished = 0;         // both series
    std::uint64_t ipv6_files_finished = 0;    // of files_finished, those of the IPv6 series
    std::uint64_t index_files_written = 0;    // ix- files beside finished files
    std::uint64_t index_failures = 0;         // finished files left without their ix- file
    std::uint64_t client_ordered_files = 0;   // finished files written again in client order
    std::uint64_t client_order_failures = 0;  // finished files left in arrival order
    std::uint64_t write_errors = 0;
    std::uint64_t catch_up_episodes = 0;
    std::uint64_t exporters = 0;
    std::uint64_t exporter_limit_datagrams = 0;
    std::uint64_t exporter_limit_flows = 0;
    std::uint64_t flows_removed_with_open_file = 0;
    std::uint64_t renames_pending = 0;
    // NetFlow v9 and IPFIX (flow-capture(8) names what each counts).
    std::uint64_t template_datagrams = 0;
    std::uint64_t templates = 0;  // known now
    std::uint64_t templates_refused = 0;
    std::uint64_t no_template_sets = 0;
    std::uint64_t malformed_sets = 0;
    std::uint64_t ipv6_flows = 0;  // of `flows`, those of the IPv6 series
    std::uint64_t unplaceable_time_flows = 0;
    std::uint64_t oversized_flows = 0;
    std::uint64_t no_address_flows = 0;
    std::uint64_t untimed_flows = 0;
    std::uint64_t split_flows = 0;
    std::uint64_t ifindex_clamped_flows = 0;
    std::uint64_t as_trans_flows = 0;
    bool disk_blocked = false;
    std::string last_error;

    bool operator==(const CaptureStatus&) const = default;
};

// The file's text, as flow-capture writes it.
std::string render_capture_status(const CaptureStatus& status);

// Parses the status file's text.  Keys it does not know are skipped, so an
// older check reads a newer daemon's file.  Throws std::runtime_error naming
// the problem when pid, updated, started, last_flow or flows is missing or a
// number the check judges is malformed.
CaptureStatus parse_capture_status(std::string_view text);

}  // namespace capture
