#include "time/time_spec.hpp"

#include <chrono>
#include <ctime>
#include <optional>
#include <set>
#include <string>

#include "tools/usage_error.hpp"

namespace flowquery {
namespace {

// Whether a time may carry milliseconds (".123"), as the tools print them.
enum class Fraction { refused, allowed };

[[noreturn]] void bad_time(std::string_view text, std::string_view option, Fraction fraction) {
    throw UsageError(std::string(option) + ": bad time '" + std::string(text) +
                     (fraction == Fraction::allowed
                          ? "' (expected YYYY-MM-DD[THH:MM[:SS[.mmm]]][Z|+HH:MM] or epoch "
                            "seconds[.mmm])"
                          : "' (expected YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM] or epoch seconds)"));
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!is_digit(c)) return false;
    return true;
}

// Reads exactly `width` digits at the cursor.
class Cursor {
  public:
    explicit Cursor(std::string_view s) : rest_(s) {}

    std::optional<int> digits(std::size_t width) {
        if (rest_.size() < width) return std::nullopt;
        int value = 0;
        for (std::size_t i = 0; i < width; ++i) {
            if (!is_digit(rest_[i])) return std::nullopt;
            value = value * 10 + (rest_[i] - '0');
        }
        rest_.remove_prefix(width);
        return value;
    }
    bool take(char c) {
        if (rest_.empty() || rest_.front() != c) return false;
        rest_.remove_prefix(1);
        return true;
    }
    // ".5", ".12", ".123": milliseconds; none when no '.' follows.
    std::optional<int> fraction_ms() {
        if (!take('.')) return 0;
        std::size_t n = 0;
        int ms = 0;
        while (n < rest_.size() && is_digit(rest_[n])) {
            if (n == 3) return std::nullopt;
            ms = ms * 10 + (rest_[n] - '0');
            ++n;
        }
        if (n == 0) return std::nullopt;
        rest_.remove_prefix(n);
        for (; n < 3; ++n) ms *= 10;
        return ms;
    }
    bool at_end() const { return rest_.empty(); }
    bool next_is(char c) const { return !rest_.empty() && rest_.front() == c; }
    bool next_is_digit() const { return !rest_.empty() && is_digit(rest_.front()); }

