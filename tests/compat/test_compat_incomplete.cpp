// incomplete/: tmp- files copied while flow-capture was writing them, and
// finished files truncated or damaged on purpose (incomplete/CASE.md).  The
// original readers print what they can decode and warn; our Reader must hand
// out the same records and say through ReadStatus what was wrong
// (file-format.md §7, §8).

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string_view>
#include <vector>

#include "flowfile/error.hpp"
#include "golden_check.hpp"
#include "output/flow_export_text.hpp"
#include "text_diff.hpp"

using namespace flowquery;

using namespace flowkeep_compat;
using flowfile::ReadProblem;

namespace {

enum class Golden {
    exact,           // flow-export's output equals ours
    prefix_of_ours,  // we deliver more than the original (see the cases)
    header_only,     // the golden set has only flow-header for this file
    withheld,        // damage no checksum point covers: we deliver none of it
};

struct Expectation {
    std::string_view id;
    ReadProblem problem;
    std::size_t records;
    Golden golden;
};

constexpr std::string_view base_small = "incomplete/base_small/final/ft-v05.2009-10-15.164611+0000";
constexpr std::string_view bad_magic =
    "incomplete/corrupt_header_magic/ft-v05.2009-10-15.164611+0000";

// What each file must give.  Record counts are those of the goldens'
// "Exported N records" except where a comment says otherwise.
constexpr Expectation expectations[] = {
    {base_small, ReadProblem::none, 262, Golden::exact},
    {"incomplete/base_small_z0/final/ft-v05.2009-10-15.165111+0000", ReadProblem::none, 262,
     Golden::exact},
    // One deflate byte damaged: inflate goes on producing (wrong) records and
    // only the Adler-32 check at the end of the stream fails.  The original
    // prints 261 records, any of which may be wrong; a flow-tools file has no
    // checksum point before the end of its stream, so we deliver none.
    {"incomplete/corrupt_data_z/ft-v05.2009-10-15.164611+0000", ReadProblem::corrupt_data, 0,
     Golden::withheld},
    // Damaged raw record bytes cannot be detected: one wrong address, no problem.
    {"incomplete/corrupt_data_z0/ft-v05.2009-10-15.165111+0000", ReadProblem::none, 262,
     Golden::exact},
    // Only the Adler-32 is damaged: the records happen to be intact, but
    // nothing can vouch for them any more.
    {"incomplete/corrupt_data_z_adler/ft-v05.2009-10-15.164611+0000", ReadProblem::corrupt_data, 0,
     Golden::withheld},
    // Compression flag cleared: the zlib bytes are read as raw records,
    // 108 whole ones and 30 bytes.
    {"incomplete/corrupt_header_flags/ft-v05.2009-10-15.164611+0000", ReadProblem::partial_record,
     108, Golden::exact},
    // Export version 5 -> 7: 68-byte records, 246 whole ones and a partial one.
    {"incomplete/corrupt_header_version/ft-v05.2009-10-15.165111+0000", ReadProblem::partial_record,
     246, Golden::exact},
    // Compressed tmp- file before the first 16 KiB flush: no zlib data at all,
    // i.e. a stream that ends before its end.
    {"incomplete/tmp_header_only/tmp-v05.2009-10-15.163111+0000", ReadProblem::truncated_stream, 0,
     Golden::exact},
    {"incomplete/tmp_header_only/final/ft-v05.2009-10-15.163111+0000", ReadProblem::none, 0,
     Golden::header_only},
    // Uncompressed tmp- file: one whole 32 KiB buffer, indistinguishable from
    // a complete file.
    {"incomplete/tmp_z0/tmp-v05.2009-10-15.163611+0000", ReadProblem::none, 512, Golden::exact},
    {"incomplete/tmp_z0/final/ft-v05.2009-10-15.163611+0000", ReadProblem::none, 712,
     Golden::header_only},
    {"incomplete/tmp_zdefault/tmp-v05.2009-10-15.164111+0000", ReadProblem::truncated_stream, 640,
     Golden::exact},
    {"incomplete/tmp_zdefault/final/ft-v05.2009-10-15.164111+0000", ReadProblem::none, 938,
     Golden::header_only},
    {"incomplete/truncated_z/ft-v05.2009-10-15.164611+0000", ReadProblem::truncated_stream, 124,
     Golden::exact},
    // 131 whole records + 23 bytes.
    {"incomplete/truncated_z0/ft-v05.2009-10-15.165111+0000", ReadProblem::partial_record, 131,
     Golden::exact},
};

const Expectation* expectation_for(const std::string& id) {
    for (const auto& e : expectations)
        if (e.id == id) return &e;
    return nullptr;
}

const char* problem_name(ReadProblem p) {
    switch (p) {
        case ReadProblem::none:
            return "none";
        case ReadProblem::partial_record:
            return "partial_record";
        case ReadProblem::truncated_stream:
            return "truncated_stream";
        case ReadProblem::corrupt_data:
            return "corrupt_data";
        case ReadProblem::unverified:
            return "unverified";
        case ReadProblem::trailing_data:
            return "trailing_data";
        case ReadProblem::io_error:
            return "io_error";
    }
    return "?";
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    return s;
}

void check_damaged_or_incomplete(const GoldenCase& c, const Expectation& e) {
    const ReadAll r = read_file(c.flow_file);
    INFO("status: " << problem_name(r.status.problem) << ": " << r.status.message);
    CHECK(problem_name(r.status.problem) == std::string(problem_name(e.problem)));
    CHECK(r.records.size() == e.records);
    CHECK(r.status.records == r.records.size());
    if (!r.status.ok()) check_problem_message(r);
    check_flow_header(c, r);
    switch (e.golden) {
        case Golden::exact:
            check_export_exact(c, r);
            break;
        case Golden::prefix_of_ours: {
            const std::size_t golden_rows = check_export_prefix(c, r);
            CHECK(r.records.size() >= golden_rows);
            break;
        }
        case Golden::header_only:
            REQUIRE(r.header.flow_count);
            CHECK(r.records.size() == *r.header.flow_count);
            break;
        case Golden::withheld:
            REQUIRE(r.header.flow_count);
            CHECK(r.records.empty());
            CHECK_THAT(r.status.message,
                       Catch::Contains(std::to_string(*r.header.flow_count) +
                                       " flows after the last good checksum point dropped as "
                                       "unverifiable"));
            break;
    }
}

}  // namespace

