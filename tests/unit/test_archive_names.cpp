#include <catch2/catch.hpp>

#include <stdlib.h>
#include <time.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "flowfile/archive.hpp"
#include "flowfile/error.hpp"
#include "support/time_zone.hpp"

using namespace flowfile;

namespace {

const std::string layout_dir = std::string(FLOWKEEP_TEST_DATA) + "/layout/";
const std::string expire_dir = std::string(FLOWKEEP_TEST_DATA) + "/expire/";

std::vector<std::string> lines_of(const std::string& path) {
    std::ifstream in(path);
    REQUIRE(in);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

std::string base_name(const std::string& path) {
    return path.substr(path.rfind('/') + 1);
}

FileName parsed(const std::string& name) {
    const auto n = parse_file_name(name);
    INFO(name);
    REQUIRE(n);
    return *n;
}

// Unix seconds of a civil UTC time, computed independently of the library.
std::int64_t utc(int y, int mo, int d, int h, int mi, int s) {
    struct tm t {};
    t.tm_year = y - 1900;
    t.tm_mon = mo - 1;
    t.tm_mday = d;
    t.tm_hour = h;
    t.tm_min = mi;
    t.tm_sec = s;
    return timegm(&t);
}

struct HeaderStart {
    std::string path;   // "./2010/..../ft-v05...."
    std::string local;  // "2010-10-31 02:05:22 +0100" as flow-header printed it
    std::int64_t unix_time;
};

// The "capture start" of every file in a *.headers.txt (flow-header output in
// the capture's zone), e.g. "# capture start:        Sun, 31 Oct 2010 02:05:22 +0100".
std::vector<HeaderStart> header_starts(const std::string& file) {
    static const std::map<std::string, int> months = {
        {"Jan", 1}, {"Feb", 2}, {"Mar", 3}, {"Apr", 4},  {"May", 5},  {"Jun", 6},
        {"Jul", 7}, {"Aug", 8}, {"Sep", 9}, {"Oct", 10}, {"Nov", 11}, {"Dec", 12}};
    std::vector<HeaderStart> out;
    std::string current;
    for (const auto& line : lines_of(file)) {
        if (line.starts_with("==> ")) {
            current = line.substr(4, line.size() - 8);
            continue;
        }
        const std::string key = "# capture start:";
        if (!line.starts_with(key)) continue;
        std::istringstream in(line.substr(key.size()));
        std::string weekday, mon, hms, zone;
        int day = 0, year = 0;
        in >> weekday >> day >> mon >> year >> hms >> zone;
        const int h = std::stoi(hms.substr(0, 2)), mi = std::stoi(hms.substr(3, 2)),
                  s = std::stoi(hms.substr(6, 2));
        const int off = (zone[0] == '-' ? -1 : 1) *
                        (std::stoi(zone.substr(1, 2)) * 60 + std::stoi(zone.substr(3, 2)));
        char local[64];
        std::snprintf(local, sizeof local, "%04d-%02d-%02d %s %s", year, months.at(mon), day,
                      hms.c_str(), zone.c_str());
        out.push_back({current, local, utc(year, months.at(mon), day, h, mi, s) - off * 60});
    }
    return out;
}

std::string local_of(const FileName& n) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d %c%02d%02d", n.year, n.month,
                  n.day, n.hour, n.minute, n.second, n.utc_offset_minutes < 0 ? '-' : '+',
                  std::abs(n.utc_offset_minutes) / 60, std::abs(n.utc_offset_minutes) % 60);
    return buf;
}

