// A file given twice, by a link, or by name and inside a directory argument
// is counted once, silently (cron mails whatever reaches stderr).
#include <catch2/catch.hpp>

#include <filesystem>

#include "support/temp_dir.hpp"
#include "tools/run_tool.hpp"

using namespace flowkeep_test;

namespace {

const std::string data = FLOWKEEP_TEST_DATA;
const std::string good_file = data + "/files/v5_z0/ft-v05.2009-10-15.153110+0000";

void check_same_as_once(const std::string& tool, const std::string& inputs) {
    INFO(tool + " " + inputs);
    const auto once = run_shell(tool + " " + shell_arg(good_file));
    const auto repeated = run_shell(tool + " " + inputs);
    CHECK(repeated.status == 0);
    CHECK(repeated.err == "");
    CHECK(repeated.out == once.out);
}

}  // namespace

TEST_CASE("flow-stat f f counts f once") {
    const std::string f = shell_arg(good_file);
    check_same_as_once(std::string(FLOW_STAT_BIN) + " --format csv", f + " " + f);
    check_same_as_once(std::string(FLOW_EXPORT_CSV_BIN), f + " " + f);
    check_same_as_once(std::string(FLOW_SELECT_BIN) + " --sort start", f + " " + f + " " + f);
}

TEST_CASE("a file by name, through a link and inside a directory argument is read once") {
    TempDir dir;
    const auto copy = dir / "ft-v05.2009-10-15.153110+0000";
    std::filesystem::copy_file(good_file, copy);
    std::filesystem::create_symlink(
        copy, dir.path().parent_path() / (dir.path().filename().string() + "-link"));
    const std::string link = dir.path().string() + "-link";
    check_same_as_once(std::string(FLOW_STAT_BIN) + " --format csv",
                       shell_arg(copy) + " " + shell_arg(dir.path()) + " " + shell_arg(link));
    std::filesystem::remove(link);
}
