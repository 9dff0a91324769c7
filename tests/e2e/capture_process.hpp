#pragma once

// Runs the real flow-capture binary for end-to-end tests: started with the
// given arguments, stderr kept in a file, stopped with a signal.

#include <sys/wait.h>
#include <unistd.h>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace flowkeep_e2e {

class CaptureProcess {
  public:
    CaptureProcess(const std::vector<std::string>& args, const std::filesystem::path& stderr_path)
        : stderr_path_(stderr_path) {
        pid_ = ::fork();
        if (pid_ == 0) {
            const int fd = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(fd, 2);
            std::vector<char*> argv;
            std::string program = FLOW_CAPTURE_BIN;
            argv.push_back(program.data());
            std::vector<std::string> copy = args;
            for (auto& a : copy) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(program.c_str(), argv.data());
            ::_exit(127);
        }
    }
    ~CaptureProcess() {
        if (pid_ > 0 && !exited_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
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

    std::string stderr_text() const {
        std::ifstream in(stderr_path_);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }

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
    pid_t pid_ = -1;
    bool exited_ = false;
    std::filesystem::path stderr_path_;
};

}  // namespace flowkeep_e2e
