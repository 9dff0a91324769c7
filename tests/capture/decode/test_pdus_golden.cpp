// The decoder against what the real flow-capture made of the same datagrams
// (tests/data/pdus/, copied from testdata/pdus/): for every capture, the
// datagrams of manifest.tsv go through the decoder in order with the case's
// -V and remote filter; the records must render like flow-export -f2's rows,
// the per-file counters must equal flow-header's, and the log lines must
// equal flow-capture's stderr apart from what the daemon itself prints.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "capture/decoder_harness.hpp"
#include "capture/export_f2_row.hpp"
#include "flowfile/ipv4_text.hpp"
#include "support/files.hpp"

namespace fs = std::filesystem;
using flowkeep_test::ip;

namespace {

const fs::path pdus_dir = fs::path(FLOWKEEP_TEST_DATA) / "pdus";

struct GoldenCase {
    std::string name;
    std::uint16_t stored_version;  // -V, 0 when absent
    std::uint32_t remote_ip;       // 2nd field of the address argument
};

// From each capture's CASE.md command line (bound to 127.0.0.1).
const std::vector<GoldenCase> golden_cases = {
    {"capture_v5", 5, 0},
    {"capture_v5_as_v1", 1, 0},
    {"capture_v1", 1, 0},
    {"capture_v1_as_v5", 5, 0},
    {"capture_v7", 7, 0},
    {"capture_v7_as_v5", 5, 0},
    {"capture_auto", 0, 0},
    {"seq_gap", 5, 0},
    {"seq_reset", 5, 0},
    {"seq_wrap", 5, 0},
    {"multi_engine", 5, 0},
    {"malformed", 5, 0},
    {"wrong_exporter", 5, ip(127, 0, 0, 2)},
};

struct ManifestRow {
    std::string capture;
    std::string packet_file;
    std::uint32_t source = 0;
    std::string version;    // the datagram's version field, "None" when too short
    std::string first_row;  // "-" when flow-capture rejected the packet
    std::string last_row;
};

std::uint32_t parse_ipv4(const std::string& s) {
    unsigned a = 0, b = 0, c = 0, d = 0;
    char dot = 0;
    std::istringstream in(s);
    in >> a >> dot >> b >> dot >> c >> dot >> d;
    return ip(a, b, c, d);
}

std::vector<std::string> split(const std::string& line, char sep) {
    std::vector<std::string> out;
    std::string cell;
    std::istringstream in(line);
    while (std::getline(in, cell, sep)) out.push_back(cell);
    return out;
}

std::vector<std::string> read_lines(const fs::path& p) {
    std::ifstream in(p);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

std::vector<ManifestRow> read_manifest() {
    std::vector<ManifestRow> rows;
    const auto lines = read_lines(pdus_dir / "manifest.tsv");
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const auto cells = split(lines[i], '\t');
        if (cells.size() != 7) continue;
        rows.push_back({cells[0], cells[1], parse_ipv4(cells[2]), cells[3], cells[5], cells[6]});
    }
    return rows;
}

// "# lost flows:           17" -> {"lost flows", "17"}
std::map<std::string, std::string> read_header_txt(const fs::path& p) {
    std::map<std::string, std::string> fields;
    for (const std::string& line : read_lines(p)) {
        const auto colon = line.find(':');
        if (line.rfind("# ", 0) != 0 || colon == std::string::npos) continue;
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        fields[line.substr(2, colon - 2)] = value;
    }
    return fields;
}

// Wall-clock values differ between runs; the daemon's own lines are not the
// decoder's business.
std::string normalise(const std::string& line) {
    static const std::regex wall_clock(" time=[0-9]+ ");
    return std::regex_replace(line, wall_clock, " time=T ");
}

std::vector<std::string> decoder_lines_of(const fs::path& capture_stderr) {
    std::vector<std::string> out;
    const std::string prefix = "flow-capture: ";
    for (std::string line : read_lines(capture_stderr)) {
        if (line.rfind(prefix, 0) == 0) line.erase(0, prefix.size());
        if (line.rfind("setsockopt(", 0) == 0 || line == "SIGTERM" || line == "SIGHUP" ||
            line == "SIGQUIT")
            continue;
        out.push_back(normalise(line));
    }
    return out;
}

}  // namespace

