#include <catch2/catch.hpp>

#include <stdlib.h>
#include <time.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "flowfile/archive.hpp"
#include "flowfile/error.hpp"
#include "flowfile/header.hpp"
#include "support/files.hpp"
#include "support/temp_dir.hpp"
#include "support/time_zone.hpp"

using namespace flowfile;
using flowkeep_test::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string layout_dir = std::string(FLOWKEEP_TEST_DATA) + "/layout/";

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

// A small valid flow file (a capture header, no flows) at its nested place.
std::string put_file(const fs::path& root, const FileName& name, int level) {
    const std::string rel = nest_path(name, level);
    fs::create_directories((root / rel).parent_path());
    const auto header = encode_header(Header::for_capture(
        name.export_version, static_cast<std::uint32_t>(name.creation_time()), "flowbox-a", true));
    flowkeep_test::spit(root / rel, header);
    return rel;
}

std::vector<std::string> relative_paths(const ArchiveListing& l) {
    std::vector<std::string> out;
    for (const auto& f : l.files) out.push_back(f.relative_path);
    return out;
}

std::vector<std::string> names_of(const ArchiveListing& l) {
    std::vector<std::string> out;
    for (const auto& f : l.files) out.push_back(f.name.str());
    return out;
}

std::set<std::string> opened_set(const ArchiveListing& l) {
    return {l.stats.opened.begin(), l.stats.opened.end()};
}

std::size_t count_dirs(const fs::path& root) {
    std::size_t n = 1;  // the root
    for (const auto& e : fs::recursive_directory_iterator(root))
        if (e.is_directory()) ++n;
    return n;
}

std::vector<std::string> lines_of(const std::string& path) {
    std::ifstream in(path);
    REQUIRE(in);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

// Rebuilds a golden capture tree from its listing, with valid headers.
void build_from_listing(const fs::path& root, const std::string& find_txt) {
    for (const auto& line : lines_of(find_txt)) {
        const std::string rel = line.substr(2);
        const auto name = parse_file_name(rel.substr(rel.rfind('/') + 1));
        REQUIRE(name);
        fs::create_directories((root / rel).parent_path());
        flowkeep_test::spit(root / rel,
                            encode_header(Header::for_capture(
                                5, static_cast<std::uint32_t>(name->creation_time()), "h", true)));
    }
}

}  // namespace

TEST_CASE("archive listing: a window across a day and month boundary opens only nearby directories",
          "[archive][listing]") {
    // One file an hour, created at hh:00:01 UTC, from 2009-09-28 to 2009-11-03,
    // in each -N layout.
    const std::int64_t first = utc(2009, 9, 28, 0, 0, 1);
    const std::int64_t last = utc(2009, 11, 3, 23, 0, 1);
    // Flows starting in [2009-10-31 23:30, 2009-11-01 00:30) UTC, exported up
    // to an hour late.
    const TimeWindow window{utc(2009, 10, 31, 23, 30, 0), utc(2009, 11, 1, 0, 30, 0)};

    for (const int level : {3, 2, 1, 0, -1, -2, -3}) {
        DYNAMIC_SECTION("nesting level " << level) {
            TempDir dir;
            for (std::int64_t t = first; t <= last; t += 3600)
                put_file(dir.path(), file_name_at(t, 5, std::nullopt, false), level);
            const std::size_t total_dirs = count_dirs(dir.path());

            const auto listing = list_window(dir.path().string(), window);
            CHECK(names_of(listing) == std::vector<std::string>{
                                           "ft-v05.2009-10-31.230001+0000",  // open at `from`
                                           "ft-v05.2009-11-01.000001+0000",
                                           "ft-v05.2009-11-01.010001+0000",  // within the slack
                                       });
            for (const auto& f : listing.files) {
                CHECK(f.relative_path == nest_path(f.name, level));
                CHECK(f.path == (dir.path() / f.relative_path).string());
                CHECK(f.created == f.name.creation_time());
            }
            CHECK(listing.problems.empty());
            CHECK(listing.stats.directories_opened == listing.stats.opened.size());

            // A day directory is opened when its date, widened by a day each
            // side, meets [from, to + slack): 10-30 .. 11-02 here.
            std::set<std::string> expected;
            switch (level) {
                case 0:
                    expected = {""};
                    break;
                case 1:
                    expected = {"", "2009"};
                    break;
                case 2:
                    expected = {"", "2009", "2009/2009-10", "2009/2009-11"};
                    break;
                case -1:
                    expected = {"", "2009-10-30", "2009-10-31", "2009-11-01", "2009-11-02"};
                    break;
                case -2:
                    expected = {"",
                                "2009-10",
                                "2009-10/2009-10-30",
                                "2009-10/2009-10-31",
                                "2009-11",
                                "2009-11/2009-11-01",
                                "2009-11/2009-11-02"};
                    break;
                default:
                    expected = {"",
                                "2009",
                                "2009/2009-10",
                                "2009/2009-10/2009-10-30",
                                "2009/2009-10/2009-10-31",
                                "2009/2009-11",
                                "2009/2009-11/2009-11-01",
                                "2009/2009-11/2009-11-02"};
                    break;
            }
            CHECK(opened_set(listing) == expected);
            // Each directory once: the file open at `from` was found in the
            // first pass.
            CHECK(listing.stats.directories_opened == expected.size());
            if (level == 3) {
                // 2009-09 is pruned as a whole; of October's 31 days 29 are.
                CHECK(listing.stats.directories_pruned == 1 + 29 + 1);
                CHECK(total_dirs == 1 + 1 + 3 + 3 + 31 + 3);
            }
        }
    }
}