  private:
    std::string_view rest_;
};

struct WallClock {
    int year, month, day, hour = 0, minute = 0, second = 0;
};

// The wall-clock fields read as if they were UTC.
std::int64_t as_if_utc(const WallClock& w) {
    using namespace std::chrono;
    const sys_days day_count =
        year{w.year} / month{static_cast<unsigned>(w.month)} / day{static_cast<unsigned>(w.day)};
    return std::int64_t{day_count.time_since_epoch().count()} * 86400 + w.hour * 3600 +
           w.minute * 60 + w.second;
}

std::optional<std::tm> local_fields(std::int64_t t) {
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    if (!::localtime_r(&tt, &tm)) return std::nullopt;
    return tm;
}

bool shows(const std::tm& tm, const WallClock& w) {
    return tm.tm_year + 1900 == w.year && tm.tm_mon + 1 == w.month && tm.tm_mday == w.day &&
           tm.tm_hour == w.hour && tm.tm_min == w.minute && tm.tm_sec == w.second;
}

// The instants whose local time reads `w`: none in a spring-forward gap, two
// in the repeated fall-back hour.  Candidates come from the UTC offsets in
// force around that day; each is kept only if localtime_r agrees, so no
// mktime normalisation rule is relied on.
std::set<std::int64_t> local_instants(const WallClock& w) {
    const std::int64_t wall = as_if_utc(w);
    std::set<long> offsets;
    for (std::int64_t probe : {wall - 86400, wall, wall + 86400})
        if (auto tm = local_fields(probe)) offsets.insert(tm->tm_gmtoff);
    std::set<std::int64_t> instants;
    for (long offset : offsets) {
        const std::int64_t candidate = wall - offset;
        if (auto tm = local_fields(candidate); tm && shows(*tm, w)) instants.insert(candidate);
    }
    return instants;
}

// Parses Z, +HH, +HHMM, +HH:MM (or '-'); returns the offset east of UTC.
std::optional<int> parse_zone(Cursor& c) {
    if (c.take('Z') || c.take('z')) return 0;
    int sign = 0;
    if (c.take('+'))
        sign = 1;
    else if (c.take('-'))
        sign = -1;
    else
        return std::nullopt;
    const auto hours = c.digits(2);
    if (!hours || *hours > 23) return std::nullopt;
    int minutes = 0;
    if (!c.at_end()) {
        c.take(':');
        const auto m = c.digits(2);
        if (!m || *m > 59) return std::nullopt;
        minutes = *m;
    }
    return sign * (*hours * 3600 + minutes * 60);
}

// Unix milliseconds; see parse_time_point and parse_time_point_ms.
std::int64_t parse_time(std::string_view text, std::string_view option, Fraction fraction) {
    auto bad_time = [&](std::string_view t, std::string_view o) {
        ::flowquery::bad_time(t, o, fraction);
    };
    auto milliseconds = [&](Cursor& c) {
        const auto ms = fraction == Fraction::allowed ? c.fraction_ms() : std::optional<int>(0);
        if (!ms) bad_time(text, option);
        return *ms;
    };
    std::string_view epoch = text;
    if (!epoch.empty() && epoch.front() == '@') epoch.remove_prefix(1);
    const std::string_view epoch_seconds = epoch.substr(0, epoch.find('.'));
    if (all_digits(epoch_seconds)) {
        // More than 12 digits cannot be <= max_time_point; stop before overflow.
        if (epoch_seconds.size() > 12) bad_time(text, option);
        std::int64_t seconds = 0;
        for (char ch : epoch_seconds) seconds = seconds * 10 + (ch - '0');
        Cursor c(epoch.substr(epoch_seconds.size()));
        const int ms = milliseconds(c);
        if (!c.at_end() || seconds > max_time_point) bad_time(text, option);
        return seconds * 1000 + ms;
    }

    Cursor c(text);
    int ms = 0;
    WallClock w{};
    auto year = c.digits(4);
    if (!year || !c.take('-')) bad_time(text, option);
    auto month = c.digits(2);
    if (!month || !c.take('-')) bad_time(text, option);
    auto day = c.digits(2);
    if (!day) bad_time(text, option);
    w.year = *year;
    w.month = *month;
    w.day = *day;
    {
        using namespace std::chrono;
        const year_month_day ymd{std::chrono::year{w.year},
                                 std::chrono::month{static_cast<unsigned>(w.month)},
                                 std::chrono::day{static_cast<unsigned>(w.day)}};
        if (!ymd.ok()) bad_time(text, option);
    }

    if (c.take('T') || c.take('t') || c.take(' ')) {
        auto hour = c.digits(2);
        if (!hour || *hour > 23 || !c.take(':')) bad_time(text, option);
        auto minute = c.digits(2);
        if (!minute || *minute > 59) bad_time(text, option);
        w.hour = *hour;
        w.minute = *minute;
        if (c.take(':')) {
            auto second = c.digits(2);
            if (!second || *second > 59) bad_time(text, option);
            w.second = *second;
            ms = milliseconds(c);
        }
    }

    std::int64_t result = 0;
    if (c.at_end()) {
        const auto instants = local_instants(w);
        if (instants.empty())
            throw UsageError(std::string(option) + ": local time '" + std::string(text) +
                             "' does not exist (skipped by a daylight saving change); give a "
                             "zone offset such as +01:00");
        result = *instants.begin();  // the fall-back hour: the earlier instant
    } else {
        const auto offset = parse_zone(c);
        if (!offset || !c.at_end()) bad_time(text, option);
        result = as_if_utc(w) - *offset;
    }
    if (result > max_time_point) bad_time(text, option);
    return result * 1000 + ms;
}

}  // namespace

std::int64_t parse_time_point(std::string_view text, std::string_view option) {
    return parse_time(text, option, Fraction::refused) / 1000;
}

std::int64_t parse_time_point_ms(std::string_view text, std::string_view option) {
    return parse_time(text, option, Fraction::allowed);
}

std::int64_t parse_duration(std::string_view text, std::string_view option) {
    auto bad = [&]() {
        return UsageError(std::string(option) + ": bad duration '" + std::string(text) +
                          "' (expected a number of seconds > 0, optionally followed by s, m, h, "
                          "d or w)");
    };
    std::string_view number = text;
    std::int64_t unit = 1;
    if (!number.empty() && !is_digit(number.back())) {
        switch (number.back()) {
            case 's':
                unit = 1;
                break;
            case 'm':
                unit = 60;
                break;
            case 'h':
                unit = 3600;
                break;
            case 'd':
                unit = 86400;
                break;
            case 'w':
                unit = 7 * 86400;
                break;
            default:
                throw bad();
        }
        number.remove_suffix(1);
    }
    if (!all_digits(number) || number.size() > 12) throw bad();
    std::int64_t count = 0;
    for (char ch : number) count = count * 10 + (ch - '0');
    if (count == 0 || count > max_time_point / unit) throw bad();
    return count * unit;
}

}  // namespace flowquery
