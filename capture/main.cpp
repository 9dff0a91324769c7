// flow-capture: receives NetFlow and stores it in flow-tools files.
// main only wires: options -> (daemonise) -> CaptureService.

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "capture_service.hpp"
#include "config_file.hpp"
#include "daemon_log.hpp"
#include "flowfile/writer.hpp"
#include "options.hpp"
#include "privileges.hpp"
#include "version.hpp"

namespace {

// Parent exits 0 at once; the child leaves the terminal (flow-capture.md §2).
void daemonise() {
    const pid_t pid = ::fork();
    if (pid < 0) {
        std::perror("flow-capture: fork");
        std::exit(1);
    }
    if (pid > 0) std::exit(0);
    ::setsid();
    const int null = ::open("/dev/null", O_RDWR);
    if (null >= 0) {
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::dup2(null, 2);
        if (null > 2) ::close(null);
    }
}

// flow-capture --config FILE: one capture per line of a flow-capture.conf,
// each started exactly as if its line had been given on the command line.
// Every line is checked before any capture starts.
int start_configured_captures(const char* self, const std::string& path) {
    std::vector<std::vector<std::string>> lines;
    try {
        capture::parse_config_file(path);  // validates all lines, errors name FILE:LINE
        std::ifstream in(path);
        std::string line;
        while (std::getline(in, line)) {
            auto words = capture::split_config_words(line);
            if (!words.empty()) lines.push_back(std::move(words));
        }
    } catch (const capture::OptionError& e) {
        std::fprintf(stderr, "flow-capture: %s\n", e.what());
        return e.exit_code();
    }
    if (lines.empty()) {
        std::fprintf(stderr, "flow-capture: %s: no capture configured\n", path.c_str());
        return 1;
    }
    std::vector<pid_t> children;
    for (auto& words : lines) {
        const pid_t pid = ::fork();
        if (pid == 0) {
            std::vector<char*> argv{const_cast<char*>(self)};
            for (auto& w : words) argv.push_back(w.data());
            argv.push_back(nullptr);
            ::execv("/proc/self/exe", argv.data());
            std::perror("flow-capture: exec");
            ::_exit(1);
        }
        if (pid > 0) children.push_back(pid);
    }
    int worst = 0;
    for (const pid_t pid : children) {
        int status = 0;
        ::waitpid(pid, &status, 0);
        const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
        if (code > worst) worst = code;
    }
    return worst;
}

}  // namespace

int main(int argc, char* argv[]) {
    if (argc == 3 && std::string(argv[1]) == "--config")
        return start_configured_captures(argv[0], argv[2]);
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

    if (options.fast && options.compression_level != 0 && !flowfile::igzip_available()) {
        std::fprintf(stderr,
                     "flow-capture: --fast: this build has no ISA-L igzip (install "
                     "libisal-dev and rebuild)\n");
        return 1;
    }
    // Checked before the fork, so a wrong name is one line on the terminal.
    std::optional<capture::UserSwitch> user;
    if (!options.user.empty()) {
        try {
            user = capture::resolve_user(options.user);
        } catch (const capture::PrivilegeError& e) {
            std::fprintf(stderr, "flow-capture: %s\n", e.what());
            return 1;
        }
    }
    // Flow records are personal data: files 0640, directories 0750, unless
    // -u keeps the umask flowkeep was started with (flow-tools set 022 as a
    // daemon and kept the inherited one with -D).
    if (!options.keep_umask) ::umask(capture::data_retention_umask);
    capture::DaemonLog log("flow-capture");
    capture::install_signal_flags();
    if (!options.foreground) {
        // flow-tools forks first and reports a bad -w only to syslog; checking
        // before the fork lets the operator see it on the terminal.
        if (::access(options.work_dir.c_str(), W_OK | X_OK) != 0) {
            std::fprintf(stderr, "flow-capture: chdir(%s): %s\n", options.work_dir.c_str(),
                         std::strerror(errno));
            return 1;
        }
        daemonise();
        log.use_syslog();
    }
    return capture::CaptureService(std::move(options), log, std::move(user)).run();
}
