// Client records for law enforcement: who had an address when, and whether
// a connection succeeded.
#include <catch2/catch.hpp>

#include <fstream>

#include "support/temp_dir.hpp"
#include "tools/archive_builder.hpp"
#include "tools/run_tool.hpp"

using namespace flowkeep_test;

namespace {

constexpr std::int64_t feb28_2300z = 1772319600;  // 2026-02-28T23:00:00Z
constexpr std::uint8_t syn = 0x02, ack = 0x10, rst = 0x04, fin = 0x01, psh = 0x08;

// 10.0.3.7 belongs to acct-1 until 1 March 00:00 UTC, then to acct-2;
// 10.0.3.8 to acct-3 all along.
void write_clients(const std::filesystem::path& file) {
    std::ofstream out(file);
    out << "prefix,account,device,valid_from,valid_until\n"
           "10.0.3.7,acct-1,cpe-aa:01,2026-01-01T00:00Z,2026-03-01T00:00Z\n"
           "10.0.3.7,acct-2,\"cpe-bb:02, hall\",2026-03-01T00:00Z,\n"
           "10.0.3.8,acct-3,cpe-cc:03,,\n";
}

flowfile::Record tcp(std::int64_t start_s, std::uint32_t src, std::uint32_t dst,
                     std::uint16_t sport, std::uint8_t flags, std::uint32_t packets) {
    auto r = flow_at(start_s * 1000, (start_s + 5) * 1000, src, dst, 6, sport, 443);
    r.tcp_flags = flags;
    r.dpkts = packets;
    return r;
}

std::filesystem::path write_flows(const std::filesystem::path& dir) {
    const std::uint32_t a = ip(10, 0, 3, 7), b = ip(10, 0, 3, 8), web = ip(203, 0, 113, 5);
    const std::int64_t t = feb28_2300z;
    ArchiveBuilder archive(dir);
    return archive.add_file(
        t, {
               tcp(t + 1800, a, web, 1, syn | ack | psh | fin, 12),  // acct-1, successful
               tcp(t + 4200, a, web, 2, syn, 1),                     // acct-2, no answer
               tcp(t + 4201, web, a, 3, rst | ack, 1),               // refused: RST+ACK back
               tcp(t + 4300, b, a, 4, syn | ack | psh, 20),          // acct-3 talks to acct-2
               flow_at((t + 4400) * 1000, (t + 4401) * 1000, b, ip(9, 9, 9, 9), 17, 5, 53),
           });
}

}  // namespace

TEST_CASE("flow-export-csv --clients: the account valid at each flow's time") {
    TempDir dir;
    write_clients(dir / "clients.csv");
    const auto file = write_flows(dir.path());
    const auto run = run_shell(
        std::string(FLOW_EXPORT_CSV_BIN) + " --clients " + shell_arg(dir / "clients.csv") +
        " --fields start,src_ip,src_port,event,account,device --utc " + shell_arg(file));
    INFO(run.err);
    CHECK(run.status == 0);
    CHECK(run.out ==
          "start,src_ip,src_port,event,account,device\r\n"
          "2026-02-28T23:30:00.000Z,10.0.3.7,1,successful,acct-1,cpe-aa:01\r\n"
          "2026-03-01T00:10:00.000Z,10.0.3.7,2,unsuccessful,acct-2,\"cpe-bb:02, hall\"\r\n"
          "2026-03-01T00:10:01.000Z,203.0.113.5,3,unsuccessful,acct-2,\"cpe-bb:02, hall\"\r\n"
          "2026-03-01T00:11:40.000Z,10.0.3.8,4,successful,acct-3,cpe-cc:03\r\n"
          "2026-03-01T00:13:20.000Z,10.0.3.8,5,n/a,acct-3,cpe-cc:03\r\n");
}

TEST_CASE("flow-export-csv --account: a customer's flows, in either direction") {
    TempDir dir;
    write_clients(dir / "clients.csv");
    const auto file = write_flows(dir.path());
    const std::string base = std::string(FLOW_EXPORT_CSV_BIN) + " --clients " +
                             shell_arg(dir / "clients.csv") + " --fields src_port " +
                             shell_arg(file);
    CHECK(run_shell(base + " --account acct-1").out == "src_port\r\n1\r\n");
    // The flow from acct-3 to acct-2 belongs to both.
    CHECK(run_shell(base + " --account acct-2").out == "src_port\r\n2\r\n3\r\n4\r\n");
    CHECK(run_shell(base + " --account acct-3").out == "src_port\r\n4\r\n5\r\n");
    const auto unknown = run_shell(base + " --account acct-9");
    CHECK(unknown.status == 2);
    CHECK(unknown.err.find("acct-9") != std::string::npos);
}

TEST_CASE("flow-select: default columns gain account and device with --clients") {
    TempDir dir;
    write_clients(dir / "clients.csv");
    const auto file = write_flows(dir.path());
    const auto run =
        run_shell(std::string(FLOW_SELECT_BIN) + " --clients " + shell_arg(dir / "clients.csv") +
                  " --account acct-1 --utc " + shell_arg(file));
    CHECK(run.status == 0);
    CHECK(run.out.substr(0, run.out.find('\n')).find("Flags   Account       Device") !=
          std::string::npos);
    CHECK(run.out.find("acct-1        cpe-aa:01") != std::string::npos);
}

TEST_CASE("clients file errors name the file and line") {
    TempDir dir;
    {
        std::ofstream out(dir / "bad.csv");
        out << "10.0.3.7,acct-1,,,\n10.0.3.300,acct-2,,,\n";
    }
    const auto file = write_flows(dir.path());
    const auto run = run_shell(std::string(FLOW_SELECT_BIN) + " --clients " +
                               shell_arg(dir / "bad.csv") + " " + shell_arg(file));
    CHECK(run.status == 2);
    CHECK(run.out == "");
    CHECK(run.err.find("line 2") != std::string::npos);
    CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
}
