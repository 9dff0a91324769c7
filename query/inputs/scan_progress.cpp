#include "inputs/scan_progress.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>

namespace flowquery {

namespace {

constexpr char erase_line[] = "\r\033[K";

// Set while a progress line is on the terminal; read by the signal handler.
volatile std::sig_atomic_t line_on_screen = 0;

void erase_and_reraise(int signal) {
    if (line_on_screen) {
        // write(2) is async-signal-safe, stdio is not.
        [[maybe_unused]] const ssize_t n =
            ::write(STDERR_FILENO, erase_line, sizeof erase_line - 1);
    }
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

// Installs the handler unless the signal is ignored (nohup, a background
// job): then it stays ignored.
void install(int signal, struct sigaction& old) {
    ::sigaction(signal, nullptr, &old);
    if (old.sa_handler == SIG_IGN) return;
    struct sigaction sa {};
    sa.sa_handler = erase_and_reraise;
    ::sigemptyset(&sa.sa_mask);
    ::sigaction(signal, &sa, nullptr);
}

}  // namespace

ScanProgress::ScanProgress(bool enabled, std::size_t total_files)
    : enabled_(enabled),
      total_files_(total_files),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {
    if (!enabled_) return;
    install(SIGINT, old_int_);
    install(SIGTERM, old_term_);
}

ScanProgress::~ScanProgress() {
    if (!enabled_) return;
    if (printed_) std::fputs(erase_line, stderr);
    std::fflush(stderr);
    line_on_screen = 0;
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
}

void ScanProgress::maybe_print() {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    std::unique_lock lock(print_mutex_, std::try_to_lock);
    if (!lock.owns_lock() || now - last_print_ < std::chrono::milliseconds(250)) return;
    last_print_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double flows = static_cast<double>(flows_.load(std::memory_order_relaxed));
    line_on_screen = 1;  // before it is: a signal may come while it is drawn
    std::fprintf(stderr, "\r\033[K%zu/%zu files, %.1f M flows, %.1f M flows/s",
                 files_.load(std::memory_order_relaxed), total_files_, flows / 1e6,
                 seconds > 0 ? flows / seconds / 1e6 : 0.0);
    std::fflush(stderr);
    printed_ = true;
}

}  // namespace flowquery
