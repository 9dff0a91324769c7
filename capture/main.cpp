// flow-capture: receives NetFlow and stores it in flow-tools files.
// main only wires: options -> (daemonise) -> CaptureService.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "capture_service.hpp"
#include "daemon_log.hpp"
#include "options.hpp"
#include "version.hpp"

namespace {

// Parent exits 0 at once; the child leaves the terminal (flow-capture.md §2).
void daemonise(bool keep_umask) {
    const pid_t pid = ::fork();
    if (pid < 0) {
        std::perror("flow-capture: fork");
        std::exit(1);
    }
    if (pid > 0) std::exit(0);
    if (!keep_umask) ::umask(022);
    ::setsid();
    const int null = ::open("/dev/null", O_RDWR);
    if (null >= 0) {
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::dup2(null, 2);
        if (null > 2) ::close(null);
    }
}

}  // namespace

int main(int argc, char* argv[]) {
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
    capture::install_signal_flags();
    if (!options.foreground) {
        daemonise(options.keep_umask);
        log.use_syslog();
    }
    return capture::CaptureService(std::move(options), log).run();
}
