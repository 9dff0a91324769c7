#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "flowfile/archive.hpp"
#include "flowfile/error.hpp"
#include "flowfile/header.hpp"
#include "support/files.hpp"
#include "support/temp_dir.hpp"

using namespace flowfile;
using flowkeep_test::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string expire_dir = std::string(FLOWKEEP_TEST_DATA) + "/expire";

std::vector<std::string> lines_of(const std::string& path) {
    std::ifstream in(path);
    REQUIRE(in);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

// The message of each syslog datagram or "flow-xxx: " stderr line.
std::vector<std::string> messages(const std::string& path, const std::string& starting) {
    std::vector<std::string> out;
    for (const auto& line : lines_of(path)) {
        const auto colon =
            line.find("]: ") != std::string::npos ? line.find("]: ") + 3 : line.find(": ") + 2;
        const std::string msg = line.substr(colon);
        if (msg.starts_with(starting)) out.push_back(msg);
    }
    return out;
}

// The lines flow-expire logs for a plan ("remove/1 PATH"), with the scan's
// work directory spelled `as` (the goldens ran with -w flows).
std::vector<std::string> remove_lines(const ExpiryPlan& plan, const std::string& work_dir,
                                      const std::string& as) {
    std::vector<std::string> out;
    for (const auto& r : plan.removals)
        out.push_back("remove/" + std::to_string(static_cast<int>(r.rule)) + " " + as +
                      r.entry.path.substr(work_dir.size()));
    return out;
}

// flow-expire -d's dump of the list: "name=PATH  size=S  time=T".
std::vector<std::string> dump_lines(const ExpiryScan& scan, const std::string& work_dir,
                                    const std::string& as) {
    std::vector<std::string> out;
    for (const auto& e : scan.entries)
        out.push_back("name=" + as + e.path.substr(work_dir.size()) + "  size=" +
                      std::to_string(e.size) + "  time=" + std::to_string(e.capture_start));
    return out;
}

// `find . -type f | LC_ALL=C sort` inside dir.
std::vector<std::string> find_files(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) out.push_back("./" + fs::relative(e.path(), dir).string());
    std::sort(out.begin(), out.end());
    return out;
}

// A writable copy of a golden tree (the originals may be read-only).
std::string copy_tree(const std::string& from, const fs::path& to) {
    fs::copy(from, to, fs::copy_options::recursive);
    for (const auto& e : fs::recursive_directory_iterator(to))
        fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
    return to.string();
}

// A flow file of exactly `size` bytes whose header says capture start `start`.
void flow_file(const fs::path& p, std::uint32_t start, std::size_t size) {
    auto bytes = encode_header(Header::for_capture(5, start, "flowbox-a", true));
    REQUIRE(bytes.size() <= size);
    bytes.resize(size, 0);
    fs::create_directories(p.parent_path());
    flowkeep_test::spit(p, bytes);
}

std::string error_of(auto&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

class CwdGuard {
  public:
    explicit CwdGuard(const std::string& dir) : old_(fs::current_path()) { fs::current_path(dir); }
    ~CwdGuard() { fs::current_path(old_); }
    CwdGuard(const CwdGuard&) = delete;
    CwdGuard& operator=(const CwdGuard&) = delete;

  private:
    fs::path old_;
};

}  // namespace

TEST_CASE("expiry: the scan sees the golden tree as flow-expire -d listed it",
          "[archive][expiry]") {
    const std::string work = expire_dir + "/flows";
    const auto scan = scan_for_expiry(work);
    CHECK(scan.issues.empty());
    CHECK(scan.entries.size() == 20);
    CHECK(scan.total_bytes() == 40026);
    const auto dumped = messages(expire_dir + "/dryrun_e.stderr", "name=");
    REQUIRE(dumped.size() == 40);  // listed before and after the decisions
    CHECK(dump_lines(scan, work, "flows") ==
          std::vector<std::string>(dumped.begin(), dumped.begin() + 20));
}

