// ipv6_series/: a -N 3 archive of real flow-tools v5 files with flowkeep's
// IPv6 series files in the same day directories, and what the original
// flow-tools 0.68.5 printed reading it without and with them
// (ipv6_series/README.md, record.sh).  Issue 13 asks that the IPv6 files
// cost the original tools nothing: flow-cat, flow-print and flow-stat give
// the same answers, the directory readers pass our files by with their
// "ignoring" line, and a reader given one of them by name refuses it.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "flowfile/archive.hpp"
#include "flowfile/header.hpp"
#include "flowfile/reader.hpp"
#include "golden_cases.hpp"
#include "ipv6_series_archive.hpp"
#include "support/temp_dir.hpp"

using namespace flowkeep_compat;
namespace fs = std::filesystem;

namespace {

fs::path series_dir() {
    return data_dir() / "ipv6_series";
}

fs::path archive_dir() {
    return series_dir() / "archive";
}

fs::path goldens(const std::string& variant) {
    return series_dir() / "goldens" / variant;
}

std::vector<std::uint8_t> file_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

std::string status(const std::string& variant, const std::string& name) {
    return read_text(goldens(variant) / (name + ".status"));
}

// The file names of the archive's IPv6 series, finished ones only or tmp-
// ones too.
std::set<std::string> ipv6_names(bool with_tmp) {
    std::set<std::string> names;
    for (const auto& f : ipv6_series_files())
        if (with_tmp || !f.name.in_progress) names.insert(f.name.str());
    return names;
}

struct Ipv6Read {
    flowfile::Header header;
    std::vector<flowfile::Record6> records;
};

// Everything our readers deliver from the archive, by series.
struct ArchiveRead {
    std::vector<std::string> v5_files;
    std::uint64_t v5_records = 0;
    std::vector<std::pair<std::string, Ipv6Read>> ipv6_files;
};

ArchiveRead read_archive() {
    // From the first day directory's start to the end of the second (UTC).
    const flowfile::TimeWindow window{.from = 1255564800, .to = 1255737600};
    const auto listing = flowfile::list_window(archive_dir().string(), window);
    CHECK(listing.problems.empty());
    ArchiveRead read;
    for (const auto& f : listing.files) {
        auto any = flowfile::open_any(f.path);
        if (any.ipv4) {
            read.v5_files.push_back(f.name.str());
            for (auto batch = any.ipv4->next_batch(); !batch.empty();
                 batch = any.ipv4->next_batch())
                read.v5_records += batch.size();
        } else {
            REQUIRE(any.ipv6);
            Ipv6Read r;
            r.header = any.ipv6->header();
            for (auto batch = any.ipv6->next_batch(); !batch.empty();
                 batch = any.ipv6->next_batch())
                r.records.insert(r.records.end(), batch.begin(), batch.end());
            read.ipv6_files.emplace_back(f.name.str(), std::move(r));
        }
    }
    return read;
}

// The rows flow-print printed, its title line left out.
std::size_t printed_flows(const std::string& variant, const std::string& name) {
    const auto text = lines(read_text(goldens(variant) / (name + ".stdout")));
    return text.empty() ? 0 : text.size() - 1;
}

// The lines with which flow-tools' directory walk (ftfile.c load_dir) passes
// a file by: a name not starting with ft, cf or tmp (only where names are
// checked), or a header its ftiheader_read refuses.  Empty when `line` is
// neither; else the file name.
std::string passed_by(const std::string& line, const std::string& tool) {
    const std::string ignoring = tool + ": ignoring: ";
    if (line.starts_with(ignoring)) return line.substr(ignoring.size());
    const std::string header = tool + ": ftiheader_read(";
    const std::string failed = "): Failed, ignoring file.";
    if (line.starts_with(header) && line.ends_with(failed))
        return line.substr(header.size(), line.size() - header.size() - failed.size());
    return {};
}

// What ftiheader_read prints before refusing a header (ftio.c).
bool header_refusal_reason(const std::string& line, const std::string& tool) {
    return line.starts_with(tool + ": Stream format must be 1 or 3") ||
           line == tool + ": ftiheader_read(): Warning, bad magic number";
}

// flow-tools' own refusals of a file it cannot read (ftio.c): an export
// version it does not know, or a header it does not take.
bool refusal(const std::string& stderr_text) {
    return stderr_text.find("Unsupported record type") != std::string::npos ||
           stderr_text.find("Stream format must be 1 or 3") != std::string::npos ||
           stderr_text.find("bad magic number") != std::string::npos;
}

// Cases that read the whole directory: flow-cat's stream alone, and piped
// into flow-print and flow-stat.  "cat_a*" is flow-cat -a (tmp- files too).
const std::vector<std::string> binary_cases = {"cat", "cat_a"};
const std::vector<std::string> pipe_cases = {"cat_print",    "cat_stat_f0", "cat_stat_f5",
                                             "cat_stat_f10", "cat_a_print", "cat_a_stat_f0"};

}  // namespace

