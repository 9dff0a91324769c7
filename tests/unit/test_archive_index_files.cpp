// Index files (ix-NAME) in the archive: the listing and the expiry scan pass
// them by without a word, -E counts each with its data file, and expiry
// removes each with its data file.

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "flowfile/archive.hpp"
#include "flowfile/block_index.hpp"
#include "flowfile/header.hpp"
#include "support/files.hpp"
#include "support/temp_dir.hpp"

using namespace flowfile;
using flowkeep_test::TempDir;
namespace fs = std::filesystem;

namespace {

// A data file of `size` bytes whose header says it began at `start`.
void flow_file(const fs::path& p, std::uint32_t start, std::size_t size) {
    auto bytes = encode_header(Header::for_capture(5, start, "flowbox-a", true));
    REQUIRE(bytes.size() <= size);
    bytes.resize(size, 0);
    fs::create_directories(p.parent_path());
    flowkeep_test::spit(p, bytes);
}

void index_file(const fs::path& data, std::size_t size) {
    flowkeep_test::spit(index_path_of(data), std::vector<std::uint8_t>(size, 0x49));
}

std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

// 2009-10-15 10:00 and 11:00 UTC, 2009-10-16 00:00 UTC.
constexpr std::uint32_t t10 = 1255600800, t11 = 1255604400, t16 = 1255651200;

}  // namespace

TEST_CASE("the archive listing passes index files by silently", "[archive][index]") {
    TempDir dir;
    const fs::path day = dir / "2009" / "2009-10" / "2009-10-15";
    const fs::path a = day / "ft-v05.2009-10-15.100000+0000";
    const fs::path b = day / "ft-v05.2009-10-15.110000+0000";
    flow_file(a, t10, 1000);
    flow_file(b, t11, 1000);
    index_file(a, 300);
    index_file(b, 200);
    flowkeep_test::spit(day / "ix-ft-v05.2009-10-15.110000+0000.new", {1});
    flowkeep_test::spit(day / "stranger", {1});

    // From just after the first file began: it is the file open then, and
    // one pass over the directories finds it.
    const auto listing = list_window(dir.path().string(), {t10 + 1, t16});
    std::vector<std::string> files;
    for (const auto& f : listing.files) files.push_back(f.relative_path);
    CHECK(files ==
          std::vector<std::string>{"2009/2009-10/2009-10-15/ft-v05.2009-10-15.100000+0000",
                                   "2009/2009-10/2009-10-15/ft-v05.2009-10-15.110000+0000"});
    CHECK(listing.problems.empty());
    CHECK(listing.stats.names_ignored == 1);  // the stranger only
}

TEST_CASE("expiry counts an index with its data file and removes them together",
          "[archive][expiry][index]") {
    TempDir dir;
    const std::string work = (dir / "w").string();
    const fs::path day = fs::path(work) / "2009" / "2009-10" / "2009-10-15";
    const fs::path old_file = day / "ft-v05.2009-10-15.100000+0000";
    const fs::path new_file = day / "ft-v05.2009-10-15.110000+0000";
    const fs::path tmp_file = day / "tmp-v05.2009-10-16.000000+0000";
    flow_file(old_file, t10, 1000);
    flow_file(new_file, t11, 2000);
    flow_file(tmp_file, t16, 500);
    index_file(old_file, 300);
    index_file(new_file, 100);
    // An index being written, and one whose data file is gone: neither is a
    // file of its own for expiry, nor a stranger to log.
    flowkeep_test::spit(day / "ix-ft-v05.2009-10-15.110000+0000.new", {1, 2});
    flowkeep_test::spit(day / "ix-ft-v05.2009-10-14.000000+0000", {1, 2});

    const auto scan = scan_for_expiry(work);
    CHECK(scan.issues.empty());
    REQUIRE(scan.entries.size() == 3);
    CHECK(scan.entries[0].path == old_file.string());
    CHECK(scan.entries[0].size == 1300);
    CHECK(scan.entries[1].path == new_file.string());
    CHECK(scan.entries[1].size == 2100);
    CHECK(scan.entries[2].path == tmp_file.string());
    CHECK(scan.entries[2].size == 500);
    CHECK(scan.total_bytes() == 3900);

    // 3000 bytes of room: the data files alone (3500) would need one
    // removal, with their indexes (3900) too; the oldest goes first.
    const auto plan = plan_expiry(scan.entries, {.max_bytes = 3000});
    REQUIRE(plan.removals.size() == 1);
    CHECK(plan.bytes_left == 2600);
    const auto outcomes = execute_expiry(plan, work);
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].removed());
    CHECK(names_in(day) == std::vector<std::string>{
                               "ft-v05.2009-10-15.110000+0000",
                               "ix-ft-v05.2009-10-14.000000+0000",
                               "ix-ft-v05.2009-10-15.110000+0000",
                               "ix-ft-v05.2009-10-15.110000+0000.new",
                               "tmp-v05.2009-10-16.000000+0000",
                           });
}

TEST_CASE("expiry removes a data file without an index, and never a link named like one",
          "[archive][expiry][index]") {
    TempDir dir;
    const std::string work = (dir / "w").string();
    const fs::path a = fs::path(work) / "ft-v05.2009-10-15.100000+0000";
    const fs::path b = fs::path(work) / "ft-v05.2009-10-15.110000+0000";
    flow_file(a, t10, 1000);
    flow_file(b, t11, 1000);
    flowkeep_test::spit(dir / "precious", {7});
    fs::create_symlink(dir / "precious", index_path_of(b));

    const auto scan = scan_for_expiry(work);
    REQUIRE(scan.entries.size() == 2);
    CHECK(scan.entries[1].size == 1000);  // a link is not an index
    const auto all = execute_expiry(plan_expiry(scan.entries, {.max_bytes = 1}), work);
    REQUIRE(all.size() == 2);
    CHECK(all[0].removed());
    CHECK(all[1].removed());
    CHECK(names_in(work) == std::vector<std::string>{"ix-ft-v05.2009-10-15.110000+0000"});
    CHECK(fs::exists(dir / "precious"));
}
