// The times the tools print are times --from and --to take: an operator
// pastes a flow's start or end back to narrow the next query.
#include <catch2/catch.hpp>

#include <sstream>
#include <vector>

#include "support/temp_dir.hpp"
#include "tools/archive_builder.hpp"
#include "tools/run_tool.hpp"

using namespace flowkeep_test;

namespace {

constexpr std::int64_t t0_ms = 1773529200000;  // 2026-03-14T23:00:00Z

// The flow of interest, 10.123 s to 20.456 s after t0, between two that
// miss it by a fraction of a second; each is named by its source port.
std::filesystem::path write_close_flows(const std::filesystem::path& dir) {
    const std::uint32_t a = ip(10, 0, 3, 7);
    const std::uint32_t b = ip(203, 0, 113, 5);
    return ArchiveBuilder(dir).add_file(t0_ms / 1000,
                                        {
                                            flow_at(t0_ms + 1000, t0_ms + 10100, a, b, 6, 1, 443),
                                            flow_at(t0_ms + 10123, t0_ms + 20456, a, b, 6, 2, 443),
                                            flow_at(t0_ms + 20500, t0_ms + 30000, a, b, 6, 3, 443),
                                        });
}

// The rows of a flow-select table, split at blanks (no column is empty).
std::vector<std::vector<std::string>> table_rows(const std::string& table) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream lines(table);
    std::string line;
    std::getline(lines, line);  // header
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::vector<std::string> row;
        for (std::string w; words >> w;) row.push_back(w);
        rows.push_back(row);
    }
    return rows;
}

std::string ports_between(const std::filesystem::path& file, const std::string& zone,
                          const std::string& from, const std::string& to) {
    const ToolRun r = run_shell("TZ=" + zone + " " + FLOW_EXPORT_CSV_BIN + " --fields src_port" +
                                " --from '" + from + "' --to '" + to + "' " + shell_arg(file));
    INFO(r.err);
    CHECK(r.status == 0);
    std::string ports;
    std::istringstream lines(r.out);
    std::string line;
    std::getline(lines, line);  // header
    while (std::getline(lines, line)) ports += line.substr(0, line.find('\r')) + ' ';
    return ports;
}

}  // namespace

TEST_CASE("a flow's printed start and end, pasted into --from and --to, give that flow") {
    TempDir dir;
    const auto file = write_close_flows(dir.path());
    for (const std::string zone : {"Europe/Prague", "America/St_Johns", "UTC"}) {
        for (const std::string utc : {"", "--utc"}) {
            const ToolRun listed = run_shell("TZ=" + zone + " " + FLOW_SELECT_BIN + " " + utc +
                                             " --fields src_port,start,end " + shell_arg(file));
            INFO(zone << ' ' << utc << '\n' << listed.out << listed.err);
            REQUIRE(listed.status == 0);
            const auto rows = table_rows(listed.out);
            REQUIRE(rows.size() == 3);
            REQUIRE(rows[1].size() == 3);
            const std::string start = rows[1][1];
            const std::string end = rows[1][2];
            CHECK(start.find(".123") != std::string::npos);
            // The window [start, end) holds the flow and neither neighbour,
            // which miss it by 23 and 44 milliseconds.
            CHECK(ports_between(file, zone, start, end) == "2 ");
            // --from is inclusive: the flow is active at its end.
            CHECK(ports_between(file, zone, end, "2026-03-16") == "2 3 ");
            // --to is exclusive: a window ending at the start misses it.
            CHECK(ports_between(file, zone, "2026-03-14", start) == "1 ");
        }
    }
}
