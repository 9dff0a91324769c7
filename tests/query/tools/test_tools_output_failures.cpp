// A failed write names its reason; a reader that went away (`| head`) is
// not an error worth a message.
#include <catch2/catch.hpp>

#include <algorithm>

#include "tools/run_tool.hpp"

using namespace flowkeep_test;

namespace {

const std::string data = FLOWKEEP_TEST_DATA;
const std::string good_file = shell_arg(data + "/files/v5_z0/ft-v05.2009-10-15.153110+0000");

}  // namespace

TEST_CASE("writing to a full disk: one line with the reason, exit 1") {
    for (const std::string& tool :
         {std::string(FLOW_STAT_BIN), std::string(FLOW_STAT_BIN) + " --format json",
          std::string(FLOW_EXPORT_CSV_BIN), std::string(FLOW_SELECT_BIN),
          std::string(FLOW_SELECT_BIN) + " --sort start",
          std::string(FLOW_SELECT_BIN) + " -o stream"}) {
        INFO(tool);
        const auto run = run_shell(tool + " " + good_file + " >/dev/full");
        CHECK(run.status == 1);
        CHECK(run.err.find(": standard output: write failed: No space left on device") !=
              std::string::npos);
        CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
    }
}

TEST_CASE("a closed pipe with SIGPIPE ignored: no message") {
    // 170 KB of output, far more than a pipe holds once head has gone.
    for (const std::string& tool :
         {std::string(FLOW_EXPORT_CSV_BIN) + " --format flow-export", std::string(FLOW_SELECT_BIN),
          std::string(FLOW_SELECT_BIN) + " -o stream"}) {
        INFO(tool);
        const auto run =
            run_shell("trap '' PIPE; " + tool + " " + good_file + " | head -c 100 >/dev/null");
        CHECK(run.err == "");
    }
}
