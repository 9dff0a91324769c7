#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "archive/rotation_schedule.hpp"
#include "flowfile/archive.hpp"
#include "support/time_zone.hpp"

using capture::RotationSchedule;

namespace {

// Unix seconds of a UTC date and time.
double utc(int year, int month, int day, int hour, int minute, double second) {
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    return static_cast<double>(timegm(&tm)) + second;
}

// Creation instant of a flow-capture file, from its name (exact across DST).
double created(const std::string& path) {
    const auto name = flowfile::parse_file_name(path.substr(path.rfind('/') + 1));
    if (!name) throw std::runtime_error("not a flow file name: " + path);
    return static_cast<double>(name->creation_time());
}

// "# capture end:          Sun, 31 Oct 2010 02:08:19 +0100" -> Unix seconds.
double header_time(const std::string& line) {
    static const std::string months = "JanFebMarAprMayJunJulAugSepOctNovDec";
    int day = 0, year = 0, hour = 0, minute = 0, second = 0, zh = 0, zm = 0;
    char month[4] = {};
    char sign = '+';
    if (std::sscanf(line.c_str(), "%*[^:]: %*3s, %d %3s %d %d:%d:%d %c%2d%2d", &day, month, &year,
                    &hour, &minute, &second, &sign, &zh, &zm) != 9)
        throw std::runtime_error("not a flow-header time: " + line);
    const int month_number = static_cast<int>(months.find(month)) / 3 + 1;
    const double offset = (sign == '-' ? -1 : 1) * (zh * 3600.0 + zm * 60.0);
    return utc(year, month_number, day, hour, minute, second) - offset;
}

std::vector<std::string> lines_of(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    return lines;
}

struct CapturedFile {
    std::string name;
    double created = 0;
    std::optional<double> ended;  // header capture end, when the run kept headers
};

// A run's files in creation order.
std::vector<CapturedFile> run_files(const std::vector<std::string>& names,
                                    const std::map<std::string, double>& ends = {}) {
    std::vector<CapturedFile> files;
    for (const std::string& path : names) {
        const std::string name = path.substr(path.rfind('/') + 1);
        CapturedFile f{name, created(name), std::nullopt};
        if (const auto it = ends.find(name); it != ends.end()) f.ended = it->second;
        files.push_back(f);
    }
    std::sort(files.begin(), files.end(),
              [](const CapturedFile& a, const CapturedFile& b) { return a.created < b.created; });
    return files;
}

// `==> ./path <==` blocks of flow-header output: file name -> capture end.
std::map<std::string, double> header_ends(const std::vector<std::string>& lines) {
    std::map<std::string, double> ends;
    std::string current;
    for (const std::string& line : lines) {
        if (line.rfind("==> ", 0) == 0) {
            const std::string path = line.substr(4, line.size() - 8);
            current = path.substr(path.rfind('/') + 1);
        } else if (line.find("capture end:") != std::string::npos) {
            ends[current] = header_time(line);
        }
    }
    return ends;
}

// What flow-capture did with each file of an idle run: it computed the
// boundary when it created the file, closed the file at the first loop
// iteration (1 s apart) past the boundary, and created the next one an
// iteration later.  So the successor is named 0..2 s after the boundary and
// the header's end second is the boundary's second or the next one.  A
// boundary off by the DST step (or by anything else) misses these windows.
void check_run_follows_schedule(const std::vector<CapturedFile>& files, int rotations) {
    REQUIRE(files.size() >= 2);
    const RotationSchedule schedule(rotations);
    for (std::size_t i = 0; i + 1 < files.size(); ++i) {
        const double boundary = schedule.next_boundary(files[i].created);
        INFO(files[i].name << " -> boundary " << std::fixed << boundary << ", next file "
                           << files[i + 1].name);
        CHECK(files[i + 1].created > boundary);
        CHECK(files[i + 1].created <= boundary + 2);
        if (files[i].ended) {
            CHECK(*files[i].ended >= std::floor(boundary));
            CHECK(*files[i].ended <= std::floor(boundary) + 1);
        }
    }
}

void check_layout_run(const std::string& run, const char* zone, bool with_headers) {
    flowkeep_test::ScopedTimeZone tz(zone);
    const std::string base = std::string(FLOWKEEP_TEST_DATA) + "/layout/" + run;
    const auto ends = with_headers ? header_ends(lines_of(base + ".headers.txt"))
                                   : std::map<std::string, double>{};
    const auto files = run_files(lines_of(base + ".find.txt"), ends);
    if (with_headers) {
        for (const auto& f : files) CHECK(f.ended.has_value());
    }
    check_run_follows_schedule(files, 100);
}

}  // namespace

