#include <time.h>

#include <chrono>
#include <cstdio>

#include "archive_calendar.hpp"
#include "flowfile/archive.hpp"
#include "flowfile/error.hpp"
#include "flowfile/record6.hpp"

namespace flowfile {

namespace {

// Reads exactly `width` decimal digits at `pos`; advances `pos` on success.
std::optional<int> fixed_digits(std::string_view s, std::size_t& pos, std::size_t width) {
    if (pos + width > s.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < width; ++i) {
        const char c = s[pos + i];
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    pos += width;
    return value;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
    if (pos >= s.size() || s[pos] != c) return false;
    ++pos;
    return true;
}

// The version is "%2.2d": two digits at least, so "05" and "1005" but never
// "005" or "5".  Requiring that form keeps parse and format inverse.
std::optional<std::uint16_t> version_digits(std::string_view s, std::size_t& pos) {
    std::size_t end = pos;
    while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
    const std::size_t n = end - pos;
    if (n < 2 || n > 5) return std::nullopt;
    if (n > 2 && s[pos] == '0') return std::nullopt;
    std::uint32_t value = 0;
    for (std::size_t i = pos; i < end; ++i)
        value = value * 10 + static_cast<std::uint32_t>(s[i] - '0');
    if (value > 0xFFFF) return std::nullopt;
    pos = end;
    return static_cast<std::uint16_t>(value);
}

}  // namespace

std::int64_t FileName::creation_time() const {
    return detail::days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second -
           std::int64_t{utc_offset_minutes} * 60;
}

std::string FileName::str() const {
    const int off = utc_offset_minutes < 0 ? -utc_offset_minutes : utc_offset_minutes;
    const char sign = utc_offset_minutes < 0 ? '-' : '+';
    char method[16] = "";
    if (export_version == 8) std::snprintf(method, sizeof method, "m%02d", agg_method.value_or(0));
    char series[32];
    if (ipv6_series())
        std::snprintf(series, sizeof series, "%sip6", in_progress ? "tmp-" : "");
    else
        std::snprintf(series, sizeof series, "%sv%02d%s", in_progress ? "tmp-" : "ft-",
                      static_cast<int>(export_version), method);
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s.%04d-%02d-%02d.%02d%02d%02d%c%02d%02d", series, year, month,
                  day, hour, minute, second, sign, off / 60, off % 60);
    return buf;
}

bool FileName::ipv6_series() const {
    return export_version == ipv6_export_version;
}

FileName FileName::closed() const {
    FileName n = *this;
    n.in_progress = false;
    return n;
}

bool is_in_progress_name(std::string_view file_name) {
    return file_name.starts_with("tmp-");
}

std::optional<FileName> parse_file_name(std::string_view s) {
    FileName n;
    std::size_t pos = 0;
    if (s.starts_with("tmp-")) {
        n.in_progress = true;
        pos = 4;
    }
    if (s.substr(pos).starts_with("ip6.")) {
        n.export_version = ipv6_export_version;
        pos += 3;
    } else if (!n.in_progress && !s.starts_with("ft-")) {
        return std::nullopt;
    } else {
        if (!n.in_progress) pos = 3;
        if (!expect(s, pos, 'v')) return std::nullopt;
        const auto version = version_digits(s, pos);
        // flowkeep's own version number is spelled "ip6", never "v32774".
        if (!version || *version == ipv6_export_version) return std::nullopt;
        n.export_version = *version;
    }
    if (n.export_version == 8) {
        if (!expect(s, pos, 'm')) return std::nullopt;
        const auto method = fixed_digits(s, pos, 2);
        if (!method) return std::nullopt;
        n.agg_method = static_cast<std::uint8_t>(*method);
    }

    if (!expect(s, pos, '.')) return std::nullopt;
    const auto year = fixed_digits(s, pos, 4);
    if (!year || !expect(s, pos, '-')) return std::nullopt;
    const auto month = fixed_digits(s, pos, 2);
    if (!month || !expect(s, pos, '-')) return std::nullopt;
    const auto day = fixed_digits(s, pos, 2);
    if (!day || !expect(s, pos, '.')) return std::nullopt;
    if (!detail::valid_date(*year, *month, *day)) return std::nullopt;
    n.year = *year;
    n.month = *month;
    n.day = *day;

    const auto hour = fixed_digits(s, pos, 2);
    const auto minute = hour ? fixed_digits(s, pos, 2) : std::nullopt;
    const auto second = minute ? fixed_digits(s, pos, 2) : std::nullopt;
    // 60 is what localtime gives during a leap second in the right/ zones.
    if (!second || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
    n.hour = *hour;
    n.minute = *minute;
    n.second = *second;

    if (pos >= s.size() || (s[pos] != '+' && s[pos] != '-')) return std::nullopt;
    const bool negative = s[pos++] == '-';
    const auto off_hours = fixed_digits(s, pos, 2);
    const auto off_minutes = off_hours ? fixed_digits(s, pos, 2) : std::nullopt;
    if (!off_minutes || *off_hours > 23 || *off_minutes > 59) return std::nullopt;
    n.utc_offset_minutes = *off_hours * 60 + *off_minutes;
    // flow-capture writes '+' for a zero offset; "-0000" would not round-trip.
    if (negative) {
        if (n.utc_offset_minutes == 0) return std::nullopt;
        n.utc_offset_minutes = -n.utc_offset_minutes;
    }
    if (pos != s.size()) return std::nullopt;
    return n;
}

FileName file_name_at(std::int64_t unix_time, std::uint16_t export_version,
                      std::optional<std::uint8_t> agg_method, bool in_progress) {
    const time_t t = static_cast<time_t>(unix_time);
    struct tm local {};
    struct tm utc {};
    if (!localtime_r(&t, &local) || !gmtime_r(&t, &utc))
        throw Error("cannot convert time " + std::to_string(unix_time) + " to a date");

    FileName n;
    n.in_progress = in_progress;
    n.export_version = export_version;
    if (export_version == 8) n.agg_method = agg_method.value_or(0);
    n.year = local.tm_year + 1900;
    n.month = local.tm_mon + 1;
    n.day = local.tm_mday;
    n.hour = local.tm_hour;
    n.minute = local.tm_min;
    n.second = local.tm_sec;
    // Broken-down difference in whole minutes, as flow-capture computes it,
    // rather than tm_gmtoff: both agree for every zone with a whole-minute
    // offset, and this matches the original for the odd historic ones too.
    const std::int64_t local_minutes =
        detail::days_from_civil(n.year, n.month, n.day) * 1440 + local.tm_hour * 60 + local.tm_min;
    const std::int64_t utc_minutes =
        detail::days_from_civil(utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday) * 1440 +
        utc.tm_hour * 60 + utc.tm_min;
    n.utc_offset_minutes = static_cast<int>(local_minutes - utc_minutes);
    return n;
}

void check_nesting_level(int level) {
    if (level < min_nesting_level || level > max_nesting_level)
        throw Error("nesting level " + std::to_string(level) +
                    " is out of range (accepted: " + std::to_string(min_nesting_level) + ".." +
                    std::to_string(max_nesting_level) + ")");
}

std::string nest_directory(const FileName& name, int level) {
    check_nesting_level(level);
    char y[64], ym[64], ymd[64];
    std::snprintf(y, sizeof y, "%04d", name.year);
    std::snprintf(ym, sizeof ym, "%04d-%02d", name.year, name.month);
    std::snprintf(ymd, sizeof ymd, "%04d-%02d-%02d", name.year, name.month, name.day);
    switch (level) {
        case 0:
            return "";
        case 1:
            return y;
        case 2:
            return std::string(y) + "/" + ym;
        case -1:
            return ymd;
        case -2:
            return std::string(ym) + "/" + ymd;
        default:
            return std::string(y) + "/" + ym + "/" + ymd;  // 3 and -3
    }
}

std::string nest_path(const FileName& name, int level) {
    std::string dir = nest_directory(name, level);
    return dir.empty() ? name.str() : dir + "/" + name.str();
}

}  // namespace flowfile
