// Names of the IPv6 series beside the flow-tools archive: spelled so that
// flow-tools' directory readers pass them by, parsed strictly, nested like
// the v5 files, listed with them for a time window and counted by expiry.

#include <catch2/catch.hpp>

#include <time.h>
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "flowfile/archive.hpp"
#include "flowfile/header.hpp"
#include "flowfile/record6.hpp"
#include "support/files.hpp"
#include "support/temp_dir.hpp"
#include "support/time_zone.hpp"

using namespace flowfile;
using flowkeep_test::TempDir;
namespace fs = std::filesystem;

namespace {

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

// A flow file of its series (a capture header, no flows) at its nested place.
std::string put_file(const fs::path& root, const FileName& name, int level) {
    const std::string rel = nest_path(name, level);
    fs::create_directories((root / rel).parent_path());
    flowkeep_test::spit(root / rel,
                        encode_header(Header::for_capture(
                            name.export_version, static_cast<std::uint32_t>(name.creation_time()),
                            "flowbox-a", true)));
    return rel;
}

}  // namespace

TEST_CASE("IPv6 series names: tmp-ip6. while open, ip6. when finished", "[archive][ipv6]") {
    const std::int64_t t = utc(2026, 12, 3, 19, 30, 0);
    const FileName open = file_name_at(t, ipv6_export_version);
    CHECK(open.str() == "tmp-ip6.2026-12-03.193000+0000");
    CHECK(open.in_progress);
    CHECK(open.ipv6_series());
    CHECK(open.creation_time() == t);
    const FileName done = open.closed();
    CHECK(done.str() == "ip6.2026-12-03.193000+0000");
    CHECK(done.ipv6_series());
    CHECK(file_name_at(t, ipv6_export_version, std::nullopt, false) == done);
    // The v5 names of the same second are unchanged.
    CHECK(file_name_at(t, 5).str() == "tmp-v05.2026-12-03.193000+0000");
    CHECK(file_name_at(t, 5).closed().str() == "ft-v05.2026-12-03.193000+0000");
    CHECK_FALSE(file_name_at(t, 5).ipv6_series());

    // In a zone of its own the local date and offset are in the name, as for v5.
    flowkeep_test::ScopedTimeZone zone("Asia/Kolkata");
    const FileName local = file_name_at(t, ipv6_export_version);
    CHECK(local.str() == "tmp-ip6.2026-12-04.010000+0530");
    CHECK(local.creation_time() == t);
}

TEST_CASE("IPv6 series names parse back to what made them", "[archive][ipv6]") {
    for (const char* text : {"tmp-ip6.2026-12-03.193000+0000", "ip6.2026-12-03.193000+0000",
                             "ip6.2026-12-04.010000+0530", "tmp-ip6.2026-12-03.143000-0500",
                             "ip6.2016-12-31.235960+0000"}) {
        INFO(text);
        const auto n = parse_file_name(text);
        REQUIRE(n);
        CHECK(n->str() == text);
        CHECK(n->ipv6_series());
        CHECK(n->export_version == ipv6_export_version);
        CHECK(n->in_progress == std::string_view(text).starts_with("tmp-"));
        CHECK_FALSE(n->agg_method);
        CHECK(parse_file_name(n->closed().str()) == n->closed());
    }
    const auto n = parse_file_name("tmp-ip6.2026-12-04.010000+0530");
    REQUIRE(n);
    CHECK(n->creation_time() == utc(2026, 12, 3, 19, 30, 0));
}

TEST_CASE("IPv6 series names are spelled one way only", "[archive][ipv6]") {
    for (const char* text : {
             "ft-v32774.2026-12-03.193000+0000",   // the version number spelled as for v5
             "tmp-v32774.2026-12-03.193000+0000",  //
             "ip6-2026-12-03.193000+0000",         //
             "ft-ip6.2026-12-03.193000+0000",      //
             "cf-ip6.2026-12-03.193000+0000",      //
             "tmp-ft-ip6.2026-12-03.193000+0000",  //
             "ip6.v05.2026-12-03.193000+0000",     //
             "ip6m01.2026-12-03.193000+0000",      //
             "ip6.2026-12-03.193000+0000.gz",      //
             "ip6.2026-02-30.193000+0000",         // no such date
             "ip6.2026-12-03.243000+0000",         //
             "ip6.2026-12-03.193000-0000",         // a zero offset is "+0000"
             "ip6.2026-12-03.193000",              //
             "IP6.2026-12-03.193000+0000",         //
             "ip6.",                               //
             "ip6",                                //
             "tmp-ip6",                            //
         }) {
        INFO(text);
        CHECK_FALSE(parse_file_name(text));
    }
}

TEST_CASE("IPv6 series files nest in the same day directories as the v5 files", "[archive][ipv6]") {
    const auto name = *parse_file_name("ip6.2026-12-03.193000+0000");
    const auto v5 = *parse_file_name("ft-v05.2026-12-03.193000+0000");
    const std::vector<std::pair<int, std::string>> expected = {
        {0, ""},
        {1, "2026/"},
        {2, "2026/2026-12/"},
        {3, "2026/2026-12/2026-12-03/"},
        {-1, "2026-12-03/"},
        {-2, "2026-12/2026-12-03/"},
        {-3, "2026/2026-12/2026-12-03/"},
    };
    for (const auto& [level, dir] : expected) {
        INFO("level " << level);
        CHECK(nest_path(name, level) == dir + "ip6.2026-12-03.193000+0000");
        CHECK(nest_path(name.closed(), level) == nest_path(name, level));
        CHECK(nest_directory(name, level) == nest_directory(v5, level));
        FileName open = name;
        open.in_progress = true;
        CHECK(nest_path(open, level) == dir + "tmp-ip6.2026-12-03.193000+0000");
    }
}

