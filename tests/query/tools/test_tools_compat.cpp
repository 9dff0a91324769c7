// The tools against the outputs of the original flow-tools (tests/data).
#include <catch2/catch.hpp>

#include "tools/run_tool.hpp"

using namespace flowkeep_test;

namespace {

const std::string data = FLOWKEEP_TEST_DATA;

struct Golden {
    std::string dir;
    std::string file;
};

const Golden goldens[] = {
    {"files/v5_zdefault", "ft-v05.2009-10-15.153110+0000"},
    {"files/v5_big", "ft-v05.2009-10-15.153110+0000"},
    {"files/v5_z0", "ft-v05.2009-10-15.153110+0000"},
    {"files/v1", "ft-v01.2009-10-15.154110+0000"},
    {"files/v7", "ft-v07.2009-10-15.155110+0000"},
};

}  // namespace

TEST_CASE("flow-export-csv --format flow-export prints what flow-export -f2 printed") {
    for (const auto& g : goldens) {
        const std::string dir = data + "/" + g.dir;
        if (!std::filesystem::exists(dir + "/export_f2.csv")) continue;
        SECTION(g.dir) {
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

    // A filtered stream holds only the matching flows.
    const auto tcp = run_shell(std::string(FLOW_SELECT_BIN) + " -o stream --proto tcp " +
                               shell_arg(dir + "/ft-v05.2009-10-15.153110+0000") + " | " +
                               FLOW_EXPORT_CSV_BIN + " --fields protocol | sort | uniq -c");
    CHECK(tcp.status == 0);
    CHECK(tcp.out.find(" 6\r\n") != std::string::npos);
    CHECK(tcp.out.find(" 17\r\n") == std::string::npos);
}

TEST_CASE("flow-stat -f N prints the original flow-stat's reports") {
    for (const auto& g : goldens) {
        for (const char* report : {"0", "5", "8", "10", "12"}) {
            const std::string golden = data + "/" + g.dir + "/stat_f" + report + ".txt";
            if (!std::filesystem::exists(golden)) continue;
            SECTION(g.dir + " -f " + report) {
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