TEST_CASE("the committed IPv6 series files are what flowkeep's Writer writes today",
          "[compat][ipv6_series]") {
    // A difference means the IPv6 file format changed: flow-tools' readings
    // of these files (the goldens) must then be recorded again (README.md).
    flowkeep_test::TempDir dir;
    const auto written = write_ipv6_series(dir.path());
    REQUIRE(written.size() == ipv6_series_files().size());
    std::set<std::string> expected;
    for (const auto& path : written) {
        const auto relative = fs::relative(path, dir.path());
        expected.insert(relative.generic_string());
        INFO(relative.generic_string());
        const auto committed = archive_dir() / relative;
        REQUIRE(fs::is_regular_file(committed));
        const auto ours = file_bytes(path);
        const auto theirs = file_bytes(committed);
        if (ours != theirs) {
            // Say whether the format or only the compressor's output changed.
            const auto ours_header = flowfile::decode_header(ours, "written");
            const auto theirs_header = flowfile::decode_header(theirs, "committed");
            INFO("headers " << (ours_header == theirs_header ? "equal" : "differ"));
            CHECK(ours == theirs);
        }
    }
    // And nothing else of the series is in the archive.
    std::set<std::string> committed;
    for (const auto& e : fs::recursive_directory_iterator(archive_dir())) {
        const auto name = flowfile::parse_file_name(e.path().filename().string());
        if (e.is_regular_file() && name && name->ipv6_series())
            committed.insert(fs::relative(e.path(), archive_dir()).generic_string());
    }
    CHECK(committed == expected);
}

TEST_CASE("flow-tools read the v5 archive without the IPv6 series cleanly",
          "[compat][ipv6_series]") {
    // The baseline the readings with the IPv6 files are compared with.
    for (const auto& name : binary_cases) {
        INFO(name);
        CHECK(status("without", name) == "0\n");
        CHECK(read_text(goldens("without") / (name + ".stderr")).empty());
    }
    for (const auto& name : pipe_cases) {
        INFO(name);
        CHECK(status("without", name + ".cat") == "0\n");
        CHECK(status("without", name) == "0\n");
        CHECK(read_text(goldens("without") / (name + ".cat.stderr")).empty());
        CHECK(read_text(goldens("without") / (name + ".stderr")).empty());
    }
    // Every v5 flow: the archive's files as our reader counts them.
    const ArchiveRead ours = read_archive();
    CHECK(printed_flows("without", "cat_a_print") == ours.v5_records);
    CHECK(printed_flows("without", "cat_print") < ours.v5_records);  // the tmp- file's are left out
}

