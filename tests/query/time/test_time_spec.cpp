#include <catch2/catch.hpp>

#include "support/time_zone.hpp"
#include "time/time_spec.hpp"
#include "time/time_text.hpp"
#include "tools/usage_error.hpp"

using flowquery::parse_duration;
using flowquery::parse_time_point;
using flowquery::UsageError;

namespace {

std::string time_error(const std::string& text, const std::string& option = "--from") {
    try {
        parse_time_point(text, option);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "(accepted)";
}

std::string bad_time_message(const std::string& text, const std::string& option = "--from") {
    return option + ": bad time '" + text +
           "' (expected YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM] or epoch seconds)";
}

std::string duration_error(const std::string& text) {
    try {
        parse_duration(text, "--interval");
    } catch (const UsageError& e) {
        return e.what();
    }
    return "(accepted)";
}

}  // namespace

TEST_CASE("epoch seconds, with or without @") {
    CHECK(parse_time_point("1773518405", "--from") == 1773518405);
    CHECK(parse_time_point("@1773518405", "--from") == 1773518405);
    CHECK(parse_time_point("0", "--from") == 0);
    // A lone year is all digits, hence epoch seconds.
    CHECK(parse_time_point("2026", "--from") == 2026);
    CHECK(parse_time_point("253402300799", "--to") == 253402300799);
}

TEST_CASE("dates and date-times in UTC (the test's TZ)") {
    CHECK(parse_time_point("2026-03-14", "--from") == 1773446400);
    CHECK(parse_time_point("2026-03-14T20:00", "--from") == 1773518400);
    CHECK(parse_time_point("2026-03-14T20:00:05", "--from") == 1773518405);
    CHECK(parse_time_point("2026-03-14 20:00:05", "--from") == 1773518405);
    CHECK(parse_time_point("2024-02-29", "--from") == 1709164800);
}

TEST_CASE("zone suffixes override TZ") {
    flowkeep_test::ScopedTimeZone zone("Europe/Prague");
    CHECK(parse_time_point("2026-03-14T20:00:05Z", "--from") == 1773518405);
    CHECK(parse_time_point("2026-03-14T21:00:05+01", "--from") == 1773518405);
    CHECK(parse_time_point("2026-03-14T21:00:05+0100", "--from") == 1773518405);
    CHECK(parse_time_point("2026-03-14T21:30:05+01:30", "--from") == 1773518405);
    CHECK(parse_time_point("2026-03-14T15:00:05-05:00", "--from") == 1773518405);
    CHECK(parse_time_point("2026-03-14T20:00Z", "--from") == 1773518400);
    CHECK(parse_time_point("2026-03-14Z", "--from") == 1773446400);
    CHECK(parse_time_point("2026-03-14+01:00", "--from") == 1773446400 - 3600);
    // Without a zone the same text is Prague's winter time (UTC+1).
    CHECK(parse_time_point("2026-03-14T21:00:05", "--from") == 1773518405);
}

TEST_CASE("Europe/Prague: the spring-forward gap is an error, the fall-back hour the earlier") {
    flowkeep_test::ScopedTimeZone zone("Europe/Prague");
    CHECK(time_error("2026-03-29 02:30") ==
          "--from: local time '2026-03-29 02:30' does not exist (skipped by a daylight saving "
          "change); give a zone offset such as +01:00");
    CHECK(time_error("2026-03-29T02:00:00", "--to") ==
          "--to: local time '2026-03-29T02:00:00' does not exist (skipped by a daylight saving "
          "change); give a zone offset such as +01:00");
    // Either side of the gap exists: clocks jump from 02:00 CET to 03:00 CEST at 01:00Z.
    const std::int64_t change = 1774746000;  // 2026-03-29T01:00:00Z
    CHECK(parse_time_point("2026-03-29T01:59:59", "--from") == change - 1);
    CHECK(parse_time_point("2026-03-29T03:00", "--from") == change);
    // 02:30 happens at 00:30Z (CEST) and at 01:30Z (CET): the earlier wins.
    CHECK(parse_time_point("2026-10-25 02:30", "--from") == 1792888200);
    CHECK(parse_time_point("2026-10-25T03:00", "--from") == 1792888200 + 5400);
}

TEST_CASE("America/New_York: the same rules on its own change days") {
    flowkeep_test::ScopedTimeZone zone("America/New_York");
    CHECK(time_error("2026-03-08T02:30") ==
          "--from: local time '2026-03-08T02:30' does not exist (skipped by a daylight saving "
          "change); give a zone offset such as +01:00");
    CHECK(parse_time_point("2026-03-08T03:30", "--from") == 1772955000);  // 07:30Z, EDT
    // 01:30 happens at 05:30Z (EDT) and 06:30Z (EST).
    CHECK(parse_time_point("2026-11-01T01:30", "--from") == 1793511000);
    CHECK(parse_time_point("2026-11-01", "--from") == 1793511000 - 5400);  // 04:00Z, EDT
}

TEST_CASE("rejected time forms name the option and the text") {
    for (const char* text : {"",
                             "@",
                             "@-5",
                             "-5",
                             "2026-3-14",
                             "2026-03-1",
                             "26-03-14",
                             "2026/03/14",
                             "2026-13-01",
                             "2026-00-10",
                             "2026-02-30",
                             "2025-02-29",
                             "2026-04-31",
                             "2026-03-00",
                             "2026-03-14T24:00",
                             "2026-03-14T23:60",
                             "2026-03-14T23:59:60",
                             "2026-03-14T20",
                             "2026-03-14T20:",
                             "2026-03-14T2:00",
                             "2026-03-14T20:00:5",
                             "2026-03-14T",
                             "2026-03-14 ",
                             " 2026-03-14",
                             "2026-03-14T20:00+1",
                             "2026-03-14T20:00+24:00",
                             "2026-03-14T20:00+01:60",
                             "2026-03-14T20:00+01:",
                             "2026-03-14T20:00Zx",
                             "2026-03-14T20:00 UTC",
                             "yesterday",
                             "1e9",
                             "253402300800",
                             "9999999999999999999999",
                             "9999-12-31T23:59:59-01:00"}) {
        INFO(text);
        CHECK(time_error(text) == bad_time_message(text));
    }
    CHECK(time_error("2026-02-30", "--to") == bad_time_message("2026-02-30", "--to"));
}

TEST_CASE("durations") {
    CHECK(parse_duration("30s", "--interval") == 30);
    CHECK(parse_duration("15m", "--interval") == 900);
    CHECK(parse_duration("1h", "--interval") == 3600);
    CHECK(parse_duration("6h", "--interval") == 21600);
    CHECK(parse_duration("1d", "--interval") == 86400);
    CHECK(parse_duration("1w", "--interval") == 604800);
    CHECK(parse_duration("300", "--interval") == 300);
}

TEST_CASE("rejected durations") {
    for (const char* text : {"", "0", "0h", "h", "-1h", "1.5h", "1H", "1y", "1 h", " 1h", "1hh",
                             "99999999999999w", "9999999999999"}) {
        INFO(text);
        CHECK(duration_error(text) == std::string("--interval: bad duration '") + text +
                                          "' (expected a number of seconds > 0, optionally "
                                          "followed by s, m, h, d or w)");
    }
}

namespace {

std::string time_ms_error(const std::string& text) {
    try {
        flowquery::parse_time_point_ms(text, "--to");
    } catch (const UsageError& e) {
        return e.what();
    }
    return "(accepted)";
}

}  // namespace

TEST_CASE("from and to times take the milliseconds the tools print") {
    using flowquery::parse_time_point_ms;
    CHECK(parse_time_point_ms("2026-03-14T20:00:05.123Z", "--from") == 1773518405123);
    CHECK(parse_time_point_ms("2026-03-14T21:00:05.123+01:00", "--from") == 1773518405123);
    CHECK(parse_time_point_ms("2026-03-14 20:00:05.5", "--from") == 1773518405500);
    CHECK(parse_time_point_ms("2026-03-14T20:00:05.07Z", "--from") == 1773518405070);
    CHECK(parse_time_point_ms("2026-03-14T20:00:05Z", "--from") == 1773518405000);
    CHECK(parse_time_point_ms("2026-03-14", "--from") == 1773446400000);
    CHECK(parse_time_point_ms("1773518405.123", "--from") == 1773518405123);
    CHECK(parse_time_point_ms("@1773518405", "--from") == 1773518405000);
    // The seconds-only parser (the clients file) still refuses a fraction.
    CHECK(time_error("2026-03-14T20:00:05.123Z") == bad_time_message("2026-03-14T20:00:05.123Z"));
}

TEST_CASE("every time the tools print parses back to the same millisecond") {
    using flowquery::format_time;
    using flowquery::TimeZoneStyle;
    flowkeep_test::ScopedTimeZone zone("Europe/Prague");
    // Around the fall-back hour, when 02:30 happens twice: the printed
    // offset says which.
    const std::int64_t oct25_0000z_ms = 1792886400000;
    for (std::int64_t ms = oct25_0000z_ms - 7200123; ms < oct25_0000z_ms + 7200000; ms += 900007) {
        for (TimeZoneStyle style : {TimeZoneStyle::local, TimeZoneStyle::utc}) {
            const std::string printed = format_time(ms, style, true);
            INFO(printed);
            CHECK(flowquery::parse_time_point_ms(printed, "--from") == ms);
        }
    }
}

TEST_CASE("a bad fraction names the option and the forms with milliseconds") {
    for (const char* text :
         {"2026-03-14T20:00:05.", "2026-03-14T20:00:05.1234", "2026-03-14T20:00.5", "2026-03-14.5",
          "1773518405.", "1773518405.x", "1773518405.1234", ".5", "2026-03-14T20:00:05.-1Z"}) {
        INFO(text);
        CHECK(time_ms_error(text) == std::string("--to: bad time '") + text +
                                         "' (expected YYYY-MM-DD[THH:MM[:SS[.mmm]]][Z|+HH:MM] or "
                                         "epoch seconds[.mmm])");
    }
}
