#include "drop_episode.hpp"

namespace capture {

namespace {
constexpr auto summary_every = std::chrono::seconds(10);
constexpr auto quiet_to_end = std::chrono::seconds(1);
}  // namespace

void DropEpisode::dropped(Clock::time_point now) {
    if (!active_) {
        log_("writer not keeping up (disk full or too slow): dropping datagrams, counted");
        active_ = true;
        total_ = 0;
        since_summary_ = 0;
        last_summary_ = now;
    }
    ++total_;
    ++since_summary_;
    last_drop_ = now;
    tick(now);
}

void DropEpisode::tick(Clock::time_point now) {
    if (!active_) return;
    if (now - last_drop_ >= quiet_to_end) {
        log_("writer keeping up again: " + std::to_string(total_) + " datagrams dropped meanwhile");
        active_ = false;
        return;
    }
    if (now - last_summary_ >= summary_every) {
        log_("still dropping: " + std::to_string(since_summary_) + " datagrams in the last " +
             std::to_string(
                 std::chrono::duration_cast<std::chrono::seconds>(now - last_summary_).count()) +
             " s");
        since_summary_ = 0;
        last_summary_ = now;
    }
}

}  // namespace capture