TEST_CASE("file length is 86400/(n+1) seconds", "[capture][rotation]") {
    CHECK(RotationSchedule().rotations_per_day() == 95);
    CHECK(RotationSchedule().interval() == 900.0);
    CHECK(RotationSchedule(0).interval() == 86400.0);
    CHECK(RotationSchedule(23).interval() == 3600.0);
    CHECK(RotationSchedule(287).interval() == 300.0);
    CHECK(RotationSchedule(1439).interval() == 60.0);
    CHECK(RotationSchedule(100).interval() == Approx(855.4455445544).epsilon(1e-12));
}

TEST_CASE("rotations per day are 0..1439 and a bad value is named", "[capture][rotation]") {
    CHECK_NOTHROW(capture::check_rotations(0));
    CHECK_NOTHROW(capture::check_rotations(1439));
    CHECK_THROWS_WITH(capture::check_rotations(1440),
                      "-n 1440: rotations limited to every 1 minute (accepted: 0..1439 rotations "
                      "per day)");
    CHECK_THROWS_WITH(capture::check_rotations(100000),
                      "-n 100000: rotations limited to every 1 minute (accepted: 0..1439 "
                      "rotations per day)");
    CHECK_THROWS_WITH(capture::check_rotations(-1),
                      "-n -1: rotations per day cannot be negative (accepted: 0..1439 rotations "
                      "per day)");
    CHECK_THROWS_AS(RotationSchedule(1440), std::invalid_argument);
    CHECK_THROWS_AS(RotationSchedule(-5), std::invalid_argument);
}

TEST_CASE("rotation boundaries of -n 100 in the layout runs (CASE.md)", "[capture][rotation]") {
    flowkeep_test::ScopedTimeZone tz("UTC");
    const RotationSchedule s(100);
    // Started at 23:40:10; each next file opens 1-2 s after a boundary.
    const double b1 = s.next_boundary(utc(2009, 10, 15, 23, 40, 10));
    CHECK(b1 == Approx(utc(2009, 10, 15, 23, 45, 44.554)).margin(0.0005));
    const double b2 = s.next_boundary(utc(2009, 10, 15, 23, 45, 46));
    CHECK(b2 == Approx(utc(2009, 10, 16, 0, 0, 0)).margin(1e-6));
    const double b3 = s.next_boundary(utc(2009, 10, 16, 0, 0, 1));
    CHECK(b3 == Approx(utc(2009, 10, 16, 0, 14, 15.445)).margin(0.0006));
    const double b4 = s.next_boundary(utc(2009, 10, 16, 0, 14, 16));
    CHECK(b4 == Approx(utc(2009, 10, 16, 0, 28, 30.891)).margin(0.0005));
    CHECK(b4 - b3 == Approx(855.4455445544).margin(1e-6));

    // The file is closed once now is past the boundary, not at it.
    CHECK_FALSE(RotationSchedule::due(b1, b1));
    CHECK_FALSE(RotationSchedule::due(utc(2009, 10, 15, 23, 45, 44.5), b1));
    CHECK(RotationSchedule::due(utc(2009, 10, 15, 23, 45, 44.6), b1));
    // A time exactly on a boundary belongs to the file ending there.
    CHECK(s.next_boundary(b4) == b4);
    CHECK(capture::next_rotation_time(100, utc(2009, 10, 16, 0, 14, 16)) == b4);
}