TEST_CASE("every capture of the manifest has golden settings here", "[decoder][golden]") {
    std::set<std::string> in_manifest;
    for (const ManifestRow& row : read_manifest()) in_manifest.insert(row.capture);
    std::set<std::string> known;
    for (const GoldenCase& c : golden_cases) known.insert(c.name);
    CHECK(in_manifest == known);
}

TEST_CASE("the decoder stores what flow-capture stored, counts and logs what it did",
          "[decoder][golden]") {
    const std::vector<ManifestRow> manifest = read_manifest();
    REQUIRE(manifest.size() == 68);

    for (const GoldenCase& gc : golden_cases) {
        DYNAMIC_SECTION(gc.name) {
            capture::DecoderSettings settings;
            settings.stored_version = gc.stored_version;
            settings.remote_ip = gc.remote_ip;
            flowkeep_test::DecoderHarness h(settings);

            // flowkeep's one intended difference: it reads NetFlow v9 and
            // IPFIX, which flow-tools refused as corrupt.  The corpus has one
            // template-only v9 datagram: flowkeep keeps its template, stores no
            // flow and logs its own lines, which are translated back to what
            // flow-tools logged, so the rest still compares line for line.
            std::vector<std::string> logged;
            std::size_t templated = 0;
            std::size_t packets = 0;
            for (const ManifestRow& row : manifest) {
                if (row.capture != gc.name) continue;
                ++packets;
                INFO("packet " << row.packet_file);
                const auto bytes = flowkeep_test::slurp(pdus_dir / row.packet_file);
                const std::size_t before = h.records.size();
                const capture::DecodeResult r = h.feed(bytes, row.source);
                std::vector<std::string> lines = h.take_lines();
                if (row.version == "9" || row.version == "10") {
                    ++templated;
                    CHECK(r.accepted());
                    CHECK(r.records == 0);
                    CHECK(r.counters.corrupt_packets == 0);
                    const std::string source = flowfile::ipv4_text(row.source);
                    for (const std::string& line : lines)
                        CHECK_THAT(line, Catch::StartsWith("New exporter: "));
                    logged.push_back("ftpdu version not set.");
                    logged.push_back("ftpdu_verify(): src_ip=" + source + " failed.");
                    continue;
                }
                for (const std::string& line : lines) logged.push_back(normalise(line));
                if (row.first_row == "-") {
                    CHECK_FALSE(r.accepted());
                    CHECK(r.counters.corrupt_packets == 1);
                } else {
                    CHECK(r.accepted());
                    CHECK(before + 1 == std::stoul(row.first_row));
                    CHECK(h.records.size() == std::stoul(row.last_row));
                }
            }
            REQUIRE(packets > 0);
            CHECK(h.decoder.templates().templates() == templated);

            // Records, field for field, as flow-export -f2 printed them.
            const auto csv = read_lines(pdus_dir / gc.name / "export_f2.csv");
            REQUIRE(csv.size() >= 1);
            REQUIRE(csv[0].rfind("#:", 0) == 0);
            const auto columns = flowkeep_test::split_csv(csv[0].substr(2));
            REQUIRE(h.records.size() == csv.size() - 1);
            for (std::size_t i = 0; i < h.records.size(); ++i) {
                INFO("row " << i + 1);
                CHECK(flowkeep_test::render_f2_row(columns, h.records[i]) == csv[i + 1]);
            }

            // Per-file counters, as flow-header printed them.
            auto header = read_header_txt(pdus_dir / gc.name / "header.txt");
            CHECK(std::to_string(h.decoder.stored_version()) == header["export version"]);
            CHECK(std::to_string(h.counters.lost_flows) == header["lost flows"]);
            CHECK(std::to_string(h.counters.corrupt_packets + templated) ==
                  header["corrupt packets"]);
            CHECK(std::to_string(h.counters.seq_resets) == header["sequencer resets"]);
            CHECK(std::to_string(h.records.size()) == header["capture flows"]);

            // Log lines, as flow-capture -D printed them.
            CHECK(logged == decoder_lines_of(pdus_dir / gc.name / "capture.stderr"));
        }
    }
}
