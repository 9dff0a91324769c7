// The tools against the outputs of the original flow-tools (tests/data).
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include "support/temp_dir.hpp"
#include "tools/run_tool.hpp"

using namespace flowkeep_test;

namespace {

const std::string data = FLOWKEEP_TEST_DATA;

struct Golden {
    std::string dir;
    std::string file;
    bool has_stat_reports;  // flow-stat -f 0/5/8/10/12 outputs were recorded
};

// Every golden named here must be there: a missing one is a failure, not a
// smaller test.
const Golden goldens[] = {
    {"files/v5_zdefault", "ft-v05.2009-10-15.153110+0000", true},
    {"files/v5_big", "ft-v05.2009-10-15.153110+0000", true},
    {"files/v5_z0", "ft-v05.2009-10-15.153110+0000", false},
    {"files/v1", "ft-v01.2009-10-15.154110+0000", true},
    {"files/v7", "ft-v07.2009-10-15.155110+0000", true},
};

}  // namespace

TEST_CASE("flow-export-csv --format flow-export prints what flow-export -f2 printed") {
    for (const auto& g : goldens) {
        const std::string dir = data + "/" + g.dir;
        SECTION(g.dir) {
            REQUIRE(std::filesystem::exists(dir + "/export_f2.csv"));
            const std::string expected = read_file_text(dir + "/export_f2.csv");
            // From stdin, like the original...
            const auto piped =
                run_shell(std::string(FLOW_EXPORT_CSV_BIN) + " --format flow-export < " +
                          shell_arg(dir + "/" + g.file));
            CHECK(piped.status == 0);
            CHECK(piped.err == "");
            CHECK(piped.out == expected);
            // ...and given the file.
            const auto named = run_shell(std::string(FLOW_EXPORT_CSV_BIN) +
                                         " --format flow-export " + shell_arg(dir + "/" + g.file));
            CHECK(named.out == expected);
        }
    }
}

TEST_CASE("flow-select -o stream composes with the other tools") {
    const std::string dir = data + "/files/v5_zdefault";
    const auto run = run_shell(std::string(FLOW_SELECT_BIN) + " -o stream " +
                               shell_arg(dir + "/ft-v05.2009-10-15.153110+0000") + " | " +
                               FLOW_EXPORT_CSV_BIN + " --format flow-export");
    CHECK(run.status == 0);
    CHECK(run.out == read_file_text(dir + "/export_f2.csv"));

    // A filtered stream holds only the matching flows.  Each step's status is
    // checked on its own (a pipeline's would be its last command's).
    TempDir scratch;
    const std::string stream = (scratch / "tcp.stream").string();
    const auto select =
        run_shell(std::string(FLOW_SELECT_BIN) + " -o stream --proto tcp " +
                  shell_arg(dir + "/ft-v05.2009-10-15.153110+0000") + " > " + shell_arg(stream));
    CHECK(select.status == 0);
    const auto tcp =
        run_shell(std::string(FLOW_EXPORT_CSV_BIN) + " --fields protocol < " + shell_arg(stream));
    CHECK(tcp.status == 0);
    std::istringstream rows(tcp.out);
    std::string row;
    std::getline(rows, row);
    CHECK(row == "protocol\r");
    std::size_t flows = 0;
    std::size_t not_tcp = 0;
    while (std::getline(rows, row)) {
        ++flows;
        if (row != "6\r") ++not_tcp;
    }
    CHECK(flows > 0);
    CHECK(not_tcp == 0);
}

TEST_CASE("flow-stat -f N prints the original flow-stat's reports") {
    for (const auto& g : goldens) {
        if (!g.has_stat_reports) continue;
        for (const char* report : {"0", "5", "8", "10", "12"}) {
            const std::string golden = data + "/" + g.dir + "/stat_f" + report + ".txt";
            SECTION(g.dir + " -f " + report) {
                REQUIRE(std::filesystem::exists(golden));
                const auto run = run_shell(
                    "cd " + shell_arg(std::filesystem::path(FLOW_STAT_BIN).parent_path()) +
                    " && PATH=.:$PATH flow-stat -f " + report + " < " +
                    shell_arg(data + "/" + g.dir + "/" + g.file));
                CHECK(run.status == 0);
                CHECK(run.out == read_file_text(golden));
            }
        }
    }
}
