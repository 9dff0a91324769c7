#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "time/time_text.hpp"

namespace flowquery {

// Cuts time into the periods of flow-stat --interval and names each period
// by the instant it starts (Unix seconds).
//
// Periods follow the wall clock of the zone: with TimeZoneStyle::local a
// 1d period starts at local midnight, so a daylight saving day lasts 23 or
// 25 hours; 1h periods start on the local hour (in a half-hour zone too), and
// the hour repeated when clocks go back is a period of its own (its start
// has the other UTC offset).  A period whose starting wall time was skipped
// by clocks going forward starts at the change.  Periods are aligned to
// midnight; lengths of whole weeks start on a Monday (any length counts from
// Monday 1970-01-05 00:00 wall time).  With TimeZoneStyle::utc the same
// rules apply to UTC, which has no changes.
class IntervalBuckets {
  public:
    IntervalBuckets(std::int64_t length_seconds, TimeZoneStyle zone);

    // The start of the period holding `unix_seconds`.  Records arrive in
    // roughly time order, so the last few periods are remembered and most
    // calls are two comparisons.
    std::int64_t start_of(std::int64_t unix_seconds);

  private:
    struct Period {
        std::int64_t start = 0;
        std::int64_t end = 0;  // exclusive; end == start: unused
    };
    Period compute(std::int64_t t) const;
    std::int64_t start_local(std::int64_t t) const;
    std::int64_t end_local(std::int64_t t, std::int64_t start) const;

    std::int64_t length_;
    TimeZoneStyle zone_;
    std::array<Period, 8> recent_{};
    std::size_t next_ = 0;
};

}  // namespace flowquery
