#pragma once

// When flow-capture closes a file (-n, flow-capture.md §6).  The grid is
// counted from local midnight as flow-capture computes it, quirks included,
// because archives and the scripts reading them expect the same file
// boundaries as before.  Everything is a function of (n, now, the process's
// TZ), so tests can check any zone and any day without waiting.

#include <ctime>

namespace capture {

inline constexpr int default_rotations = 95;  // every 15 minutes
inline constexpr int max_rotations = 1439;    // every minute

// Throws std::invalid_argument naming the value when `rotations` is outside
// 0..max_rotations, e.g. "-n 1440: rotations limited to every 1 minute
// (accepted: 0..1439 rotations per day)".
void check_rotations(long long rotations);

// The "midnight" the grid starts from: local midnight of `now`'s day as
// mktime() gives it when handed localtime(now) with the time of day zeroed
// and tm_isdst left as it is at `now`.  On a DST-change day, after the
// change, that is the real midnight shifted by the DST step (autumn: one
// hour later, spring: one hour earlier); flow-capture's schedule shifts with
// it and so does ours.
std::time_t schedule_midnight(std::time_t now);

class RotationSchedule {
  public:
    // Throws std::invalid_argument as check_rotations does.
    explicit RotationSchedule(int rotations_per_day = default_rotations);

    int rotations_per_day() const { return rotations_; }
    // Length of a file: 86400.0 / (n + 1) seconds.
    double interval() const { return interval_; }

    // The boundary of the file opened at `now` (Unix seconds with fraction):
    // the first schedule_midnight(now) + k * interval (k >= 1) that `now` is
    // not past, reached by repeated addition as flow-capture does it, so the
    // rounding is the same too.  A `now` exactly on a boundary returns it.
    double next_boundary(double now) const;

    // flow-capture closes the file at the first loop iteration where this
    // holds; a datagram handled in that iteration still goes to the old file.
    static bool due(double now, double boundary) { return now > boundary; }

  private:
    int rotations_;
    double interval_;
};

// RotationSchedule(rotations).next_boundary(now), for callers that keep only
// the number.
double next_rotation_time(int rotations, double now);

}  // namespace capture
