#include "common/scan_progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace flowquery {

ScanProgress::ScanProgress(bool enabled, std::size_t total_files)
    : enabled_(enabled),
      total_files_(total_files),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

ScanProgress::~ScanProgress() {
    if (printed_) std::fputs("\r\033[K", stderr);
}

void ScanProgress::maybe_print() {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    std::unique_lock lock(print_mutex_, std::try_to_lock);
    if (!lock.owns_lock() || now - last_print_ < std::chrono::milliseconds(250)) return;
    last_print_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double flows = static_cast<double>(flows_.load(std::memory_order_relaxed));
    std::fprintf(stderr, "\r\033[K%zu/%zu files, %.1f M flows, %.1f M flows/s",
                 files_.load(std::memory_order_relaxed), total_files_, flows / 1e6,
                 seconds > 0 ? flows / seconds / 1e6 : 0.0);
    std::fflush(stderr);
    printed_ = true;
}

}  // namespace flowquery
