// checksummed/: files flowkeep's own flow-capture wrote, with the table of
// checksum points (TLV 0x8001) in the header, and what the original
// flow-tools 0.68.5 printed reading them (checksummed/README.md).  The table
// must cost no compatibility: flow-tools skips it as unknown and reads every
// flow, and we read the same flows and render them as it did.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "flowfile/block_checksums.hpp"
#include "golden_check.hpp"

using namespace flowkeep_compat;

namespace {

// Flows sent to each capture (flow-send -n), by case directory.
const std::map<std::string, std::uint32_t> flows_sent = {
    {"v5_zdefault", 3000},
    {"v5_z0", 1400},
};

std::string case_dir(const GoldenCase& c) {
    return c.flow_file.parent_path().filename().string();
}

// flow-header's "# capture flows:  N" line, the count flow-tools read from
// the header it parsed around our TLV.
std::optional<std::uint32_t> golden_capture_flows(const GoldenCase& c) {
    const std::regex line(R"((^|\n)# capture flows: +([0-9]+)\n)");
    std::smatch m;
    const std::string text = golden_header_text(c);
    if (!std::regex_search(text, m, line)) return std::nullopt;
    return static_cast<std::uint32_t>(std::stoul(m[2]));
}

std::vector<std::uint8_t> file_bytes(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("flow-tools reads flowkeep's checksummed captures and we render them as it did",
          "[compat][checksummed]") {
    const auto cases = golden_cases("checksummed");
    REQUIRE(cases.size() == flows_sent.size());
    for (const auto& c : cases) {
        INFO(c.id);
        REQUIRE(flows_sent.contains(case_dir(c)));
        const std::uint32_t sent = flows_sent.at(case_dir(c));

        const ReadAll r = read_file(c.flow_file);
        REQUIRE(r.header.block_checksums);
        const auto& blocks = r.header.block_checksums->blocks;
        // --flush-interval 1 over a few seconds of traffic: several points.
        CHECK(blocks.size() > 1);
        REQUIRE_FALSE(blocks.empty());
        CHECK(blocks.back().end_record == sent);

        // The original tools: no complaint about the unknown TLV, every flow.
        CHECK(read_text(c.flow_file.parent_path() / "header.stderr").empty());
        CHECK(read_text(c.flow_file.parent_path() / "print.stderr").empty());
        CHECK(golden_capture_flows(c) == sent);
        CHECK(golden_exported_count(c) == sent);

        // Ours: the same header text and export rows, byte for byte.
        check_complete_file(c);
        CHECK(r.records.size() == sent);
    }
}

TEST_CASE("the uncompressed checksummed capture's blocks hold the CRC-32 of its record bytes",
          "[compat][checksummed]") {
    // The record area of a -z 0 file is the stored bytes themselves, so the
    // table can be checked against the file without our Reader.
    const auto cases = golden_cases("checksummed");
    const auto c = std::find_if(cases.begin(), cases.end(),
                                [](const GoldenCase& g) { return case_dir(g) == "v5_z0"; });
    REQUIRE(c != cases.end());
    const ReadAll r = read_file(c->flow_file);
    REQUIRE(r.header.block_checksums);
    REQUIRE_FALSE(r.header.compressed());

    const std::vector<std::uint8_t> bytes = file_bytes(c->flow_file);
    constexpr std::size_t v5_record_size = 64;
    REQUIRE(bytes.size() == r.header.size + r.records.size() * v5_record_size);
    std::uint32_t begin = 0;
    for (const auto& block : r.header.block_checksums->blocks) {
        INFO("block ending at record " << block.end_record);
        REQUIRE(block.end_record >= begin);
        REQUIRE(block.end_record <= r.records.size());
        const std::uint8_t* first = bytes.data() + r.header.size + begin * v5_record_size;
        CHECK(flowfile::crc32_update(0, first, (block.end_record - begin) * v5_record_size) ==
              block.crc);
        begin = block.end_record;
    }
    CHECK(begin == r.records.size());
}
