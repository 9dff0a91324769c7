#include "time/time_text.hpp"

#include <cstdio>
#include <ctime>

#include "time/floor_div.hpp"

namespace flowquery {

std::string format_time(std::int64_t unix_ms, TimeZoneStyle style, bool with_ms) {
    const std::int64_t seconds = floor_div(unix_ms, 1000);
    const int millis = static_cast<int>(unix_ms - seconds * 1000);
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    if (style == TimeZoneStyle::utc) {
        gmtime_r(&t, &tm);
    } else {
        localtime_r(&t, &tm);
    }
    char buf[64];
    int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                          tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    if (with_ms) n += std::snprintf(buf + n, sizeof buf - n, ".%03d", millis);
    if (style == TimeZoneStyle::utc) {
        std::snprintf(buf + n, sizeof buf - n, "Z");
    } else {
        const long offset = tm.tm_gmtoff;
        const long magnitude = offset < 0 ? -offset : offset;
        std::snprintf(buf + n, sizeof buf - n, "%c%02ld:%02ld", offset < 0 ? '-' : '+',
                      magnitude / 3600, magnitude % 3600 / 60);
    }
    return buf;
}

}  // namespace flowquery