TEST_CASE("expiry: plans remove exactly what flow-expire removed", "[archive][expiry]") {
    const std::string work = expire_dir + "/flows";
    const auto scan = scan_for_expiry(work);

    SECTION("-e 15") {
        const auto plan = plan_expiry(scan.entries, {.max_files = 15});
        CHECK(remove_lines(plan, work, "flows") ==
              messages(expire_dir + "/expire_e.syslog.txt", "remove/"));
        CHECK(remove_lines(plan, work, "flows") ==
              messages(expire_dir + "/dryrun_e.stderr", "remove/"));
        CHECK(plan.files_left == 15);
    }
    SECTION("-E 21K") {
        const auto plan = plan_expiry(scan.entries, {.max_bytes = parse_size_limit("21K")});
        CHECK(remove_lines(plan, work, "flows") ==
              messages(expire_dir + "/expire_E.syslog.txt", "remove/"));
        CHECK(remove_lines(plan, work, "flows") ==
              messages(expire_dir + "/dryrun_E.stderr", "remove/"));
        CHECK(plan.bytes_left == 20312);  // <= 21504; one file fewer removed would leave 23101
    }
    SECTION("-e 17 -E 21K: the count rule first, then the size rule") {
        const auto plan = plan_expiry(scan.entries, {.max_files = 17, .max_bytes = 21504});
        CHECK(remove_lines(plan, work, "flows") ==
              messages(expire_dir + "/expire_e_and_E.syslog.txt", "remove/"));
        CHECK(plan.files_left == 12);
    }
    SECTION("flow-capture -e 12 at start-up, logging ./ paths") {
        const CwdGuard cwd(work);
        const auto here = scan_for_expiry(".");
        const auto plan = plan_expiry(here.entries, {.max_files = 12}, 0);
        CHECK(remove_lines(plan, ".", ".") ==
              messages(expire_dir + "/capture_e.stderr", "remove/"));
    }
}

TEST_CASE("expiry: on the DST day expiry goes by header time, not by name", "[archive][expiry]") {
    const std::string work = expire_dir + "/flows_dst";
    const auto scan = scan_for_expiry(work);
    CHECK(scan.issues.empty());
    const auto dumped = messages(expire_dir + "/dst_dryrun.stderr", "name=");
    REQUIRE(dumped.size() == 22);
    CHECK(dump_lines(scan, work, "flows") ==
          std::vector<std::string>(dumped.begin(), dumped.begin() + 11));

    const auto plan = plan_expiry(scan.entries, {.max_files = 5});
    const auto removed = remove_lines(plan, work, "flows");
    CHECK(removed == messages(expire_dir + "/dst_expire.syslog.txt", "remove/"));
    CHECK(removed == messages(expire_dir + "/dst_dryrun.stderr", "remove/"));
    // The name order would have taken 02:05:22+0100 (the 7th oldest) third.
    CHECK(removed[2].ends_with("ft-v05.2010-10-31.020820+0200"));
}

TEST_CASE("expiry: executing a plan leaves the golden after-listings", "[archive][expiry]") {
    struct Case {
        std::string tree, after;
        ExpiryLimits limits;
    };
    for (const auto& c : {Case{"flows", "expire_e", {.max_files = 15}},
                          Case{"flows", "expire_E", {.max_bytes = 21504}},
                          Case{"flows", "expire_e_and_E", {.max_files = 17, .max_bytes = 21504}},
                          Case{"flows_dst", "dst_expire", {.max_files = 5}}}) {
        INFO(c.after);
        TempDir dir;
        const std::string work = copy_tree(expire_dir + "/" + c.tree, dir / "flows");
        const auto plan = plan_expiry(scan_for_expiry(work).entries, c.limits);
        const auto outcomes = execute_expiry(plan, work);
        REQUIRE(outcomes.size() == plan.removals.size());
        for (const auto& o : outcomes) CHECK(o.removed());
        CHECK(find_files(work) == lines_of(expire_dir + "/" + c.after + ".after.find.txt"));
    }

    // flow-capture -e 12: the golden after-listing also has the file that run created.
    TempDir dir;
    const std::string work = copy_tree(expire_dir + "/flows", dir / "flows");
    execute_expiry(plan_expiry(scan_for_expiry(work).entries, {.max_files = 12}), work);
    auto expected = lines_of(expire_dir + "/capture_e.after.find.txt");
    std::erase(expected, "./2009/2009-10/2009-10-16/ft-v05.2009-10-16.001214+0000");
    CHECK(find_files(work) == expected);
}