TEST_CASE("a window's listing holds the IPv6 files with the v5 ones, in time order",
          "[archive][ipv6][listing]") {
    TempDir dir;
    const fs::path root = dir.path() / "store";
    const std::int64_t t0 = utc(2026, 12, 3, 19, 0, 0);
    put_file(root, file_name_at(t0 - 900, 5, std::nullopt, false), 3);  // open at t0
    put_file(root, file_name_at(t0 - 900, ipv6_export_version, std::nullopt, false), 3);
    put_file(root, file_name_at(t0 + 300, 5, std::nullopt, false), 3);
    put_file(root, file_name_at(t0 + 300, ipv6_export_version, std::nullopt, false), 3);
    put_file(root, file_name_at(t0 + 1200, ipv6_export_version, std::nullopt, true), 3);
    put_file(root, file_name_at(t0 + 1200, 5, std::nullopt, true), 3);
    put_file(root, file_name_at(t0 + 7200, ipv6_export_version, std::nullopt, false), 3);  // after
    put_file(root, file_name_at(t0 - 7200, ipv6_export_version, std::nullopt, false), 3);  // before
    const fs::path day = root / "2026/2026-12/2026-12-03";
    flowkeep_test::spit(day / "ip6-notes", {1});
    flowkeep_test::spit(day / "ft-v32774.2026-12-03.190500+0000", {1});

    const auto listing =
        list_window(root.string(), {t0, t0 + 1800}, {.slack = 0, .lookback = 3600});
    std::vector<std::string> names;
    for (const auto& f : listing.files) names.push_back(f.name.str());
    CHECK(names == std::vector<std::string>{
                       "ft-v05.2026-12-03.184500+0000",
                       "ip6.2026-12-03.184500+0000",
                       "ft-v05.2026-12-03.190500+0000",
                       "ip6.2026-12-03.190500+0000",
                       "tmp-ip6.2026-12-03.192000+0000",
                       "tmp-v05.2026-12-03.192000+0000",
                   });
    for (const auto& f : listing.files)
        CHECK(f.name.ipv6_series() == (f.name.str().find("ip6") != std::string::npos));
    CHECK(listing.files[1].relative_path == "2026/2026-12/2026-12-03/ip6.2026-12-03.184500+0000");
    CHECK(listing.stats.names_ignored == 2);
}

TEST_CASE("expiry counts the IPv6 series with the v5 files and still ignores other names",
          "[archive][ipv6][expiry]") {
    TempDir dir;
    const std::string work = (dir / "w").string();
    const std::int64_t t0 = utc(2026, 12, 3, 19, 0, 0);
    put_file(work, file_name_at(t0, 5, std::nullopt, false), 3);
    put_file(work, file_name_at(t0 + 10, ipv6_export_version, std::nullopt, false), 3);
    put_file(work, file_name_at(t0 + 20, ipv6_export_version, std::nullopt, true), 3);
    put_file(work, file_name_at(t0 + 30, 5, std::nullopt, true), 3);
    const std::string d = work + "/2026/2026-12/2026-12-03/";
    const auto header =
        encode_header(Header::for_capture(ipv6_export_version, 1, "flowbox-a", true));
    // Named like the series but not of it: someone else's files.
    flowkeep_test::spit(d + "ip6-notes", header);
    flowkeep_test::spit(d + "ip6.2026-12-03.190000+0000.bak", header);
    flowkeep_test::spit(d + "ip6.txt", header);
    flowkeep_test::spit(d + "foo", header);
    // Of the series by name but with no flow file header: reported, kept.
    flowkeep_test::spit(d + "ip6.2026-12-03.190040+0000", std::vector<std::uint8_t>(100, 0x42));

    const auto scan = scan_for_expiry(work);
    std::vector<std::string> names;
    for (const auto& e : scan.entries) names.push_back(e.path.substr(d.size()));
    CHECK(names == std::vector<std::string>{
                       "ft-v05.2026-12-03.190000+0000",
                       "ip6.2026-12-03.190010+0000",
                       "tmp-ip6.2026-12-03.190020+0000",
                       "tmp-v05.2026-12-03.190030+0000",
                   });
    std::vector<std::string> issues;
    for (const auto& i : scan.issues)
        issues.push_back(std::to_string(static_cast<int>(i.kind)) + " " + i.path.substr(d.size()));
    CHECK(issues == std::vector<std::string>{
                        "0 foo",
                        "0 ip6-notes",
                        "0 ip6.2026-12-03.190000+0000.bak",
                        "2 ip6.2026-12-03.190040+0000",
                        "0 ip6.txt",
                    });
    // -e 2 keeps the two newest of both series together.
    const auto plan = plan_expiry(scan.entries, {.max_files = 2});
    REQUIRE(plan.removals.size() == 2);
    CHECK(plan.removals[0].entry.path == d + "ft-v05.2026-12-03.190000+0000");
    CHECK(plan.removals[1].entry.path == d + "ip6.2026-12-03.190010+0000");
}
