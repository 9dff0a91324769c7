#include "capture_status.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <vector>

#include "key_value_lines.hpp"

namespace capture {

namespace {

// The text part of the line must stay one line and must not contain the
// perfdata separator; file names and error messages come from outside.
std::string printable(std::string text) {
    for (char& c : text) {
        if (c == '|') c = '/';
        if (c == '\n' || c == '\r') c = ' ';
    }
    return text;
}

std::string seconds_text(std::int64_t s) {
    return std::to_string(s) + " s";
}

}  // namespace

std::string_view state_name(CheckState state) {
    switch (state) {
        case CheckState::ok:
            return "OK";
        case CheckState::warning:
            return "WARNING";
        case CheckState::critical:
            return "CRITICAL";
        case CheckState::unknown:
            break;
    }
    return "UNKNOWN";
}

DropMark drop_mark_of(const CaptureStatus& s) {
    return {.pid = s.pid,
            .started = s.started,
            .queue_dropped_flows = s.queue_dropped_flows,
            .kernel_drops = s.kernel_drops};
}

std::string format_drop_mark(const DropMark& m) {
    return "pid=" + std::to_string(m.pid) + "\nstarted=" + std::to_string(m.started) +
           "\nqueue_dropped_flows=" + std::to_string(m.queue_dropped_flows) +
           "\nkernel_drops=" + std::to_string(m.kernel_drops) + "\n";
}

std::optional<DropMark> parse_drop_mark(std::string_view text) {
    try {
        const KeyValues lines = read_key_value_lines(text);
        return DropMark{
            .pid = number_at<std::int64_t>(lines, "pid", true),
            .started = number_at<std::int64_t>(lines, "started", true),
            .queue_dropped_flows = number_at<std::uint64_t>(lines, "queue_dropped_flows", true),
            .kernel_drops = number_at<std::uint64_t>(lines, "kernel_drops", true)};
    } catch (const std::runtime_error&) {
        return std::nullopt;
    }
}

CheckResult judge_capture_status(const CaptureStatus& s, bool process_alive, std::int64_t now,
                                 const CheckLimits& limits,
                                 const std::optional<DropMark>& previous) {
    CheckState state = CheckState::ok;
    std::vector<std::string> problems;
    const auto raise = [&](CheckState at_least, std::string why) {
        state = std::max(state, at_least);
        problems.push_back(std::move(why));
    };

    const bool any_flow = s.last_flow > 0;
    // A clock stepped back must not produce negative ages.
    const std::int64_t flow_age =
        std::max<std::int64_t>(0, now - (any_flow ? s.last_flow : s.started));

    if (!process_alive) {
        raise(CheckState::critical,
              "flow-capture (pid " + std::to_string(s.pid) + ") is not running");
    } else {
        // Only a live daemon's figures are worth judging further: a dead
        // one's are frozen at its last rewrite.
        const std::int64_t status_age = now - s.updated;
        if (status_age > limits.stale_seconds)
            raise(CheckState::critical,
                  "status file not rewritten for " + seconds_text(status_age) + " (hung?)");
        if (flow_age >= limits.critical_seconds)
            raise(CheckState::critical, "no flow for " + seconds_text(flow_age) + " (critical at " +
                                            seconds_text(limits.critical_seconds) + ")");
        else if (flow_age >= limits.warning_seconds)
            raise(CheckState::warning, "no flow for " + seconds_text(flow_age) + " (warning at " +
                                           seconds_text(limits.warning_seconds) + ")");
        if (s.disk_blocked)
            raise(CheckState::warning,
                  "writing blocked, flows held in memory" +
                      (s.last_error.empty() ? std::string() : " (" + s.last_error + ")"));
        if (previous && previous->pid == s.pid && previous->started == s.started) {
            const std::uint64_t queue = s.queue_dropped_flows > previous->queue_dropped_flows
                                            ? s.queue_dropped_flows - previous->queue_dropped_flows
                                            : 0;
            const std::uint64_t kernel = s.kernel_drops > previous->kernel_drops
                                             ? s.kernel_drops - previous->kernel_drops
                                             : 0;
            if (queue > 0 || kernel > 0)
                raise(CheckState::warning,
                      "dropped since the last check: " + std::to_string(queue) +
                          " flows (queue), " + std::to_string(kernel) + " datagrams (kernel)");
        }
    }

    std::string summary = any_flow ? "last flow " + seconds_text(flow_age) + " ago"
                                   : "no flow since the start " + seconds_text(flow_age) + " ago";
    summary += s.current_file.empty() ? ", no file open" : ", file " + s.current_file;
    summary += ", " + std::to_string(s.flows) + " flows, " + std::to_string(s.queue_dropped_flows) +
               " dropped";
    if (s.kernel_drops > 0)
        summary += ", " + std::to_string(s.kernel_drops) + " datagrams dropped by the kernel";

    std::string text;
    for (const auto& p : problems) text += (text.empty() ? "" : "; ") + p;
    text += (text.empty() ? "" : ": ") + summary;

    // Nagios perfdata: 'c' marks counters that only grow (graphs show rates).
    const std::string perfdata =
        "last_flow_age=" + std::to_string(flow_age) + "s;" +
        std::to_string(limits.warning_seconds) + ";" + std::to_string(limits.critical_seconds) +
        ";0 flows=" + std::to_string(s.flows) + "c ipv6_flows=" + std::to_string(s.ipv6_flows) +
        "c datagrams=" + std::to_string(s.datagrams) +
        "c dropped_flows=" + std::to_string(s.queue_dropped_flows) +
        "c kernel_drops=" + std::to_string(s.kernel_drops) +
        "c corrupt_packets=" + std::to_string(s.corrupt_packets) + "c not_stored_flows=" +
        std::to_string(s.unplaceable_time_flows + s.oversized_flows + s.no_address_flows) +
        "c no_template_sets=" + std::to_string(s.no_template_sets) +
        "c write_errors=" + std::to_string(s.write_errors) + "c";
    return {state, "FLOWKEEP " + std::string(state_name(state)) + " - " + printable(text) + " | " +
                       perfdata};
}

CheckResult missing_status_result(const std::string& path) {
    return {CheckState::critical,
            "FLOWKEEP CRITICAL - no status file " + printable(path) +
                ": flow-capture is not running (or runs without --status-file)"};
}

CheckResult unknown_result(const std::string& reason) {
    return {CheckState::unknown, "FLOWKEEP UNKNOWN - " + printable(reason)};
}

CheckResult state_file_unwritable_result(const CheckResult& judged, const std::string& path,
                                         const std::string& reason) {
    std::string found = judged.line.substr(0, judged.line.find(" | "));
    const std::string prefix = "FLOWKEEP ";
    if (found.rfind(prefix, 0) == 0) found.erase(0, prefix.size());
    return unknown_result("cannot write --state-file " + path + ": " + reason + " (capture " +
                          found + ")");
}

std::int64_t parse_check_seconds(std::string_view option, std::string_view text) {
    const auto fail = [&](const std::string& why) {
        throw std::invalid_argument(std::string(option) + " " + std::string(text) + ": " + why +
                                    " (accepted: 1.." + std::to_string(max_check_seconds) +
                                    " seconds, or with s, m or h: 300, 5m, 1h)");
    };
    std::int64_t unit = 1;
    std::string_view digits = text;
    if (!digits.empty()) {
        switch (digits.back()) {
            case 's':
                digits.remove_suffix(1);
                break;
            case 'm':
                unit = 60;
                digits.remove_suffix(1);
                break;
            case 'h':
                unit = 3600;
                digits.remove_suffix(1);
                break;
            default:
                break;
        }
    }
    // from_chars alone would take "+5", " 5" or "0x10" apart differently.
    if (digits.empty() ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        fail("not a number of seconds");
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || ptr != digits.data() + digits.size() ||
        value > max_check_seconds / unit)
        fail("out of range");
    value *= unit;
    if (value < 1) fail("out of range");
    return value;
}

}  // namespace capture