TEST_CASE("expiry: emptied directories stay and one failing removal does not stop the rest",
          "[archive][expiry]") {
    TempDir dir;
    const std::string work = copy_tree(expire_dir + "/flows", dir / "flows");
    auto plan = plan_expiry(scan_for_expiry(work).entries, {.max_files = 1});
    REQUIRE(plan.removals.size() == 19);
    // Someone else removed the second oldest meanwhile.
    fs::remove(plan.removals[1].entry.path);
    const auto outcomes = execute_expiry(plan, work);
    REQUIRE(outcomes.size() == 19);
    CHECK(outcomes[0].removed());
    CHECK_FALSE(outcomes[1].removed());
    CHECK(outcomes[1].path == plan.removals[1].entry.path);
    CHECK(outcomes[1].error == ENOENT);
    CHECK(outcomes[1].message == "No such file or directory");
    CHECK(std::all_of(outcomes.begin() + 2, outcomes.end(),
                      [](const RemovalOutcome& o) { return o.removed(); }));
    CHECK(find_files(work) ==
          std::vector<std::string>{"./2009/2009-10/2009-10-16/ft-v05.2009-10-16.000713+0000"});
    CHECK(fs::is_directory(work + "/2009/2009-10/2009-10-15"));
}

TEST_CASE("expiry: the scan accepts ft/cf/tmp files with good headers and reports the rest",
          "[archive][expiry]") {
    // The five-file dry run of query-tools.md §7, header times not in name order.
    TempDir dir;
    const std::string work = (dir / "w").string();
    const std::string d15 = work + "/2009/2009-10/2009-10-15/",
                      d16 = work + "/2009/2009-10/2009-10-16/";
    flow_file(d16 + "tmp-v05.2009-10-16.010000+0000", 1255400000, 4000);
    flow_file(d15 + "ft-v05.2009-10-15.110000+0000", 1255500000, 2000);
    flow_file(d15 + "ft-v05.2009-10-15.100000+0000", 1255600000, 1000);
    flow_file(d16 + "cf-v05.x", 1255650000, 500);
    flow_file(d16 + "ft-v05.2009-10-16.000000+0000", 1255700000, 3000);
    flowkeep_test::spit(d16 + "foo", {1, 2, 3});
    flowkeep_test::spit(d16 + "ft-bad", std::vector<std::uint8_t>(100, 0x42));
    flowkeep_test::spit(d16 + "ft-short", {0xCF, 0x10});
    REQUIRE(::mkfifo((d16 + "ft-fifo").c_str(), 0644) == 0);
    fs::create_symlink(d15 + "ft-v05.2009-10-15.100000+0000", d16 + "ft-link");
    // A directory link must not pull files from elsewhere into the count.
    flow_file(dir / "elsewhere" / "ft-v05.2009-10-14.000000+0000", 1255000000, 100);
    fs::create_directory_symlink(dir / "elsewhere", work + "/2008");

    const auto scan = scan_for_expiry(work);
    std::vector<std::string> names;
    for (const auto& e : scan.entries) names.push_back(e.path.substr(work.size() + 1));
    CHECK(names == std::vector<std::string>{
                       "2009/2009-10/2009-10-16/tmp-v05.2009-10-16.010000+0000",
                       "2009/2009-10/2009-10-15/ft-v05.2009-10-15.110000+0000",
                       "2009/2009-10/2009-10-15/ft-v05.2009-10-15.100000+0000",
                       "2009/2009-10/2009-10-16/cf-v05.x",
                       "2009/2009-10/2009-10-16/ft-v05.2009-10-16.000000+0000",
                   });
    CHECK(scan.total_bytes() == 10500);

    std::vector<std::string> issues;
    for (const auto& i : scan.issues)
        issues.push_back(std::to_string(static_cast<int>(i.kind)) + " " +
                         i.path.substr(work.size() + 1));
    CHECK(issues == std::vector<std::string>{
                        "1 2008",  // directory link: not followed
                        "0 2009/2009-10/2009-10-16/foo",
                        "2 2009/2009-10/2009-10-16/ft-bad",
                        "1 2009/2009-10/2009-10-16/ft-fifo",
                        "1 2009/2009-10/2009-10-16/ft-link",
                        "2 2009/2009-10/2009-10-16/ft-short",
                    });
    const auto bad = std::find_if(scan.issues.begin(), scan.issues.end(),
                                  [](const ExpiryIssue& i) { return i.path.ends_with("ft-bad"); });
    CHECK(bad->kind == ExpiryIssueKind::bad_header);
    CHECK(bad->detail == d16 + "ft-bad: not a flow file: bad magic number");

    auto plan = plan_expiry(scan.entries, {.max_files = 2});
    CHECK(remove_lines(plan, work, "DIR/w") ==
          std::vector<std::string>{
              "remove/1 DIR/w/2009/2009-10/2009-10-16/tmp-v05.2009-10-16.010000+0000",
              "remove/1 DIR/w/2009/2009-10/2009-10-15/ft-v05.2009-10-15.110000+0000",
              "remove/1 DIR/w/2009/2009-10/2009-10-15/ft-v05.2009-10-15.100000+0000",
          });
    plan = plan_expiry(scan.entries, {.max_bytes = parse_size_limit("5K")});
    CHECK(remove_lines(plan, work, "DIR/w") ==
          std::vector<std::string>{
              "remove/2 DIR/w/2009/2009-10/2009-10-16/tmp-v05.2009-10-16.010000+0000",
              "remove/2 DIR/w/2009/2009-10/2009-10-15/ft-v05.2009-10-15.110000+0000",
          });
    CHECK(plan.bytes_left == 4500);
}

