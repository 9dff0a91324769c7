#include "summary/summary_interval.hpp"

#include <ctime>

#include "time/floor_div.hpp"

namespace flowquery {

namespace {

// Monday 1970-01-05 00:00, the origin periods are counted from.
constexpr std::int64_t origin = 4 * 86400;

// The wall-clock period start, both in "wall seconds" (local time counted
// as if it were UTC).
std::int64_t floor_to_period(std::int64_t wall, std::int64_t length) {
    return floor_div(wall - origin, length) * length + origin;
}

long utc_offset(std::int64_t t) {
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    if (localtime_r(&tt, &tm) == nullptr) return 0;  // out of the C library's range
    return tm.tm_gmtoff;
}

// The first second in (lo, hi] whose UTC offset differs from lo's; hi when
// the offset at hi differs and there is a single change in between.
std::int64_t first_change_after(std::int64_t lo, std::int64_t hi) {
    const long before = utc_offset(lo);
    while (hi - lo > 1) {
        const std::int64_t mid = lo + (hi - lo) / 2;
        if (utc_offset(mid) == before)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

}  // namespace

IntervalBuckets::IntervalBuckets(std::int64_t length_seconds, TimeZoneStyle zone)
    : length_(length_seconds > 0 ? length_seconds : 1), zone_(zone) {}

std::int64_t IntervalBuckets::start_of(std::int64_t unix_seconds) {
    for (const Period& p : recent_)
        if (unix_seconds >= p.start && unix_seconds < p.end) return p.start;
    const Period p = compute(unix_seconds);
    recent_[next_] = p;
    next_ = (next_ + 1) % recent_.size();
    return p.start;
}

IntervalBuckets::Period IntervalBuckets::compute(std::int64_t t) const {
    if (zone_ == TimeZoneStyle::utc) {
        const std::int64_t start = floor_to_period(t, length_);
        return {start, start + length_};
    }
    const std::int64_t start = start_local(t);
    return {start, end_local(t, start)};
}

// The instant the local wall clock showed the period's first wall time:
// with t's offset if the clock had it then, else with the offset of that
// earlier time (a change lies between), else (the wall time was skipped)
// the change itself.
std::int64_t IntervalBuckets::start_local(std::int64_t t) const {
    const long offset = utc_offset(t);
    const std::int64_t wall_start = floor_to_period(t + offset, length_);
    const std::int64_t same_offset = wall_start - offset;
    const long offset_then = utc_offset(same_offset);
    if (offset_then == offset) return same_offset;
    const std::int64_t earlier_offset = wall_start - offset_then;
    if (earlier_offset <= t && utc_offset(earlier_offset) == offset_then) return earlier_offset;
    return first_change_after(same_offset, t);
}

// The first second after t that lies in another period.  Without a change
// of offset it is the next wall-clock boundary; a change before it may start
// a new period (clocks went forward past a boundary) or not (the repeated
// hour of a day), in which case the search goes on from the change.
std::int64_t IntervalBuckets::end_local(std::int64_t t, std::int64_t start) const {
    for (int changes = 0; changes < 4; ++changes) {
        const long offset = utc_offset(t);
        const std::int64_t wall = t + offset;
        const std::int64_t boundary = t + (floor_to_period(wall, length_) + length_ - wall);
        if (utc_offset(boundary) == offset) return boundary;
        const std::int64_t change = first_change_after(t, boundary);
        if (start_local(change) != start) return change;
        t = change;
    }
    return t + 1;  // a zone changing offset that often: remember this second only
}

}  // namespace flowquery
