#include "rotation_schedule.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace capture {

void check_rotations(long long rotations) {
    const std::string accepted =
        " (accepted: 0.." + std::to_string(max_rotations) + " rotations per day)";
    if (rotations > max_rotations)
        throw std::invalid_argument("-n " + std::to_string(rotations) +
                                    ": rotations limited to every 1 minute" + accepted);
    if (rotations < 0)
        throw std::invalid_argument("-n " + std::to_string(rotations) +
                                    ": rotations per day cannot be negative" + accepted);
}

std::time_t schedule_midnight(std::time_t now) {
    std::tm tm{};
    if (localtime_r(&now, &tm) == nullptr) return now - now % 86400;
    tm.tm_hour = 0;
    tm.tm_min = 0;
    tm.tm_sec = 0;
    // tm_isdst stays as localtime_r set it for `now`: that is the quirk the
    // archives were made with (see the header).
    const std::time_t midnight = std::mktime(&tm);
    // mktime cannot fail for a day localtime_r just produced except in
    // exotic zones; a UTC grid is better than no rotation at all.
    if (midnight == static_cast<std::time_t>(-1)) return now - now % 86400;
    return midnight;
}

RotationSchedule::RotationSchedule(int rotations_per_day) : rotations_(rotations_per_day) {
    check_rotations(rotations_per_day);
    interval_ = 86400.0 / (rotations_per_day + 1);
}

double RotationSchedule::next_boundary(double now) const {
    const auto whole = static_cast<std::time_t>(std::floor(now));
    double next = static_cast<double>(schedule_midnight(whole)) + interval_;
    while (now > next) next += interval_;
    return next;
}

double next_rotation_time(int rotations, double now) {
    return RotationSchedule(rotations).next_boundary(now);
}

}  // namespace capture
