#pragma once

// Where the sanitizer runtimes of a program the end-to-end tests start write
// their reports.  A daemon's stderr is /dev/null and its exit status reaches
// nobody, so an ASan or LSan report in it would be lost and the test would
// pass: each started program gets log_path pointing into a scratch
// directory of its own instead, read by the test once the program is gone.
// A build without the sanitizers has no runtime reading the options: the
// directory stays empty there.
//
// GCC's libubsan, linked beside libasan, keeps its reports on stderr
// whatever log_path says (seen with GCC 12); UBSan's log_path is set for
// the runtimes that honour it.  UB in a daemon built by GCC shows only as
// the daemon ending (-fno-sanitize-recover).

#include <unistd.h>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

extern char** environ;

namespace flowkeep_e2e {

class SanitizerLog {
  public:
    SanitizerLog() {
        std::random_device rd;
        dir_ = std::filesystem::temp_directory_path() /
               ("flowkeep-sanitizer-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(dir_);
        // A capture run with --user writes its report as that user.
        std::filesystem::permissions(
            dir_, std::filesystem::perms::all | std::filesystem::perms::sticky_bit);
        // Made before the fork: between fork and exec, the child of a test
        // with threads running should allocate as little as it can.
        for (char** e = environ; *e != nullptr; ++e) {
            const std::string entry = *e;
            if (entry.rfind("ASAN_OPTIONS=", 0) != 0 && entry.rfind("UBSAN_OPTIONS=", 0) != 0)
                environment_.push_back(entry);
        }
        // Appended to the inherited options, so that CI's (abort_on_error,
        // detect_leaks, halt_on_error) still hold.  Two runtimes, two
        // report files: each gets its own name.
        const std::pair<const char*, const char*> runtimes[] = {{"ASAN_OPTIONS", "asan"},
                                                                {"UBSAN_OPTIONS", "ubsan"}};
        for (const auto& [name, report] : runtimes) {
            const char* inherited = std::getenv(name);
            const std::string options = inherited != nullptr && *inherited != '\0'
                                            ? std::string(inherited) + ":"
                                            : std::string();
            environment_.push_back(std::string(name) + "=" + options +
                                   "log_path=" + (dir_ / report).string());
        }
        for (auto& entry : environment_) envp_.push_back(entry.data());
        envp_.push_back(nullptr);
    }
    // Kept when it holds a report the test failed on, for whoever reads the
    // failure.
    ~SanitizerLog() {
        if (kept_) return;
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    SanitizerLog(const SanitizerLog&) = delete;
    SanitizerLog& operator=(const SanitizerLog&) = delete;

    // The environment for execve: the test's own plus log_path.
    char* const* environment() const { return envp_.data(); }

    // Every report file not returned before, by name (the runtime appends
    // the pid), with its first lines; empty when there is none.
    std::string new_reports() {
        std::vector<std::filesystem::path> files;
        std::error_code ec;
        for (std::filesystem::directory_iterator it(dir_, ec), end; !ec && it != end;
             it.increment(ec))
            if (seen_.count(it->path()) == 0) files.push_back(it->path());
        std::sort(files.begin(), files.end());
        std::string out;
        for (const auto& file : files) {
            seen_.insert(file);
            out += "sanitizer report " + file.string() + ":\n";
            std::ifstream in(file);
            std::string line;
            for (int n = 0; n < quoted_lines && std::getline(in, line); ++n)
                out += "  " + line + "\n";
        }
        return out;
    }

    void keep() { kept_ = true; }

  private:
    static constexpr int quoted_lines = 20;

    std::filesystem::path dir_;
    std::vector<std::string> environment_;
    std::vector<char*> envp_;
    std::set<std::filesystem::path> seen_;
    bool kept_ = false;
};

}  // namespace flowkeep_e2e
