#pragma once

// Turns datagram drops (writer not keeping up) into a few log lines: one when
// an episode starts, a summary every 10 s while it lasts, one when nothing was
// dropped for a second.  Per-drop lines would flood syslog exactly when the
// machine is busiest.

#include <chrono>
#include <cstdint>
#include <string>

#include "daemon/log_sink.hpp"

namespace capture {

class DropEpisode {
  public:
    using Clock = std::chrono::steady_clock;

    explicit DropEpisode(LogSink log) : log_(std::move(log)) {}

    void dropped(Clock::time_point now);
    // Call regularly (each received batch and each idle wake-up).
    void tick(Clock::time_point now);
    bool active() const { return active_; }

  private:
    LogSink log_;
    bool active_ = false;
    std::uint64_t total_ = 0;  // in this episode
    std::uint64_t since_summary_ = 0;
    Clock::time_point last_drop_{};
    Clock::time_point last_summary_{};
};

}  // namespace capture
