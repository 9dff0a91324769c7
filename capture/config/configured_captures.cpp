#include "configured_captures.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "config_file.hpp"
#include "daemon/start_checks.hpp"
#include "daemon/startup_report.hpp"

namespace capture {

namespace {

struct Started {
    pid_t capture = 0;  // what "ready PID" named
    pid_t child = 0;    // our child: the capture itself (-D) or the daemon's parent
    int line = 0;
};

// Starts one line and waits for its word; the child's pid, or throws
// StartRefused with the line's message.
Started start_line(const char* self, const ConfigLine& line) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw StartRefused(std::string("pipe: ") + strerror(errno));
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int err = errno;
        ::close(fds[0]);
        ::close(fds[1]);
        throw StartRefused(std::string("fork: ") + strerror(err));
    }
    if (pid == 0) {
        const int inherited = ::dup(fds[1]);  // without close-on-exec
        if (inherited < 0) ::_exit(1);
        ::setenv(ready_fd_variable, std::to_string(inherited).c_str(), 1);
        std::vector<std::string> words = line.words;
        std::vector<char*> argv{const_cast<char*>(self)};
        for (auto& w : words) argv.push_back(w.data());
        argv.push_back(nullptr);
        ::execv("/proc/self/exe", argv.data());
        const std::string message = std::string("exec: ") + strerror(errno) + "\n";
        [[maybe_unused]] const auto n = ::write(inherited, message.data(), message.size());
        ::_exit(1);
    }
    ::close(fds[1]);
    const std::string word = read_startup_word(fds[0]);
    ::close(fds[0]);
    if (word.rfind("ready ", 0) == 0) return {std::atoi(word.c_str() + 6), pid, line.number};
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!word.empty()) throw StartRefused(word);
    throw StartRefused("the capture ended before it was ready (" +
                       (WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                          : "signal " + std::to_string(WTERMSIG(status))) +
                       ")");
}

// Undoes a partial start: SIGTERM, as an operator would, so each finishes
// its file; waits up to 10 s for each.
void stop_started(const std::vector<Started>& started) {
    for (const Started& s : started) ::kill(s.capture, SIGTERM);
    for (const Started& s : started) {
        if (s.capture == s.child) {
            ::waitpid(s.child, nullptr, 0);
            continue;
        }
        ::waitpid(s.child, nullptr, 0);  // the daemon's parent, gone already
        for (int i = 0; i < 500 && ::kill(s.capture, 0) == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

}  // namespace

int start_configured_captures(const char* self, const std::string& path) {
    std::vector<ConfigLine> lines;
    try {
        lines = parse_config_file(path);  // validates all lines, errors name FILE:LINE
    } catch (const OptionError& e) {
        std::fprintf(stderr, "flow-capture: %s\n", e.what());
        return e.exit_code();
    }
    if (lines.empty()) {
        std::fprintf(stderr, "flow-capture: %s: no capture configured\n", path.c_str());
        return 1;
    }
    const auto where = [&](int line) { return path + ":" + std::to_string(line) + ": "; };
    {
        // Every socket stays bound until all lines are checked, so two lines
        // on the same address and port are found here too.
        std::vector<CheckedStart> checked;
        for (const ConfigLine& line : lines) {
            try {
                checked.push_back(check_start(line.options));
            } catch (const StartRefused& e) {
                std::fprintf(stderr, "flow-capture: %s%s\n", where(line.number).c_str(), e.what());
                return 1;
            }
        }
    }
    std::vector<Started> started;
    for (const ConfigLine& line : lines) {
        try {
            started.push_back(start_line(self, line));
        } catch (const StartRefused& e) {
            std::fprintf(stderr, "flow-capture: %s%s\n", where(line.number).c_str(), e.what());
            if (!started.empty()) {
                stop_started(started);
                std::fprintf(stderr,
                             "flow-capture: %s: stopped the %zu capture(s) of the lines before "
                             "line %d again; nothing runs\n",
                             path.c_str(), started.size(), line.number);
            }
            return 1;
        }
    }
    int worst = 0;
    for (const Started& s : started) {
        int status = 0;
        while (::waitpid(s.child, &status, 0) < 0 && errno == EINTR) {
        }
        const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
        if (code > worst) worst = code;
    }
    return worst;
}

}  // namespace capture