TEST_CASE("rotation with -n 95 is at the quarter hours", "[capture][rotation]") {
    flowkeep_test::ScopedTimeZone tz("UTC");
    const RotationSchedule s(95);
    CHECK(s.next_boundary(utc(2009, 10, 16, 10, 7, 30)) == utc(2009, 10, 16, 10, 15, 0));
    CHECK(s.next_boundary(utc(2009, 10, 16, 10, 15, 0.5)) == utc(2009, 10, 16, 10, 30, 0));
    CHECK(s.next_boundary(utc(2009, 10, 16, 0, 0, 0.2)) == utc(2009, 10, 16, 0, 15, 0));
    CHECK(s.next_boundary(utc(2009, 10, 16, 23, 50, 1)) == utc(2009, 10, 17, 0, 0, 0));
    // Everywhere in a day the boundary is the next quarter hour.
    for (double t = utc(2009, 10, 16, 0, 0, 1); t < utc(2009, 10, 17, 0, 0, 0); t += 433.7) {
        const double expected = std::ceil(t / 900.0) * 900.0;
        INFO(std::fixed << t);
        CHECK(s.next_boundary(t) == Approx(expected).margin(1e-6));
    }
}

TEST_CASE("rotation with -n 287, -n 23, -n 0 and -n 1439", "[capture][rotation]") {
    flowkeep_test::ScopedTimeZone tz("UTC");
    // flow-capture.md §6, the UTC run: 23:58:31 -> midnight, 00:01:51 -> 00:05.
    CHECK(RotationSchedule(287).next_boundary(utc(2009, 10, 15, 23, 58, 31)) ==
          utc(2009, 10, 16, 0, 0, 0));
    CHECK(RotationSchedule(287).next_boundary(utc(2009, 10, 16, 0, 1, 51)) ==
          utc(2009, 10, 16, 0, 5, 0));
    CHECK(RotationSchedule(23).next_boundary(utc(2009, 10, 16, 7, 59, 59)) ==
          utc(2009, 10, 16, 8, 0, 0));
    CHECK(RotationSchedule(0).next_boundary(utc(2009, 10, 16, 0, 0, 1)) ==
          utc(2009, 10, 17, 0, 0, 0));
    CHECK(RotationSchedule(0).next_boundary(utc(2009, 10, 16, 23, 59, 59.9)) ==
          utc(2009, 10, 17, 0, 0, 0));
    CHECK(RotationSchedule(1439).next_boundary(utc(2009, 10, 16, 12, 34, 56)) ==
          utc(2009, 10, 16, 12, 35, 0));
}

TEST_CASE("the grid follows local midnight, also half-hour zones", "[capture][rotation]") {
    flowkeep_test::ScopedTimeZone tz("Asia/Kolkata");
    // 23:49 IST = 18:19 UTC; local midnight is 18:30 UTC.
    CHECK(RotationSchedule(95).next_boundary(utc(2009, 10, 15, 18, 19, 0)) ==
          utc(2009, 10, 15, 18, 30, 0));
    CHECK(capture::schedule_midnight(static_cast<std::time_t>(utc(2009, 10, 15, 20, 0, 0))) ==
          static_cast<std::time_t>(utc(2009, 10, 15, 18, 30, 0)));
}

TEST_CASE("on DST days midnight keeps the current tm_isdst", "[capture][rotation]") {
    SECTION("autumn, Europe/Prague: after the change midnight is an hour late") {
        flowkeep_test::ScopedTimeZone tz("Europe/Prague");
        // Real midnight of 2010-10-31 is 00:00 CEST = 22:00 UTC.  Before the
        // change at 01:00 UTC flow-capture computes exactly that ...
        CHECK(capture::schedule_midnight(static_cast<std::time_t>(utc(2010, 10, 31, 0, 51, 6))) ==
              static_cast<std::time_t>(utc(2010, 10, 30, 22, 0, 0)));
        // ... afterwards 00:00 read as CET, 23:00 UTC.
        CHECK(capture::schedule_midnight(static_cast<std::time_t>(utc(2010, 10, 31, 1, 5, 22))) ==
              static_cast<std::time_t>(utc(2010, 10, 30, 23, 0, 0)));

        const RotationSchedule s(100);
        // The file named 02:51:06+0200 still closes on the old grid ...
        CHECK(s.next_boundary(utc(2010, 10, 31, 0, 51, 6)) ==
              Approx(utc(2010, 10, 30, 22, 0, 0) + 13 * 86400.0 / 101).margin(1e-6));
        // ... and 02:05:22+0100 on the shifted one: a file of 177 s, closed at
        // 02:08:19+0100 (flow-capture.md §6).
        const double shifted = s.next_boundary(utc(2010, 10, 31, 1, 5, 22));
        CHECK(shifted == Approx(utc(2010, 10, 30, 23, 0, 0) + 9 * 86400.0 / 101).margin(1e-6));
        CHECK(std::floor(shifted) == utc(2010, 10, 31, 1, 8, 19));
    }
    SECTION("spring, America/New_York: after the change midnight is an hour early") {
        flowkeep_test::ScopedTimeZone tz("America/New_York");
        // Real midnight of 2010-03-14 is 00:00 EST = 05:00 UTC.
        CHECK(capture::schedule_midnight(static_cast<std::time_t>(utc(2010, 3, 14, 6, 54, 5))) ==
              static_cast<std::time_t>(utc(2010, 3, 14, 5, 0, 0)));
        CHECK(capture::schedule_midnight(static_cast<std::time_t>(utc(2010, 3, 14, 7, 8, 20))) ==
              static_cast<std::time_t>(utc(2010, 3, 14, 4, 0, 0)));
    }
    SECTION("the zone is put back afterwards") {
        const char* before = std::getenv("TZ");
        const std::string saved = before ? before : "(unset)";
        { flowkeep_test::ScopedTimeZone tz("Asia/Kolkata"); }
        const char* after = std::getenv("TZ");
        CHECK((after ? after : "(unset)") == saved);
    }
}

