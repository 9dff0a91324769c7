// flow-capture-status: is NetFlow being captured?  One line and a
// Nagios-style exit code from the file flow-capture --status-file keeps, for
// monitoring, cron and a warning at login.  main only wires: options ->
// read the files -> judge (capture_status.cpp) -> print.

#include <signal.h>
#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "capture_status.hpp"
#include "daemon/version.hpp"

namespace {

struct StatusCheckOptions {
    std::string status_file;
    std::string state_file;
    // Kept as text: CLI11 would read "5m" as a range error and "0x10" as 16.
    std::string warning = std::to_string(capture::CheckLimits{}.warning_seconds);
    std::string critical = std::to_string(capture::CheckLimits{}.critical_seconds);
    capture::CheckLimits limits;
};

void declare_options(CLI::App& app, StatusCheckOptions& o) {
    app.description(
        "Checks a running flow-capture through its --status-file and prints one line: "
        "FLOWKEEP OK|WARNING|CRITICAL|UNKNOWN - what is wrong: last flow, current file, counters "
        "| Nagios perfdata.  Exit code 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n"
        "CRITICAL: no status file, the daemon's pid is not running, the file was not rewritten "
        "for 30 s (the daemon rewrites it every second), or no flow for --critical seconds.\n"
        "WARNING: no flow for --warning seconds, writing blocked (disk full: flows are held in "
        "memory), or with --state-file: flows dropped since the previous check.");
    // Required, but checked after parsing: CLI11 reports a missing required
    // option before an unknown one, so "--statusfile" read "--status-file is
    // required".
    app.add_option("--status-file", o.status_file,
                   "the file given to flow-capture --status-file (required)");
    app.add_option("-w,--warning", o.warning,
                   "WARNING when no flow arrived for this long: seconds, or with s, m or h "
                   "(5m, 1h)")
        ->type_name("SECONDS")
        ->capture_default_str();
    app.add_option("-c,--critical", o.critical,
                   "CRITICAL when no flow arrived for this long: seconds, or with s, m or h")
        ->type_name("SECONDS")
        ->capture_default_str();
    app.set_version_flag("--version", capture::version_string(), "print the version and exit");
    app.allow_extras();
    app.add_option("--state-file", o.state_file,
                   "remember the drop counters here between runs (a file writable by the "
                   "check), so that drops since the previous check give WARNING; without it, "
                   "drops are only reported (text and perfdata)");
    app.footer(
        "Examples:\n"
        "  Nagios/Icinga: check_command flow-capture-status --status-file "
        "/run/flow-capture.status\n"
        "  cron, mails only when not OK: */5 * * * * out=$(flow-capture-status --status-file "
        "/run/flow-capture.status --state-file /var/tmp/flow-capture.check) || echo \"$out\"\n"
        "  at login (/etc/profile.d): flow-capture-status --status-file /run/flow-capture.status "
        ">/dev/null || echo 'NetFlow is not active'");
}

bool process_alive(std::int64_t pid) {
    // A pid beyond pid_t's range can only come from a damaged file.
    if (pid <= 0 || pid > std::numeric_limits<pid_t>::max()) return false;
    // EPERM: it exists but belongs to another user (the check may run as nagios).
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM) return false;
    // A daemon that exited but was not reaped yet is a zombie: not running.
    // (A reused pid passes, but then the status file goes stale: CRITICAL.)
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (std::getline(stat, line)) {
        const std::size_t paren = line.rfind(')');
        if (paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'Z')
            return false;
    }
    return true;
}

capture::CheckResult check(const StatusCheckOptions& o) {
    if (o.limits.warning_seconds > o.limits.critical_seconds)
        return capture::unknown_result("--warning " + std::to_string(o.limits.warning_seconds) +
                                       " is above --critical " +
                                       std::to_string(o.limits.critical_seconds));
    std::error_code ec;
    if (!std::filesystem::exists(o.status_file, ec) && !ec)
        return capture::missing_status_result(o.status_file);
    std::ifstream in(o.status_file);
    if (!in)
        return capture::unknown_result("cannot read " + o.status_file + ": " +
                                       std::strerror(errno));
    std::stringstream text;
    text << in.rdbuf();
    capture::CaptureStatus status;
    try {
        status = capture::parse_capture_status(text.str());
    } catch (const std::runtime_error& e) {
        return capture::unknown_result(o.status_file + ": " + e.what());
    }

    std::optional<capture::DropMark> previous;
    if (!o.state_file.empty()) {
        std::ifstream state(o.state_file);
        std::stringstream state_text;
        state_text << state.rdbuf();
        previous = capture::parse_drop_mark(state_text.str());
    }
    capture::CheckResult result = capture::judge_capture_status(
        status, process_alive(status.pid), std::time(nullptr), o.limits, previous);
    if (!o.state_file.empty()) {
        std::ofstream state(o.state_file, std::ios::trunc);
        state << capture::format_drop_mark(capture::drop_mark_of(status));
        if (!state.flush())
            return capture::state_file_unwritable_result(result, o.state_file,
                                                         std::strerror(errno));
    }
    return result;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"flow-capture-status"};
    StatusCheckOptions options;
    declare_options(app, options);
    const auto unknown = [](const std::string& reason) {
        std::cout << capture::unknown_result(reason).line << '\n';
        return static_cast<int>(capture::CheckState::unknown);
    };
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
        return unknown(e.what());
    }
    if (const std::vector<std::string> extra = app.remaining(); !extra.empty())
        return unknown((extra[0].rfind('-', 0) == 0 ? "unknown option " : "unexpected argument ") +
                       extra[0] + " (see --help)");
    if (options.status_file.empty()) return unknown("--status-file is required (see --help)");
    try {
        options.limits.warning_seconds = capture::parse_check_seconds("--warning", options.warning);
        options.limits.critical_seconds =
            capture::parse_check_seconds("--critical", options.critical);
    } catch (const std::invalid_argument& e) {
        return unknown(e.what());
    }
    const capture::CheckResult result = check(options);
    std::cout << result.line << '\n';
    return static_cast<int>(result.state);
}
