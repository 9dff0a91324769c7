#pragma once

// Civil (proleptic Gregorian) dates as day counts, independent of TZ: names
// and directories carry local dates whose zone the reader may not share.

#include <chrono>
#include <cstdint>

namespace flowfile::detail {

inline bool valid_date(int year, int month, int day) {
    if (month < 1 || month > 12 || day < 1 || day > 31) return false;
    return std::chrono::year_month_day(std::chrono::year(year),
                                       std::chrono::month(static_cast<unsigned>(month)),
                                       std::chrono::day(static_cast<unsigned>(day)))
        .ok();
}

// Days since 1970-01-01 of a valid date.
inline std::int64_t days_from_civil(int year, int month, int day) {
    const std::chrono::sys_days d = std::chrono::year_month_day(
        std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
        std::chrono::day(static_cast<unsigned>(day)));
    return d.time_since_epoch().count();
}

}  // namespace flowfile::detail