TEST_CASE("archive listing: a window across a year boundary walks both years",
          "[archive][listing]") {
    TempDir dir;
    for (std::int64_t t = utc(2009, 12, 25, 0, 0, 1); t < utc(2010, 1, 6, 0, 0, 0); t += 6 * 3600)
        put_file(dir.path(), file_name_at(t, 5, std::nullopt, false), 1);
    put_file(dir.path(), file_name_at(utc(2008, 6, 1, 0, 0, 0), 5, std::nullopt, false), 1);

    const auto listing =
        list_window(dir.path().string(), {utc(2009, 12, 31, 20, 0, 0), utc(2010, 1, 1, 4, 0, 0)},
                    {.slack = 0, .lookback = 86400});
    CHECK(relative_paths(listing) == std::vector<std::string>{
                                         "2009/ft-v05.2009-12-31.180001+0000",
                                         "2010/ft-v05.2010-01-01.000001+0000",
                                     });
    CHECK(opened_set(listing) == std::set<std::string>{"", "2009", "2010"});
    CHECK(listing.stats.directories_pruned == 1);  // 2008
}

TEST_CASE("archive listing: a half-hour zone's local dates do not hide files from a UTC window",
          "[archive][listing]") {
    // Golden Kolkata run (-N 3): 23:49:01+0530 on 10-15, then 00:00:01+0530 and
    // 00:14:16+0530 on 10-16, i.e. 18:19:01, 18:30:01 and 18:44:16 UTC on 10-15.
    TempDir dir;
    build_from_listing(dir.path(), layout_dir + "kolkata_half_hour.find.txt");

    const TimeWindow window{utc(2009, 10, 15, 18, 25, 0), utc(2009, 10, 15, 18, 40, 0)};
    auto listing = list_window(dir.path().string(), window, {.slack = 0});
    CHECK(relative_paths(listing) == std::vector<std::string>{
                                         "2009/2009-10/2009-10-15/ft-v05.2009-10-15.234901+0530",
                                         "2009/2009-10/2009-10-16/ft-v05.2009-10-16.000001+0530",
                                     });
    listing = list_window(dir.path().string(), window, {.slack = 300});
    CHECK(names_of(listing) == std::vector<std::string>{
                                   "ft-v05.2009-10-15.234901+0530",
                                   "ft-v05.2009-10-16.000001+0530",
                                   "ft-v05.2009-10-16.001416+0530",
                               });
    // A window starting in the very second a file was created still takes the
    // previous file: it may have been closed within that second.
    listing =
        list_window(dir.path().string(),
                    {utc(2009, 10, 15, 18, 30, 1), utc(2009, 10, 15, 18, 30, 2)}, {.slack = 0});
    CHECK(names_of(listing) == std::vector<std::string>{"ft-v05.2009-10-15.234901+0530",
                                                        "ft-v05.2009-10-16.000001+0530"});
}

TEST_CASE("archive listing: a negative zone's evening files are found after UTC midnight",
          "[archive][listing]") {
    // New York (-0400), -N -1: local 23:40 on 10-15 is 03:40 UTC on 10-16.
    TempDir dir;
    {
        const flowkeep_test::ScopedTimeZone tz("America/New_York");
        for (std::int64_t t = utc(2009, 10, 16, 0, 0, 1); t < utc(2009, 10, 16, 6, 0, 0);
             t += 20 * 60)
            put_file(dir.path(), file_name_at(t, 5, std::nullopt, false), -1);
    }
    const auto listing =
        list_window(dir.path().string(), {utc(2009, 10, 16, 3, 30, 0), utc(2009, 10, 16, 4, 30, 0)},
                    {.slack = 0, .lookback = 3600});
    CHECK(relative_paths(listing) == std::vector<std::string>{
                                         "2009-10-15/ft-v05.2009-10-15.232001-0400",
                                         "2009-10-15/ft-v05.2009-10-15.234001-0400",
                                         "2009-10-16/ft-v05.2009-10-16.000001-0400",
                                         "2009-10-16/ft-v05.2009-10-16.002001-0400",
                                     });
}