TEST_CASE("every golden incomplete/ file gives the original's records and a precise status",
          "[compat][incomplete]") {
    const auto cases = golden_cases("incomplete");
    CHECK(cases.size() == std::size(expectations) + 1);  // + the bad magic one
    for (const auto& c : cases) {
        INFO(c.id);
        if (c.id == bad_magic) continue;  // its own test below
        const Expectation* e = expectation_for(c.id);
        if (!e) {
            FAIL_CHECK("no expectation written down for " << c.id);
            continue;
        }
        check_damaged_or_incomplete(c, *e);
    }
}

TEST_CASE("a bad magic number is refused with an error naming the file", "[compat][incomplete]") {
    // The originals print nothing and exit 1 (damaged.header.txt is empty).
    const auto path = data_dir() / bad_magic;
    REQUIRE(read_text(path.parent_path() / "damaged.header.txt").empty());
    try {
        flowfile::Reader::open(path);
        FAIL("Reader::open accepted a file whose magic is CF 11");
    } catch (const flowfile::Error& err) {
        const std::string what = err.what();
        INFO("message: " << what);
        CHECK(what.find(path.string()) != std::string::npos);
        CHECK(lower(what).find("bad magic") != std::string::npos);
    }
}

TEST_CASE("a damaged flow-tools file delivers no record its checksum cannot vouch for",
          "[compat][incomplete]") {
    // The original printed 261 of 262 records of each, and for corrupt_data_z
    // the later ones are not the ones recorded.
    const auto original = read_file(data_dir() / base_small);
    REQUIRE(original.records.size() == 262);
    for (const char* name : {"corrupt_data_z", "corrupt_data_z_adler"}) {
        INFO(name);
        const auto damaged =
            read_file(data_dir() / "incomplete" / name / "ft-v05.2009-10-15.164611+0000");
        CHECK(damaged.status.problem == ReadProblem::corrupt_data);
        CHECK(damaged.records.empty());
        CHECK_THAT(damaged.status.message, Catch::Contains("0 flows read; 262 flows after"));
    }
}

TEST_CASE("a tmp- file's flows are the first flows of the file it became", "[compat][incomplete]") {
    // The golden set has no flow-export of the finished files; the tmp- copy's
    // export must be where they begin.
    for (const char* name : {"tmp_header_only", "tmp_z0", "tmp_zdefault"}) {
        INFO(name);
        const auto dir = data_dir() / "incomplete" / name;
        std::vector<std::filesystem::path> finished_files;
        for (const auto& e : std::filesystem::directory_iterator(dir / "final"))
            finished_files.push_back(e.path());
        REQUIRE(finished_files.size() == 1);
        const auto finished = read_file(finished_files.front());
        const std::string golden = read_text(dir / "tmp.export_f2.csv");
        const std::string ours = render_export_f2(finished.header, finished.records);
        CHECK(describe_csv_difference(golden, ours.substr(0, golden.size())) == "");
    }
}