TEST_CASE("expiry: the scan stops 50 directories deep and orders equal times by path",
          "[archive][expiry]") {
    TempDir dir;
    const std::string work = (dir / "w").string();
    fs::path deep = work;
    for (int i = 2; i <= 51; ++i) deep /= "d";  // the root is level 1, this is level 51
    flow_file(deep.parent_path() / "ft-at-50", 10, 100);
    flow_file(deep / "ft-at-51", 10, 100);
    flow_file(fs::path(work) / "ft-b", 10, 100);
    flow_file(fs::path(work) / "ft-a", 10, 100);
    // A header without the capture start TLV counts as the oldest.
    Header no_start;
    no_start.export_version = 5;
    flowkeep_test::spit(fs::path(work) / "ft-z", encode_header(no_start));

    const auto scan = scan_for_expiry(work);
    REQUIRE(scan.entries.size() == 4);
    CHECK(scan.entries[0].path == work + "/ft-z");
    CHECK(scan.entries[0].capture_start == 0);
    CHECK(scan.entries[1].path.ends_with("/d/ft-at-50"));
    CHECK(scan.entries[2].path == work + "/ft-a");
    CHECK(scan.entries[3].path == work + "/ft-b");
    REQUIRE(scan.issues.size() == 1);
    CHECK(scan.issues[0].kind == ExpiryIssueKind::too_deep);
    CHECK(scan.issues[0].path == deep.string());
    CHECK(scan.issues[0].detail == "more than 50 nested directories");

    CHECK(error_of([&] { scan_for_expiry(work + "/missing"); }) ==
          "work directory " + work + "/missing: No such file or directory");
}

TEST_CASE("expiry: the two rules on their own", "[archive][expiry]") {
    std::vector<ExpiryEntry> list;
    for (std::uint32_t i = 0; i < 5; ++i)
        list.push_back({std::string("f").append(std::to_string(i)), 100 * (i + 1),
                        1000 + i});  // 100..500 bytes

    CHECK(plan_expiry(list, {}).removals.empty());                // no limits
    CHECK(plan_expiry(list, {.max_files = 5}).removals.empty());  // at the limit
    CHECK(plan_expiry(list, {.max_bytes = 1500}).removals.empty());

    // The open file counts against the size limit only.
    auto plan = plan_expiry(list, {.max_files = 5, .max_bytes = 1500}, 1);
    REQUIRE(plan.removals.size() == 1);
    CHECK(plan.removals[0].entry.path == "f0");
    CHECK(plan.removals[0].rule == ExpiryRule::size);
    CHECK(plan.files_left == 4);
    CHECK(plan.bytes_left == 1400);

    // An open file larger than the limit pushes every closed file out.
    plan = plan_expiry(list, {.max_bytes = 1000}, 5000);
    CHECK(plan.removals.size() == 5);
    CHECK(plan.files_left == 0);
    CHECK(plan.bytes_left == 0);

    // The count rule works on the list as given (flow-capture appends the
    // files it closes, whatever their times).
    plan = plan_expiry(std::span(list).subspan(2), {.max_files = 1});
    REQUIRE(plan.removals.size() == 2);
    CHECK(plan.removals[0].entry.path == "f2");
    CHECK(plan.removals[1].entry.path == "f3");
    CHECK(plan.removals[1].rule == ExpiryRule::count);
}

