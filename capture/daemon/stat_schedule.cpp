#include "stat_schedule.hpp"

namespace capture {

bool StatSchedule::due(std::time_t now) {
    if (interval_ == 0) return false;
    std::tm local{};
    ::localtime_r(&now, &local);
    const int minute = local.tm_min;
    // last_ keeps a minute from printing twice: the loop runs many times in it.
    if (first_ || (minute == next_ && minute != last_)) {
        first_ = false;
        last_ = minute;
        next_ = (minute + (interval_ - minute % interval_)) % 60;
        return true;
    }
    return false;
}

}  // namespace capture
