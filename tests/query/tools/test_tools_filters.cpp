// The filter options, the same in every tool, on one file of known flows.
#include <catch2/catch.hpp>

#include "support/precondition.hpp"
#include "support/temp_dir.hpp"
#include "tools/archive_builder.hpp"
#include "tools/run_tool.hpp"

using namespace flowkeep_test;

namespace {

constexpr std::int64_t t0 = 1773529200;  // 2026-03-14T23:00:00Z

// Each flow's source port is its name in the expected answers.
std::filesystem::path write_mixed_file(const std::filesystem::path& dir) {
    auto f = [](std::uint16_t name, std::uint32_t src, std::uint32_t dst, std::uint8_t prot,
                std::uint16_t dport, std::uint32_t exporter = ip(127, 0, 0, 2)) {
        flowfile::Record r =
            flow_at((t0 + 10) * 1000, (t0 + 20) * 1000, src, dst, prot, name, dport);
        r.exaddr = exporter;
        return r;
    };
    const std::vector<flowfile::Record> flows = {
        f(1, ip(10, 0, 3, 7), ip(203, 0, 113, 5), 6, 25),
        f(2, ip(10, 0, 3, 8), ip(203, 0, 113, 5), 17, 53),
        f(3, ip(192, 168, 1, 5), ip(10, 1, 1, 1), 6, 1500),
        f(4, ip(192, 168, 1, 6), ip(10, 1, 1, 1), 6, 2000, ip(127, 0, 0, 3)),
        f(5, ip(172, 16, 0, 1), ip(10, 0, 3, 7), 1, 771),  // ICMP port unreachable: type 3 code 3
        f(6, ip(203, 0, 113, 5), ip(10, 0, 3, 7), 6, 2001),
    };
    ArchiveBuilder archive(dir);
    return archive.add_file(t0, flows);
}

std::string ports_of(const std::string& options) {
    TempDir dir;
    const auto file = write_mixed_file(dir.path());
    const auto run = run_shell(std::string(FLOW_EXPORT_CSV_BIN) + " " + options +
                               " --fields src_port " + shell_arg(file));
    INFO(run.err);
    REQUIRE(run.status == 0);
    std::string ports;
    std::istringstream lines(run.out);
    std::string line;
    std::getline(lines, line);  // header
    while (std::getline(lines, line))
        ports.append(ports.empty() ? "" : " ").append(line, 0, line.size() - 1);
    return ports;
}

}  // namespace

TEST_CASE("filters: addresses, prefixes and lists") {
    CHECK(ports_of("") == "1 2 3 4 5 6");
    CHECK(ports_of("--ip 10.0.3.7") == "1 5 6");
    CHECK(ports_of("--src-ip 10.0.0.0/8") == "1 2");
    CHECK(ports_of("--src-ip 10.0.3.8,192.168.1.4/31") == "2 3");
    CHECK(ports_of("--src-ip 10.0.3.8 --src-ip 172.16.0.1") == "2 5");
    CHECK(ports_of("--dst-ip 10.1.1.1") == "3 4");
    CHECK(ports_of("--exporter 127.0.0.3") == "4");
}

TEST_CASE("filters: protocols and ports by number, range and name") {
    CHECK(ports_of("--proto udp") == "2");
    CHECK(ports_of("--proto 6") == "1 3 4 6");
    CHECK(ports_of("--proto tcp,icmp") == "1 3 4 5 6");
    CHECK(ports_of("--dst-port smtp") == "1");
    CHECK(ports_of("--dst-port 1024-2000") == "3 4");
    // ICMP type/code in the port field is not a port.
    CHECK(ports_of("--dst-port 771") == "");
    CHECK(ports_of("--port 2") == "2");
}

TEST_CASE("filters: all criteria must hold") {
    CHECK(ports_of("--ip 10.0.3.7 --proto tcp --port 2001") == "6");
    CHECK(ports_of("--ip 10.0.3.7 --proto udp") == "");
}

TEST_CASE("filters: flow-stat and flow-select take the same options") {
    TempDir dir;
    const auto file = write_mixed_file(dir.path());
    const auto select = run_shell(std::string(FLOW_SELECT_BIN) +
                                  " --ip 10.0.3.7 --fields src_port " + shell_arg(file));
    CHECK(select.status == 0);
    CHECK(select.out == "Src Port\n       1\n       5\n       6\n");
    const auto stat =
        run_shell(std::string(FLOW_STAT_BIN) + " --ip 10.0.3.7 --format csv " + shell_arg(file));
    CHECK(stat.status == 0);
    CHECK(stat.out.find("3,30,3000") != std::string::npos);
}

TEST_CASE("flow-select --descriptions names protocols and well-known ports") {
    if (!flowkeep_test::precondition(
            std::filesystem::exists("/etc/services") && std::filesystem::exists("/etc/protocols"),
            "no /etc/services or /etc/protocols (Debian: netbase): names cannot be shown"))
        return;
    TempDir dir;
    const auto file = write_mixed_file(dir.path());
    const auto run =
        run_shell(std::string(FLOW_SELECT_BIN) +
                  " --descriptions --dst-port 25,53,1500 --fields protocol,dst_port,src_port " +
                  shell_arg(file));
    CHECK(run.status == 0);
    // Port 1500 has no name in Debian's /etc/services: its number stays.
    CHECK(run.out ==
          "Proto  Dst Port  Src Port\n"
          "tcp        smtp    tcpmux\n"
          "udp      domain         2\n"
          "tcp        1500         3\n");
}