TEST_CASE("expiry: -E sizes parse as flow-capture reads them", "[archive][expiry][size]") {
    CHECK(parse_size_limit("0") == 0);
    CHECK(parse_size_limit("40026") == 40026);
    CHECK(parse_size_limit("21K") == 21504);
    CHECK(parse_size_limit("5K") == 5120);
    CHECK(parse_size_limit("1b") == 512);
    CHECK(parse_size_limit("3M") == 3u * 1024 * 1024);
    CHECK(parse_size_limit("5G") == 5ull * 1024 * 1024 * 1024);
    CHECK(parse_size_limit("0x10K") == 16384);
    CHECK(parse_size_limit("0X1f") == 31);
    CHECK(parse_size_limit("010") == 8);
    CHECK(parse_size_limit("017b") == 15 * 512);
    CHECK(parse_size_limit("16777215G") == 16777215ull << 30);
    CHECK(parse_size_limit("18446744073709551615") == 18446744073709551615ull);

    const std::string syntax =
        " (expected a number, decimal, 0x hex or 0 octal, optionally followed by b (x512), K, M "
        "or G)";
    CHECK(error_of([] { parse_size_limit("5X"); }) ==
          "invalid size \"5X\": unknown suffix" + syntax);
    CHECK(error_of([] { parse_size_limit("5k"); }) ==
          "invalid size \"5k\": unknown suffix" + syntax);
    CHECK(error_of([] { parse_size_limit("08"); }) ==
          "invalid size \"08\": unknown suffix" + syntax);
    CHECK(error_of([] { parse_size_limit("5KB"); }) ==
          "invalid size \"5KB\": text after the suffix" + syntax);
    CHECK(error_of([] { parse_size_limit(""); }) == "invalid size \"\": no number" + syntax);
    CHECK(error_of([] { parse_size_limit("K"); }) == "invalid size \"K\": no number" + syntax);
    CHECK(error_of([] { parse_size_limit("-1"); }) == "invalid size \"-1\": no number" + syntax);
    CHECK(error_of([] { parse_size_limit(" 5"); }) == "invalid size \" 5\": no number" + syntax);
    CHECK(error_of([] { parse_size_limit("0x"); }) == "invalid size \"0x\": no number" + syntax);
    CHECK(error_of([] { parse_size_limit("18446744073709551616"); }) ==
          "invalid size \"18446744073709551616\": too large" + syntax);
    CHECK(error_of([] { parse_size_limit("17179869184G"); }) ==
          "invalid size \"17179869184G\": too large" + syntax);
}

TEST_CASE("expiry removal never follows a symbolic link out of the work directory",
          "[archive][expiry]") {
    TempDir dir;
    const std::string work = (dir / "work").string();
    const std::string outside = (dir / "outside").string();
    fs::create_directories(work + "/2009");
    fs::create_directories(outside);
    std::ofstream(outside + "/ft-v05.2009-10-15.000000+0000") << "x";
    std::ofstream(work + "/2009/ft-v05.2009-10-14.000000+0000") << "x";
    // Planned while 2010 was a directory; swapped for a link to elsewhere since.
    fs::create_directory_symlink(outside, work + "/2010");
    fs::create_symlink(outside + "/ft-v05.2009-10-15.000000+0000", work + "/2009/ft-link");
    ExpiryPlan plan;
    plan.removals = {
        {{work + "/2010/ft-v05.2009-10-15.000000+0000", 1, 0}, ExpiryRule::count},
        {{work + "/2009/ft-link", 1, 0}, ExpiryRule::count},
        {{outside + "/ft-v05.2009-10-15.000000+0000", 1, 0}, ExpiryRule::count},
        {{work + "/2009/ft-v05.2009-10-14.000000+0000", 1, 0}, ExpiryRule::count},
    };
    const auto outcomes = execute_expiry(plan, work);
    REQUIRE(outcomes.size() == 4);
    CHECK(outcomes[0].error == ELOOP);
    CHECK(outcomes[0].message == "2010 is a symbolic link; not followed");
    CHECK(outcomes[1].error == ELOOP);
    CHECK(outcomes[2].error == EXDEV);
    CHECK(outcomes[3].removed());
    CHECK(fs::exists(outside + "/ft-v05.2009-10-15.000000+0000"));
    CHECK(fs::is_symlink(work + "/2009/ft-link"));
    CHECK_FALSE(fs::exists(work + "/2009/ft-v05.2009-10-14.000000+0000"));
}
