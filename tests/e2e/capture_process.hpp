#pragma once

// Runs the real flow-capture binary for end-to-end tests: started with the
// given arguments, stderr kept in a file, stopped with a signal.  What a
// sanitizer reports in it, or in a daemon it starts, fails the test.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "sanitizer_log.hpp"

namespace flowkeep_e2e {

inline std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// flow-capture's localip/remoteip/port argument for a capture on 127.0.0.1.
inline std::string listen_arg(std::uint16_t port, const std::string& remote = "0") {
    return "127.0.0.1/" + remote + "/" + std::to_string(port);
}

class CaptureProcess {
  public:
    // `program` is flow-capture unless a test shows what the sanitizer
    // check does with another one.
    CaptureProcess(const std::vector<std::string>& args, const std::filesystem::path& stderr_path,
                   const std::string& program = FLOW_CAPTURE_BIN)
        : stderr_path_(stderr_path) {
        pid_ = ::fork();
        if (pid_ == 0) {
            const int fd = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(fd, 2);
            std::vector<char*> argv;
            std::string path = program;
            argv.push_back(path.data());
            std::vector<std::string> copy = args;
            for (auto& a : copy) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execve(path.c_str(), argv.data(), sanitizer_log_.environment());
            ::_exit(127);
        }
    }
    ~CaptureProcess() {
        if (pid_ > 0 && !exited_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        check_sanitizer_log();
    }

    // Fails the test with each sanitizer report not seen before.  The
    // destructor calls it; a test calls it once a daemon is gone.
    void check_sanitizer_log() {
        const std::string reports = new_sanitizer_reports();
        if (reports.empty()) return;
        sanitizer_log_.keep();
        FAIL_CHECK(reports);
    }

    // Each sanitizer report not returned before, named and quoted.
    std::string new_sanitizer_reports() { return sanitizer_log_.new_reports(); }

    // Stops a daemon this process started: it is not the test's child, so
    // its exit status reaches nobody and only its disappearance says that
    // whatever it reported at exit is written.
    void stop_daemon(pid_t daemon, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        ::kill(daemon, SIGTERM);
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (::kill(daemon, 0) == 0 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        CHECK(::kill(daemon, 0) != 0);
        check_sanitizer_log();
    }

    void signal(int sig) { ::kill(pid_, sig); }

    // Exit status, or 128+signal; -1 when it did not end within the timeout.
    int wait(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                exited_ = true;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return -1;
    }

    bool running() {
        int status = 0;
        return !exited_ && ::waitpid(pid_, &status, WNOHANG) == 0;
    }

    std::string stderr_text() const { return read_text(stderr_path_); }

    // Waits until stderr contains `text` (the daemon logs once it is ready).
    bool wait_for_log(const std::string& text,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (stderr_text().find(text) != std::string::npos) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return false;
    }

    pid_t pid() const { return pid_; }

  private:
    SanitizerLog sanitizer_log_;  // made before the fork, which copies it
    pid_t pid_ = -1;
    bool exited_ = false;
    std::filesystem::path stderr_path_;
};

// Starts a foreground capture (-D is put first) and waits until its socket is
// bound: the daemon logs the receive buffer it set ("setsockopt(size=") once
// it has bound the port, so datagrams sent from then on reach it.
inline std::unique_ptr<CaptureProcess> start_foreground_capture(
    std::vector<std::string> args, const std::filesystem::path& stderr_path,
    std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    args.insert(args.begin(), "-D");
    auto p = std::make_unique<CaptureProcess>(args, stderr_path);
    REQUIRE(p->wait_for_log("setsockopt(size=", timeout));
    return p;
}

}  // namespace flowkeep_e2e
