#pragma once

// flow-capture-status: reads the key=value file flow-capture keeps with
// --status-file and judges it the way Nagios-style monitoring and a cron job
// want it: one line of text and an exit code (0 OK, 1 WARNING, 2 CRITICAL,
// 3 UNKNOWN).  Parsing (status_file.hpp) and judging are pure functions of
// the file's text, the clock and whether the pid is alive, so every rule is
// unit-tested without a daemon.
//
// The rules, worst wins:
//   CRITICAL  the status file is missing (no capture with --status-file runs);
//             the pid in it is not alive; the file was not rewritten for more
//             than `stale_seconds` (the daemon rewrites it every second, so it
//             hangs); no flow arrived for `critical_seconds` or more.
//   WARNING   no flow for `warning_seconds` or more; writing is blocked (disk
//             full or unwritable, flows are being held in memory); with a
//             state file, flows were dropped (queue or kernel) since the
//             previous check of the same daemon.
//   UNKNOWN   bad usage, or a status file that cannot be read or parsed.
// Before the first flow, the time since the daemon started counts as the
// time without flows, so a capture nobody sends to turns WARNING, then
// CRITICAL.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "status_file.hpp"

namespace capture {

// Nagios plugin states; the value is the exit code.
enum class CheckState { ok = 0, warning = 1, critical = 2, unknown = 3 };

// "OK", "WARNING", "CRITICAL", "UNKNOWN".
std::string_view state_name(CheckState state);

struct CheckLimits {
    std::int64_t warning_seconds = 300;   // no flow for this long: WARNING
    std::int64_t critical_seconds = 900;  // no flow for this long: CRITICAL
    std::int64_t stale_seconds = 30;      // status file older than this: CRITICAL
};

// What one check saw of the drop counters; kept in the --state-file so the
// next check can tell whether drops grew.  Counters restart with the daemon,
// so a mark only compares with a status of the same pid and start time.
struct DropMark {
    std::int64_t pid = 0;
    std::int64_t started = 0;
    std::uint64_t queue_dropped_flows = 0;
    std::uint64_t kernel_drops = 0;
};

DropMark drop_mark_of(const CaptureStatus& status);
std::string format_drop_mark(const DropMark& mark);
// Returns nothing for text that is not a complete mark (a first run, a
// damaged file): the check then just starts counting again.
std::optional<DropMark> parse_drop_mark(std::string_view text);

struct CheckResult {
    CheckState state = CheckState::unknown;
    // "FLOWKEEP OK - last flow 12 s ago, ... | flows=...c ..." (Nagios
    // perfdata after the '|'), without a newline.
    std::string line;
};

// Judges a parsed status file at time `now`.  `process_alive` is whether the
// status's pid runs (the caller asks the kernel); `previous` is the mark of
// the previous check when a state file is used.
CheckResult judge_capture_status(const CaptureStatus& status, bool process_alive, std::int64_t now,
                                 const CheckLimits& limits = {},
                                 const std::optional<DropMark>& previous = std::nullopt);

// The results that have no status to judge.
CheckResult missing_status_result(const std::string& path);
CheckResult unknown_result(const std::string& reason);

// A check whose --state-file could not be written is UNKNOWN (it would never
// warn about drops again), without perfdata; what it found about the daemon
// follows in parentheses so nothing is hidden.
CheckResult state_file_unwritable_result(const CheckResult& judged, const std::string& path,
                                         const std::string& reason);

inline constexpr std::int64_t max_check_seconds = 30 * 86400;

// The value of -w/--warning or -c/--critical: whole seconds, or with an s, m
// or h suffix ("300", "5m", "1h"), from 1 s to 30 days.  Throws
// std::invalid_argument "OPTION VALUE: why (accepted: ...)".
std::int64_t parse_check_seconds(std::string_view option, std::string_view text);

}  // namespace capture
