#pragma once

#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

namespace flowquery {

// The progress line of a long query: "37/96 files, 3.9 M flows, 19.2 M flows/s".
// Workers count; whichever thread calls maybe_print() prints at most four
// times a second.  Disabled, it costs a relaxed atomic add per file and one
// per batch of flows.
// Enabled, it also erases the line when SIGINT or SIGTERM ends the tool
// (Ctrl-C must not leave a stale line behind): a handler erases it and
// raises the signal again with its default action.
class ScanProgress {
  public:
    ScanProgress(bool enabled, std::size_t total_files);
    ~ScanProgress();  // clears the line, puts the signal actions back
    ScanProgress(const ScanProgress&) = delete;
    ScanProgress& operator=(const ScanProgress&) = delete;

    void add_flows(std::uint64_t n) { flows_.fetch_add(n, std::memory_order_relaxed); }
    void file_done() { files_.fetch_add(1, std::memory_order_relaxed); }
    void maybe_print();

  private:
    bool enabled_;
    std::size_t total_files_;
    std::atomic<std::uint64_t> flows_{0};
    std::atomic<std::size_t> files_{0};
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_print_;
    std::mutex print_mutex_;
    bool printed_ = false;
    struct sigaction old_int_ {};
    struct sigaction old_term_ {};
};

}  // namespace flowquery
