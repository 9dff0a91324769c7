// block_points/: the same flows written without and with block points (a
// zlib full flush every few records), and what the original flow-tools
// 0.68.5 printed reading each (block_points/README.md, record.sh).  Issue
// 14 asks that the original read files with block points exactly as
// before, and flowkeep's tools too.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>
#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "block_points_files.hpp"
#include "flowfile/reader.hpp"
#include "golden_cases.hpp"
#include "legacy_stat/legacy_stat.hpp"
#include "output/flow_export_text.hpp"
#include "output/flow_header_text.hpp"
#include "support/temp_dir.hpp"

using namespace flowkeep_compat;
namespace fs = std::filesystem;

namespace {

const std::array<std::string, 2> variants = {"without", "with"};

fs::path files_dir(const std::string& variant) {
    return data_dir() / "block_points" / "files" / variant;
}

fs::path golden(const std::string& variant, const std::string& file, const std::string& part) {
    return data_dir() / "block_points" / "goldens" / variant / (file + "." + part);
}

std::vector<std::uint8_t> file_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// How often the empty stored block a sync or full flush ends with occurs.
std::size_t flush_markers(const std::vector<std::uint8_t>& bytes) {
    constexpr std::array<std::uint8_t, 4> marker = {0x00, 0x00, 0xff, 0xff};
    std::size_t n = 0;
    for (auto at = bytes.begin();
         (at = std::search(at, bytes.end(), marker.begin(), marker.end())) != bytes.end(); ++at)
        ++n;
    return n;
}

struct StatOutput {
    int status = -1;
    std::string out;
    std::string err;
};

// flowkeep's flow-stat as `flow-stat -f N < file`.
StatOutput our_stat(const fs::path& file, const std::string& report) {
    const std::vector<std::string> argv = {"flow-stat", "-f", report};
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    std::ostringstream out, err;
    StatOutput r;
    r.status = flowquery::run_legacy_flow_stat(argv, fd, out, err);
    ::close(fd);
    r.out = out.str();
    r.err = err.str();
    return r;
}

}  // namespace

TEST_CASE("the committed block point files are what flowkeep's Writer writes today",
          "[compat][block_points]") {
    // A difference means the writer's output changed: flow-tools' readings
    // (the goldens) must then be recorded again (README.md).
    flowkeep_test::TempDir dir;
    const auto written = write_block_points_files(dir.path());
    REQUIRE(written.size() == 2 * block_points_files().size());
    for (const auto& path : written) {
        const auto relative = fs::relative(path, dir.path());
        INFO(relative.generic_string());
        CHECK(file_bytes(path) == file_bytes(data_dir() / "block_points" / "files" / relative));
    }
    for (const auto& f : block_points_files()) {
        INFO(f.name);
        const auto without = file_bytes(files_dir("without") / f.name);
        const auto with = file_bytes(files_dir("with") / f.name);
        if (f.compression_level == 0) {
            // An uncompressed file's records lie at fixed offsets: no flush.
            CHECK(with == without);
        } else {
            // A full flush after each block but the last (80 flows, 25 a block).
            CHECK(flush_markers(with) >= flush_markers(without) + 3);
            CHECK(with.size() > without.size());
        }
    }
}

TEST_CASE("flow-tools read the files with block points exactly as without",
          "[compat][block_points]") {
    // record.sh refuses to record when they differ; this keeps the committed
    // goldens honest.
    std::set<std::string> names[2];
    for (std::size_t v = 0; v < variants.size(); ++v)
        for (const auto& e :
             fs::directory_iterator(data_dir() / "block_points" / "goldens" / variants[v]))
            names[v].insert(e.path().filename().string());
    CHECK(names[0] == names[1]);
    // Six runs (three outputs each) per file.
    CHECK(names[1].size() == block_points_files().size() * 6 * 3);
    for (const auto& name : names[1]) {
        INFO(name);
        CHECK(read_text(data_dir() / "block_points" / "goldens" / "with" / name) ==
              read_text(data_dir() / "block_points" / "goldens" / "without" / name));
    }
    for (const auto& f : block_points_files()) {
        INFO(f.name);
        for (const std::string run :
             {"header", "print_f5", "stat_f0", "stat_f5", "export_f2", "cat"}) {
            INFO(run);
            CHECK(read_text(golden("with", f.name, run + ".status")) == "0\n");
            CHECK(read_text(golden("with", f.name, run + ".stderr")) ==
                  (run == "export_f2" ? "flow-export: Exported 80 records\n" : ""));
        }
        CHECK_THAT(read_text(golden("with", f.name, "header.stdout")),
                   Catch::Contains("# capture flows:        80\n"));
    }
}

TEST_CASE(
    "flowkeep's readers and flow-stat print what the original printed, with block points "
    "and without",
    "[compat][block_points]") {
    for (const auto& f : block_points_files()) {
        for (const auto& variant : variants) {
            INFO(variant << "/" << f.name);
            const auto path = files_dir(variant) / f.name;
            for (const bool streaming : {false, true}) {
                INFO("streaming_only " << streaming);
                auto reader = flowfile::Reader::open(path, {.streaming_only = streaming});
                std::vector<flowfile::Record> records;
                for (auto b = reader->next_batch(); !b.empty(); b = reader->next_batch())
                    records.insert(records.end(), b.begin(), b.end());
                CHECK(reader->status().ok());
                CHECK(records == f.flows);
                CHECK(flowquery::render_flow_header(reader->header()) ==
                      read_text(golden(variant, f.name, "header.stdout")));
                CHECK(flowquery::render_export_f2(reader->header(), records) ==
                      read_text(golden(variant, f.name, "export_f2.stdout")));
            }
            for (const std::string report : {"0", "5"}) {
                INFO("flow-stat -f " << report);
                const auto ours = our_stat(path, report);
                const std::string run = "stat_f" + report;
                CHECK(std::to_string(ours.status) + "\n" ==
                      read_text(golden(variant, f.name, run + ".status")));
                CHECK(ours.out == read_text(golden(variant, f.name, run + ".stdout")));
                CHECK(ours.err == read_text(golden(variant, f.name, run + ".stderr")));
            }
        }
    }
}
