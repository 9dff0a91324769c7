// flow-capture: receives NetFlow and stores it in flow-tools files.
// main only wires: options -> checks -> (daemonise) -> CaptureService.

#include <sys/stat.h>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include "capture_service.hpp"
#include "config/configured_captures.hpp"
#include "config/options.hpp"
#include "daemon_log.hpp"
#include "privileges.hpp"
#include "start_checks.hpp"
#include "startup_report.hpp"
#include "version.hpp"

namespace {

// Where the daemon's pidfile lands (-p is relative to -w), so the parent can
// remove it when the daemon fails; empty when there is none.
std::string pidfile_path(const capture::CaptureOptions& o) {
    if (o.foreground || !o.pid_file) return "";
    const std::string& base = *o.pid_file;
    const std::string path = base.front() == '/' ? base : o.work_dir + "/" + base;
    return path + "." + std::to_string(o.listen.port);
}

}  // namespace

int main(int argc, char* argv[]) {
    if (argc == 3 && std::string(argv[1]) == "--config")
        return capture::start_configured_captures(argv[0], argv[2]);
    capture::CaptureOptions options;
    try {
        options = capture::parse_command_line(argc, argv);
    } catch (const capture::OptionError& e) {
        std::fprintf(stderr, "flow-capture: %s\n", e.what());
        return e.exit_code();
    }
    switch (options.request) {
        case capture::CaptureOptions::Request::usage_on_stderr:
            std::cerr << capture::usage_text();
            return 0;
        case capture::CaptureOptions::Request::usage_on_stdout:
            std::cout << capture::usage_text();
            return 0;
        case capture::CaptureOptions::Request::version:
            std::cout << capture::version_string() << '\n';
            return 0;
        case capture::CaptureOptions::Request::capture:
            break;
    }

    capture::DaemonLog log("flow-capture");
    // Before the checks: with --config waiting, their message goes to it.
    capture::StartupReport report;
    // Everything that can be checked before the fork is, so that a wrong
    // setting is one line on the terminal.
    std::optional<capture::UserSwitch> user;
    try {
        user = capture::check_start(options).user;  // the probe socket is closed again
    } catch (const capture::StartRefused& e) {
        report.failed(e.what(), log.sink());
        return 1;
    }
    // Flow records are personal data: files 0640, directories 0750, unless
    // -u keeps the umask flowkeep was started with (flow-tools set 022 as a
    // daemon and kept the inherited one with -D).
    if (!options.keep_umask) ::umask(capture::data_retention_umask);
    capture::install_signal_flags();
    if (!options.foreground) {
        // The parent stays until the daemon is ready or has failed, and
        // exits with its answer: there may be no syslog to read it in.
        report.daemonise(pidfile_path(options));
        log.use_syslog();
    }
    return capture::CaptureService(std::move(options), log, std::move(user), &report).run();
}