TEST_CASE("archive listing: on the autumn DST day files come in time order, not name order",
          "[archive][listing]") {
    // Golden Prague run: in the repeated hour +0200 and +0100 names interleave.
    const flowkeep_test::ScopedTimeZone tz("Europe/Prague");
    TempDir dir;
    build_from_listing(dir.path(), layout_dir + "prague_dst_autumn.find.txt");

    // 00:30 to 01:10 UTC = 02:30+0200 to 02:10+0100 local.
    const auto listing =
        list_window(dir.path().string(), {utc(2010, 10, 31, 0, 30, 0), utc(2010, 10, 31, 1, 10, 0)},
                    {.slack = 0});
    CHECK(names_of(listing) == std::vector<std::string>{
                                   "ft-v05.2010-10-31.022235+0200",  // 00:22:35 UTC, open at from
                                   "ft-v05.2010-10-31.023651+0200",  // 00:36:51
                                   "ft-v05.2010-10-31.025106+0200",  // 00:51:06
                                   "ft-v05.2010-10-31.020522+0100",  // 01:05:22
                                   "ft-v05.2010-10-31.020820+0100",  // 01:08:20
                               });
    CHECK(opened_set(listing) ==
          std::set<std::string>{"", "2010", "2010/2010-10", "2010/2010-10/2010-10-31"});

    // The whole repeated hour by UTC: everything from 00:00 to 02:00 UTC.
    const auto hour =
        list_window(dir.path().string(), {utc(2010, 10, 31, 0, 0, 0), utc(2010, 10, 31, 2, 0, 0)},
                    {.slack = 0});
    CHECK(hour.files.size() == 10);  // all but the first, 23:40:01 UTC the day before
    CHECK(hour.files.front().name.str() == "ft-v05.2010-10-31.015405+0200");  // open at 00:00
    CHECK(hour.files.back().name.str() == "ft-v05.2010-10-31.025106+0100");
    CHECK(std::is_sorted(
        hour.files.begin(), hour.files.end(),
        [](const ArchiveFile& a, const ArchiveFile& b) { return a.created < b.created; }));
}

TEST_CASE("archive listing: files in a generated DST tree are found with the reader in UTC",
          "[archive][listing]") {
    // Written in Prague with -N -2, listed by a reader whose TZ is UTC.
    TempDir dir;
    {
        const flowkeep_test::ScopedTimeZone tz("Europe/Prague");
        for (std::int64_t t = utc(2010, 10, 30, 21, 0, 1); t < utc(2010, 10, 31, 4, 0, 0);
             t += 20 * 60)
            put_file(dir.path(), file_name_at(t, 5, std::nullopt, false), -2);
    }
    const auto listing =
        list_window(dir.path().string(), {utc(2010, 10, 30, 22, 50, 0), utc(2010, 10, 31, 0, 0, 0)},
                    {.slack = 20 * 60});
    CHECK(relative_paths(listing) == std::vector<std::string>{
                                         "2010-10/2010-10-31/ft-v05.2010-10-31.004001+0200",
                                         "2010-10/2010-10-31/ft-v05.2010-10-31.010001+0200",
                                         "2010-10/2010-10-31/ft-v05.2010-10-31.012001+0200",
                                         "2010-10/2010-10-31/ft-v05.2010-10-31.014001+0200",
                                         "2010-10/2010-10-31/ft-v05.2010-10-31.020001+0200",
                                     });
}

