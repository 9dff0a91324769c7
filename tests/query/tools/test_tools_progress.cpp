// The progress line on a terminal: erased when Ctrl-C (SIGINT) or SIGTERM
// ends the query, and never drawn when stdout is a pipe (a pager on the
// same terminal).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "support/temp_dir.hpp"

using namespace flowkeep_test;

namespace {

const std::string erase_line = "\r\033[K";

struct TerminalRun {
    std::string terminal;  // what the tool wrote on its stderr, a terminal
    int signal = 0;        // the signal that ended it, 0 if it exited
};

// Runs flow-stat reading a stream on stdin that never ends, with stderr on
// a pseudo-terminal and stdout on a file or a pipe; waits until `wait_for`
// appears on the terminal (or two seconds have passed), then sends `signal`.
TerminalRun run_on_terminal(bool stdout_is_pipe, int signal, const std::string& wait_for) {
    const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
    REQUIRE(master >= 0);
    REQUIRE(::grantpt(master) == 0);
    REQUIRE(::unlockpt(master) == 0);
    const std::string slave_name = ::ptsname(master);
    int input[2];
    int output[2];
    REQUIRE(::pipe(input) == 0);
    REQUIRE(::pipe(output) == 0);
    TempDir dir;
    const std::string out_file = (dir / "out").string();

    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::setsid();
        // As an interactive shell starts a job, whatever the test runner ignores.
        ::signal(SIGINT, SIG_DFL);
        ::signal(SIGTERM, SIG_DFL);
        const int slave = ::open(slave_name.c_str(), O_RDWR);
        const int out =
            stdout_is_pipe ? output[1] : ::open(out_file.c_str(), O_WRONLY | O_CREAT, 0600);
        ::dup2(input[0], STDIN_FILENO);
        ::dup2(out, STDOUT_FILENO);
        ::dup2(slave, STDERR_FILENO);
        ::close(input[1]);
        ::close(output[0]);
        ::execl(FLOW_STAT_BIN, FLOW_STAT_BIN, "-", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(input[0]);
    ::close(output[1]);

    TerminalRun run;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    bool signalled = false;
    bool killed = false;
    for (;;) {
        // A tool that outlives its signal by five seconds is a failure, not a hang.
        if (signalled && !killed &&
            std::chrono::steady_clock::now() > give_up + std::chrono::seconds(5)) {
            ::kill(child, SIGKILL);
            killed = true;
        }
        if (!signalled && (run.terminal.find(wait_for) != std::string::npos ||
                           std::chrono::steady_clock::now() > give_up)) {
            ::kill(child, signal);
            signalled = true;
        }
        pollfd p{master, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) {
            if (signalled && ::waitpid(child, nullptr, WNOHANG) == child) break;
            continue;
        }
        char buffer[512];
        const ssize_t n = ::read(master, buffer, sizeof buffer);
        if (n <= 0) break;  // EIO: the tool, the terminal's last user, has gone
        run.terminal.append(buffer, static_cast<std::size_t>(n));
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    run.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    ::close(input[1]);
    ::close(output[0]);
    ::close(master);
    return run;
}

}  // namespace

TEST_CASE("Ctrl-C or SIGTERM erases the progress line, and the signal still ends the tool") {
    for (int signal : {SIGINT, SIGTERM}) {
        INFO("signal " << signal);
        const TerminalRun run = run_on_terminal(false, signal, "flows/s");
        REQUIRE(run.terminal.find("0/1 files") != std::string::npos);
        CHECK(run.signal == signal);
        // The last thing on the terminal erases the line.
        INFO("terminal: " << run.terminal.substr(
                 run.terminal.size() > 120 ? run.terminal.size() - 120 : 0));
        REQUIRE(run.terminal.size() >= erase_line.size());
        CHECK(run.terminal.substr(run.terminal.size() - erase_line.size()) == erase_line);
    }
}

TEST_CASE("stdout into a pipe (a pager): no progress line on the terminal") {
    const TerminalRun run = run_on_terminal(true, SIGTERM, "never printed");
    CHECK(run.terminal == "");
    CHECK(run.signal == SIGTERM);
}