std::string error_of(auto&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("archive names: spec example names parse into their fields and format back",
          "[archive][names]") {
    const auto open = parsed("tmp-v05.2009-10-15.234011+0000");
    CHECK(open.in_progress);
    CHECK(open.export_version == 5);
    CHECK_FALSE(open.agg_method);
    CHECK(local_of(open) == "2009-10-15 23:40:11 +0000");
    CHECK(open.creation_time() == utc(2009, 10, 15, 23, 40, 11));

    const auto v8 = parsed("ft-v08m01.2026-11-28.195711+0000");
    CHECK_FALSE(v8.in_progress);
    CHECK(v8.export_version == 8);
    CHECK(v8.agg_method == std::uint8_t{1});

    const auto ny = parsed("ft-v05.2010-03-14.012501-0500");
    CHECK(ny.utc_offset_minutes == -300);
    CHECK(ny.creation_time() == utc(2010, 3, 14, 6, 25, 1));

    const auto kolkata = parsed("ft-v05.2009-10-16.000001+0530");
    CHECK(kolkata.utc_offset_minutes == 330);
    CHECK(kolkata.creation_time() == utc(2009, 10, 15, 18, 30, 1));

    CHECK(parsed("ft-v1005.2009-10-15.154110+0000").export_version == 1005);
    CHECK(parsed("ft-v01.2009-10-15.154110+0000").export_version == 1);

    for (const char* name : {"tmp-v05.2009-10-15.234011+0000", "ft-v05.2010-10-31.020820+0100",
                             "ft-v05.2010-03-14.012501-0500", "ft-v05.2009-10-16.000001+0530",
                             "ft-v01.2009-10-15.154110+0000", "ft-v08m01.2026-11-28.195711+0000",
                             "ft-v1005.2009-10-15.154110+0000", "tmp-v08m00.2026-11-28.195711+0000",
                             "ft-v08m14.2008-02-29.235960-0930"}) {
        INFO(name);
        CHECK(parsed(name).str() == name);
    }
}

TEST_CASE("archive names: names that flow-capture cannot have written are rejected",
          "[archive][names]") {
    for (const char* name : {
             "",
             "ft-v05.2009-10-15.234011",           // no zone
             "ft-v05.2009-10-15.234011.+0000",     // dot before the zone
             "ft-v05.2009-10-15.234011+0000.gz",   // trailing text
             "ft-v05.2009-10-15.234011+000",       // short zone
             "ft-v5.2009-10-15.234011+0000",       // version not zero padded
             "ft-v005.2009-10-15.234011+0000",     // over-padded version
             "ft-v.2009-10-15.234011+0000",        // no version
             "ft-v123456.2009-10-15.234011+0000",  // version beyond 16 bits
             "ft-v08.2009-10-15.234011+0000",      // v8 without method
             "ft-v08m1.2009-10-15.234011+0000",    // one-digit method
             "ft-v05m01.2009-10-15.234011+0000",   // method on a non-v8 name
             "cf-v05.2009-10-15.234011+0000",      // not a capture prefix
             "ft-05.2009-10-15.234011+0000",       // no 'v'
             "ft-v05.2009-13-15.234011+0000",      // month 13
             "ft-v05.2009-00-15.234011+0000",      // month 0
             "ft-v05.2009-02-29.234011+0000",      // 2009 is not a leap year
             "ft-v05.2009-04-31.234011+0000",      // April has 30 days
             "ft-v05.2009-10-00.234011+0000",      // day 0
             "ft-v05.2009-10-15.244011+0000",      // hour 24
             "ft-v05.2009-10-15.236011+0000",      // minute 60
             "ft-v05.2009-10-15.234061+0000",      // second 61
             "ft-v05.2009-10-15.234011+0060",      // offset minutes 60
             "ft-v05.2009-10-15.234011-0000",      // negative zero offset
             "ft-v05.2009-1-15.234011+0000",       // short month
             "ft-v05.09-10-15.234011+0000",        // short year
             "ft-v05.2009-10-15.23401+00000",      // fields shifted
             "FT-v05.2009-10-15.234011+0000",      // case matters
         }) {
        INFO(name);
        CHECK_FALSE(parse_file_name(name));
    }
    CHECK(parse_file_name("ft-v05.2008-02-29.000000+0000"));  // leap day
}

TEST_CASE("archive names: every golden layout name lands in the directory the capture put it in",
          "[archive][names][nesting]") {
    const std::vector<std::pair<std::string, int>> cases = {{"nest_-3", -3},
                                                            {"nest_-2", -2},
                                                            {"nest_-1", -1},
                                                            {"nest_0", 0},
                                                            {"nest_1", 1},
                                                            {"nest_2", 2},
                                                            {"nest_3", 3},
                                                            {"kolkata_half_hour", 3},
                                                            {"prague_dst_spring", 3},
                                                            {"prague_dst_autumn", 3},
                                                            {"new_york_dst_spring", -1}};
    for (const auto& [name, level] : cases) {
        const auto lines = lines_of(layout_dir + name + ".find.txt");
        REQUIRE(lines.size() >= 3);
        for (const auto& line : lines) {
            INFO(name << ": " << line);
            REQUIRE(line.starts_with("./"));
            const auto file = parsed(base_name(line));
            CHECK(file.str() == base_name(line));
            CHECK(nest_path(file, level) == line.substr(2));
        }
    }
}

TEST_CASE(
    "archive names: the creation instant of a name is the capture start in its header, across DST",
    "[archive][names]") {
    for (const char* run :
         {"kolkata_half_hour", "prague_dst_spring", "prague_dst_autumn", "new_york_dst_spring"}) {
        const auto starts = header_starts(layout_dir + run + ".headers.txt");
        CHECK(starts.size() == lines_of(layout_dir + run + ".find.txt").size());
        for (const auto& s : starts) {
            INFO(run << ": " << s.path);
            const auto name = parsed(base_name(s.path));
            CHECK(local_of(name) == s.local);
            CHECK(name.creation_time() == s.unix_time);
        }
    }
}

TEST_CASE("archive names: names formatted from Unix time in the capture's zone match the goldens",
          "[archive][names]") {
    const std::vector<std::pair<std::string, const char*>> runs = {
        {"kolkata_half_hour", "Asia/Kolkata"},
        {"prague_dst_spring", "Europe/Prague"},
        {"prague_dst_autumn", "Europe/Prague"},
        {"new_york_dst_spring", "America/New_York"}};
    for (const auto& [run, zone] : runs) {
        const flowkeep_test::ScopedTimeZone tz(zone);
        for (const auto& s : header_starts(layout_dir + run + ".headers.txt")) {
            INFO(run << ": " << s.path);
            CHECK(file_name_at(s.unix_time, 5, std::nullopt, false).str() == base_name(s.path));
            CHECK(file_name_at(s.unix_time, 5).str() == "tmp-" + base_name(s.path).substr(3));
        }
    }
}

TEST_CASE("archive names: Prague autumn DST day: +0200 then +0100 names for the repeated hour",
          "[archive][names]") {
    const flowkeep_test::ScopedTimeZone tz("Europe/Prague");
    // The expire/flows_dst files: header capture start and name of each.
    int rows = 0;
    for (const auto& line : lines_of(expire_dir + "dst_before.sizes.tsv")) {
        if (line.starts_with("path")) continue;
        std::istringstream in(line);
        std::string path, bytes, start;
        std::getline(in, path, '\t');
        std::getline(in, bytes, '\t');
        std::getline(in, start, '\t');
        INFO(line);
        const FileName made = file_name_at(std::stoll(start), 5, std::nullopt, false);
        CHECK(made.str() == base_name(path));
        CHECK(nest_path(made, 3) == path.substr(2));
        ++rows;
    }
    CHECK(rows == 11);
    // One second apart around the change at 01:00 UTC.
    CHECK(file_name_at(utc(2010, 10, 31, 0, 59, 59), 5).str() == "tmp-v05.2010-10-31.025959+0200");
    CHECK(file_name_at(utc(2010, 10, 31, 1, 0, 0), 5).str() == "tmp-v05.2010-10-31.020000+0100");
    CHECK(file_name_at(utc(2010, 10, 31, 1, 0, 0), 5).closed().str() ==
          "ft-v05.2010-10-31.020000+0100");
}

TEST_CASE("archive names: v8 names carry the aggregation method", "[archive][names]") {
    CHECK(file_name_at(utc(2026, 11, 28, 19, 57, 11), 8, std::uint8_t{1}).str() ==
          "tmp-v08m01.2026-11-28.195711+0000");
    // flow-capture names the file before it rejects a v8 without a method.
    CHECK(file_name_at(utc(2026, 11, 28, 19, 57, 11), 8).str() ==
          "tmp-v08m00.2026-11-28.195711+0000");
    // The method belongs to v8 only.
    CHECK(file_name_at(utc(2026, 11, 28, 19, 57, 11), 5, std::uint8_t{1}).str() ==
          "tmp-v05.2026-11-28.195711+0000");
    CHECK(file_name_at(utc(2009, 10, 15, 15, 41, 10), 1005, std::nullopt, false).str() ==
          "ft-v1005.2009-10-15.154110+0000");
}

TEST_CASE("archive names: half-hour and negative zones format their offsets", "[archive][names]") {
    {
        const flowkeep_test::ScopedTimeZone tz("Asia/Kolkata");
        CHECK(file_name_at(utc(2009, 10, 15, 18, 30, 1), 5).str() ==
              "tmp-v05.2009-10-16.000001+0530");
    }
    {
        const flowkeep_test::ScopedTimeZone tz("America/St_Johns");  // -0330 in winter
        const auto n = file_name_at(utc(2010, 1, 1, 0, 0, 0), 5);
        CHECK(n.str() == "tmp-v05.2009-12-31.203000-0330");
        CHECK(n.creation_time() == utc(2010, 1, 1, 0, 0, 0));
    }
}

TEST_CASE("archive names: nesting levels outside -3..3 are refused with their value",
          "[archive][nesting]") {
    const auto name = parsed("ft-v05.2009-10-15.234011+0000");
    CHECK_NOTHROW(check_nesting_level(-3));
    CHECK_NOTHROW(check_nesting_level(3));
    CHECK(error_of([] { check_nesting_level(4); }) ==
          "nesting level 4 is out of range (accepted: -3..3)");
    CHECK(error_of([] { check_nesting_level(-4); }) ==
          "nesting level -4 is out of range (accepted: -3..3)");
    CHECK(error_of([&] { nest_path(name, 10); }) ==
          "nesting level 10 is out of range (accepted: -3..3)");
    CHECK(nest_directory(name, 0).empty());
    CHECK(nest_path(name, 0) == "ft-v05.2009-10-15.234011+0000");
    CHECK(nest_directory(name, 2) == "2009/2009-10");
    CHECK(nest_directory(name, -2) == "2009-10/2009-10-15");
}
