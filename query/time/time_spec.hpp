#pragma once

#include <cstdint>
#include <string_view>

namespace flowquery {

// Turns a --from/--to value into Unix seconds.  Accepted forms:
//   1773518400, @1773518400             epoch seconds
//   2026-03-14                          00:00:00 that day
//   2026-03-14T20:00, 2026-03-14 20:00:05 (T or one space)
// followed, for the date forms, by an optional zone: Z, +HH, +HHMM, +HH:MM
// or the same with '-'.  Without a zone the time is local (TZ).
//
// Local times are resolved without trusting mktime's normalisation: a local
// time skipped by a daylight saving change (02:30 on a spring-forward night)
// is an error naming it, and one that happens twice (the fall-back hour) is
// the earlier instant, i.e. the one still in summer time, so that a window
// starting there never misses flows.
//
// Throws UsageError("<option>: bad time 'X' (expected ...)") for anything
// else, including out-of-range fields (month 13, Feb 30, 24:00).
std::int64_t parse_time_point(std::string_view text, std::string_view option);

// The same in Unix milliseconds, for --from/--to: the seconds of either form
// may be followed by a fraction of one to three digits, so that every time
// the tools print ("2026-03-14T20:00:05.123+01:00", "...05.123Z") can be
// pasted back.  The error message then shows the fraction among the forms.
std::int64_t parse_time_point_ms(std::string_view text, std::string_view option);

// A --interval style length in seconds: "30s", "15m", "1h", "1d", "1w", or a
// plain number of seconds.  Must be greater than zero.  Throws UsageError
// naming the option and the text.
std::int64_t parse_duration(std::string_view text, std::string_view option);

// The largest time parse_time_point accepts (9999-12-31T23:59:59Z), small
// enough that callers may multiply by 1000 for milliseconds.
inline constexpr std::int64_t max_time_point = 253402300799;

}  // namespace flowquery