TEST_CASE(
    "archive listing: the file open at the window start is looked for further back only when "
    "needed",
    "[archive][listing]") {
    TempDir dir;
    // The collector wrote on 10-01 until 23:00, then nothing until 10-07 12:00.
    for (std::int64_t t = utc(2009, 10, 1, 0, 0, 1); t <= utc(2009, 10, 1, 23, 0, 1); t += 3600)
        put_file(dir.path(), file_name_at(t, 5, std::nullopt, false), 3);
    put_file(dir.path(), file_name_at(utc(2009, 10, 7, 12, 0, 1), 5, std::nullopt, false), 3);

    const TimeWindow window{utc(2009, 10, 4, 0, 0, 0), utc(2009, 10, 4, 1, 0, 0)};
    // Default lookback (two days): the 10-01 files cannot have been open then.
    auto listing = list_window(dir.path().string(), window);
    CHECK(listing.files.empty());
    CHECK(std::count(listing.stats.opened.begin(), listing.stats.opened.end(), "") == 2);

    listing = list_window(dir.path().string(), window, {.slack = 3600, .lookback = 4 * 86400});
    CHECK(names_of(listing) == std::vector<std::string>{"ft-v05.2009-10-01.230001+0000"});
    // The second pass went back through the root.
    CHECK(std::count(listing.stats.opened.begin(), listing.stats.opened.end(), "") == 2);
    CHECK(opened_set(listing).count("2009/2009-10/2009-10-01") == 1);
    CHECK(opened_set(listing).count("2009/2009-10/2009-10-07") == 0);
}

TEST_CASE("archive listing: keeps tmp- files, ties and every version, and ignores the rest",
          "[archive][listing]") {
    TempDir dir;
    const fs::path root = dir.path() / "store";
    const std::int64_t t0 = utc(2009, 10, 15, 23, 40, 11);
    // Crash leftover and the closed file of the same second (a SIGHUP race).
    put_file(root, file_name_at(t0, 5, std::nullopt, true), 3);
    put_file(root, file_name_at(t0, 5, std::nullopt, false), 3);
    put_file(root, file_name_at(t0 - 600, 5, std::nullopt, false), 3);  // closed before
    put_file(root, file_name_at(t0 + 600, 8, std::uint8_t{3}, false), 3);
    put_file(root, file_name_at(t0 + 900, 5, std::nullopt, true), 3);  // being written
    const fs::path day = root / "2009/2009-10/2009-10-15";
    flowkeep_test::spit(day / "ft-v05.2009-10-15.235011+0000.gz", {1});
    flowkeep_test::spit(day / "README", {1});
    fs::create_directories(day / "ft-v05.2009-10-15.235511+0000");  // a directory, not a file
    fs::create_directories(root / "lost+found");
    put_file(root / "lost+found", file_name_at(t0 + 60, 5, std::nullopt, false), 0);
    // Links out of the store are not followed, named like files or directories.
    const fs::path outside = dir.path() / "outside";
    put_file(outside, file_name_at(t0 + 120, 5, std::nullopt, false), 0);
    fs::create_directory_symlink(outside, root / "2009/2009-10/2009-10-16");
    fs::create_symlink(outside / file_name_at(t0 + 120, 5, std::nullopt, false).str(),
                       day / file_name_at(t0 + 180, 5, std::nullopt, false).str());

    const auto listing =
        list_window(root.string(), {t0 + 1, t0 + 1200}, {.slack = 0, .lookback = 3600});
    CHECK(names_of(listing) == std::vector<std::string>{
                                   "ft-v05.2009-10-15.234011+0000",
                                   "tmp-v05.2009-10-15.234011+0000",
                                   "ft-v08m03.2009-10-15.235011+0000",
                                   "tmp-v05.2009-10-15.235511+0000",
                               });
    CHECK(opened_set(listing) ==
          std::set<std::string>{"", "2009", "2009/2009-10", "2009/2009-10/2009-10-15"});
    // lost+found and the directory named like a file
    CHECK(listing.stats.directories_unrecognised == 2);
    // .gz, README, the file symlink and the directory symlink
    CHECK(listing.stats.names_ignored == 4);
}

TEST_CASE("archive listing: refuses impossible windows and missing roots", "[archive][listing]") {
    TempDir dir;
    auto message = [](auto&& f) -> std::string {
        try {
            f();
        } catch (const Error& e) {
            return e.what();
        }
        return "no error";
    };
    CHECK(message([&] {
              list_window(dir.path().string(), {200, 100});
          }) == "time window ends (100) before it starts (200)");
    CHECK(message([&] {
              list_window(dir.path().string(), {100, 200}, {.slack = -1});
          }) == "listing slack and lookback must not be negative (slack -1, lookback 172800)");
    const std::string missing = (dir.path() / "nothing-here").string();
    CHECK(message([&] {
              list_window(missing, {100, 200});
          }) == "archive directory " + missing + ": No such file or directory");

    put_file(dir.path(), file_name_at(150, 5, std::nullopt, false), 0);
    const auto empty = list_window(dir.path().string(), {150, 150});
    CHECK(empty.files.empty());
    CHECK(empty.stats.directories_opened == 0);
}
