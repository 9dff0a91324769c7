// Bad input: one line naming the problem, the right exit status, and never
// a lost answer for the files that could be read.
#include <catch2/catch.hpp>

#include <algorithm>

#include "tools/run_tool.hpp"

using namespace flowkeep_test;

namespace {

const std::string data = FLOWKEEP_TEST_DATA;

std::size_t lines(const std::string& s) {
    return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

void check_usage_error(const std::string& command, const std::string& named) {
    INFO(command);
    const auto run =
        run_shell(command + " " + shell_arg(data + "/files/v5_z0/ft-v05.2009-10-15.153110+0000"));
    CHECK(run.status == 2);
    CHECK(run.out == "");
    CHECK(lines(run.err) == 1);
    CHECK(run.err.find(named) != std::string::npos);
}

}  // namespace

TEST_CASE("bad option values are one line and exit 2") {
    const std::string select = FLOW_SELECT_BIN;
    const std::string csv = FLOW_EXPORT_CSV_BIN;
    const std::string stat = FLOW_STAT_BIN;
    check_usage_error(select + " --ip 10.0.0.300", "10.0.0.300");
    check_usage_error(select + " --src-ip 10.0.0.0/33", "10.0.0.0/33");
    check_usage_error(csv + " --proto tcpx", "tcpx");
    check_usage_error(csv + " --dst-port 90-80", "90-80");
    check_usage_error(stat + " --port smtpx", "smtpx");
    check_usage_error(select + " --from 2026-13-01", "2026-13-01");
    check_usage_error(select + " --from 2026-03-15 --to 2026-03-14", "--from");
    check_usage_error(csv + " --fields start,nosuch", "nosuch");
    check_usage_error(stat + " --by colour", "colour");
    check_usage_error(stat + " --interval 0h", "0h");
    check_usage_error(select + " --no-such-option", "--no-such-option");
    check_usage_error(select + " -w /nonexistent/archive", "/nonexistent/archive");
    check_usage_error(csv + " --account a1", "--clients");
}

TEST_CASE("a truncated file gives what was read, a message and exit 1") {
    const std::string dir = data + "/incomplete/truncated_z";
    const std::string file = dir + "/ft-v05.2009-10-15.164611+0000";
    const std::string good = data + "/files/v5_z0/ft-v05.2009-10-15.153110+0000";
    const auto run = run_shell(std::string(FLOW_EXPORT_CSV_BIN) + " --format flow-export " +
                               shell_arg(file) + " " + shell_arg(good));
    CHECK(run.status == 1);
    // Every record the original could decode, then the next file's in full.
    const std::string damaged = read_file_text(dir + "/damaged.export_f2.csv");
    const std::string complete = read_file_text(data + "/files/v5_z0/export_f2.csv");
    CHECK(run.out == damaged + complete.substr(complete.find('\n') + 1));
    CHECK(lines(run.err) == 1);
    CHECK(run.err.find(file) != std::string::npos);
}

TEST_CASE("a file that is not a flow file is named, and the rest is still read") {
    const std::string bad = data + "/incomplete/corrupt_header_magic";
    const std::string good = data + "/files/v5_z0/ft-v05.2009-10-15.153110+0000";
    std::string bad_file;
    for (const auto& e : std::filesystem::directory_iterator(bad))
        if (e.path().filename().string().rfind("ft-", 0) == 0) bad_file = e.path();
    REQUIRE(!bad_file.empty());
    const auto run = run_shell(std::string(FLOW_STAT_BIN) + " --format csv " + shell_arg(bad_file) +
                               " " + shell_arg(good));
    CHECK(run.status == 1);
    CHECK(run.err.find(bad_file) != std::string::npos);
    CHECK(run.out.find("1187") != std::string::npos);
}
