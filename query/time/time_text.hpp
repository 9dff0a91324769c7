#pragma once

#include <cstdint>
#include <string>

namespace flowquery {

enum class TimeZoneStyle {
    local,  // the process's TZ, with its UTC offset: 2026-03-14T20:00:05+01:00
    utc,    // 2026-03-14T19:00:05Z
};

// ISO 8601 text of a wall-clock time.  Police requests and spreadsheets
// compare times across zones and DST changes, so the offset is always
// written.  With `with_ms`, milliseconds follow the seconds (".123").
std::string format_time(std::int64_t unix_ms, TimeZoneStyle style, bool with_ms);

}  // namespace flowquery