TEST_CASE("flow-tools refuse an IPv6 series file given by name", "[compat][ipv6_series]") {
    for (const std::string name : {"print_ip6", "stat_ip6", "header_ip6", "print_tmp_ip6"}) {
        INFO(name);
        CHECK(status("by_name", name) != "0\n");
        CHECK(read_text(goldens("by_name") / (name + ".stdout")).empty());
        CHECK(refusal(read_text(goldens("by_name") / (name + ".stderr"))));
    }
    for (const std::string name : {"cat_ip6", "cat_tmp_ip6"}) {
        INFO(name);
        CHECK(status("by_name", name) != "0\n");
        CHECK(refusal(read_text(goldens("by_name") / (name + ".stderr"))));
        // sha256 and size of an empty stream: flow-cat wrote nothing.
        CHECK(read_text(goldens("by_name") / (name + ".stdout.sha256")) ==
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 0\n");
    }
}

// The original's stream readers fail on the series' stream version (134) and
// pass the file by, so its answers for the directory stay what they were.
TEST_CASE("flow-cat with flow-print and flow-stat answer the same with the IPv6 series beside",
          "[compat][ipv6_series]") {
    for (const auto& name : binary_cases) {
        INFO(name);
        CHECK(status("with", name) == status("without", name));
        CHECK(read_text(goldens("with") / (name + ".stdout.sha256")) ==
              read_text(goldens("without") / (name + ".stdout.sha256")));
    }
    for (const auto& name : pipe_cases) {
        INFO(name);
        CHECK(status("with", name + ".cat") == status("without", name + ".cat"));
        CHECK(status("with", name) == status("without", name));
        CHECK(read_text(goldens("with") / (name + ".stdout")) ==
              read_text(goldens("without") / (name + ".stdout")));
        CHECK(read_text(goldens("with") / (name + ".stderr")) ==
              read_text(goldens("without") / (name + ".stderr")));
    }
    // flow-cat's stderr: only its lines passing our files by (and the reason
    // ftiheader_read gives before each), naming exactly the IPv6 files it
    // would otherwise read: the finished ones, and with -a the tmp- one too.
    for (const auto& name : {std::string("cat"), std::string("cat_print.cat"), std::string("cat_a"),
                             std::string("cat_a_print.cat")}) {
        INFO(name);
        const bool all = name.starts_with("cat_a");
        std::multiset<std::string> named;
        for (const auto& line : lines(read_text(goldens("with") / (name + ".stderr")))) {
            INFO(line);
            const std::string file = passed_by(line, "flow-cat");
            if (!file.empty())
                named.insert(file);
            else
                CHECK(header_refusal_reason(line, "flow-cat"));
        }
        const auto expected = ipv6_names(all);
        CHECK(named == std::multiset<std::string>(expected.begin(), expected.end()));
    }
}

TEST_CASE("our readers find every v5 and IPv6 flow of the mixed archive", "[compat][ipv6_series]") {
    const ArchiveRead ours = read_archive();
    // The v5 files flow-tools listed, the tmp- one included.
    std::size_t v5_listed = 0;
    for (const auto& line : lines(read_text(goldens("without") / "files.txt")))
        v5_listed += line.find("/ft-v05.") != std::string::npos ||
                     line.find("/tmp-v05.") != std::string::npos;
    CHECK(ours.v5_files.size() == v5_listed);
    // As many v5 flows as flow-print printed of them.
    CHECK(ours.v5_records == printed_flows("without", "cat_a_print"));

    // Every IPv6 flow, as written, the open file's included.
    const auto files = ipv6_series_files();
    REQUIRE(ours.ipv6_files.size() == files.size());
    for (const auto& f : files) {
        INFO(f.name.str());
        const auto found =
            std::find_if(ours.ipv6_files.begin(), ours.ipv6_files.end(),
                         [&](const auto& read) { return read.first == f.name.str(); });
        REQUIRE(found != ours.ipv6_files.end());
        const Ipv6Read& read = found->second;
        CHECK(read.records == f.flows);
        CHECK(read.header.export_version == flowfile::ipv6_export_version);
        CHECK(read.header.done() == !f.name.in_progress);
        if (!f.name.in_progress) {
            CHECK(read.header.cap_end == f.cap_end);
            CHECK(read.header.flow_count == f.flows.size());
        }
    }
}
