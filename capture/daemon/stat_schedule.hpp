#pragma once

// When flow-capture -S M prints its STAT lines (flow-capture.md §9): at the
// first loop iteration, then whenever the local minute reaches the next
// multiple of M; for M not dividing 60 the phase restarts each hour.

#include <ctime>

namespace capture {

class StatSchedule {
  public:
    explicit StatSchedule(int interval_minutes) : interval_(interval_minutes) {}
    // True when the STAT lines are due at `now` (local time of the process).
    bool due(std::time_t now);

  private:
    int interval_;
    bool first_ = true;
    int next_ = -1;
    int last_ = -1;
};

}  // namespace capture