TEST_CASE("the DST autumn run of flow-capture.md §6 follows the schedule",
          "[capture][rotation][golden]") {
    flowkeep_test::ScopedTimeZone tz("Europe/Prague");
    std::vector<std::string> names;
    for (const std::string& line :
         lines_of(std::string(FLOWKEEP_TEST_DATA) + "/rotation/spec6_prague_dst_autumn.txt"))
        if (line.rfind("ft-", 0) == 0) names.push_back(line);
    REQUIRE(names.size() == 8);
    const auto files = run_files(names);
    // Name order and time order differ on this day: 02:05:22+0100 was created
    // after 02:51:06+0200.
    CHECK(files[5].name == "ft-v05.2010-10-31.025106+0200");
    CHECK(files[6].name == "ft-v05.2010-10-31.020522+0100");
    check_run_follows_schedule(files, 100);
}

TEST_CASE("the UTC -n 287 run of flow-capture.md §6 follows the schedule",
          "[capture][rotation][golden]") {
    flowkeep_test::ScopedTimeZone tz("UTC");
    std::vector<std::string> names;
    std::vector<double> starts, ends;
    for (const std::string& line :
         lines_of(std::string(FLOWKEEP_TEST_DATA) + "/rotation/spec6_utc_n287.txt")) {
        if (line.rfind("cap/", 0) == 0) names.push_back(line);
        if (line.find("capture start:") != std::string::npos) starts.push_back(header_time(line));
        if (line.find("capture end:") != std::string::npos) ends.push_back(header_time(line));
    }
    REQUIRE(names.size() == 4);
    REQUIRE(ends.size() == 4);
    const RotationSchedule s(287);
    for (std::size_t i = 0; i < names.size(); ++i) CHECK(starts[i] == created(names[i]));
    // Files 1 and 3 end on the grid; file 2 was cut by SIGHUP at 00:01:50 and
    // file 4 by SIGTERM, both before their boundaries.
    CHECK(ends[0] == std::floor(s.next_boundary(starts[0])));
    CHECK(ends[2] == std::floor(s.next_boundary(starts[2])));
    CHECK(ends[1] < s.next_boundary(starts[1]));
    CHECK(ends[3] < s.next_boundary(starts[3]));
}

TEST_CASE("the layout runs of flow-capture 0.68.5 follow the schedule",
          "[capture][rotation][golden]") {
    SECTION("UTC, across midnight") {
        for (const char* run :
             {"nest_-3", "nest_-2", "nest_-1", "nest_0", "nest_1", "nest_2", "nest_3"}) {
            INFO(run);
            check_layout_run(run, "UTC", false);
        }
    }
    SECTION("Asia/Kolkata") {
        check_layout_run("kolkata_half_hour", "Asia/Kolkata", true);
    }
    SECTION("Europe/Prague, spring") {
        check_layout_run("prague_dst_spring", "Europe/Prague", true);
    }
    SECTION("Europe/Prague, autumn") {
        check_layout_run("prague_dst_autumn", "Europe/Prague", true);
    }
    SECTION("America/New_York, spring") {
        check_layout_run("new_york_dst_spring", "America/New_York", true);
    }
}
