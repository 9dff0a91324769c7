// Which port a flow is shown and counted under: the server side of a
// connection in flow-stat --by service, and ICMP type/code instead of ports.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <sstream>

#include "support/temp_dir.hpp"
#include "tools/archive_builder.hpp"
#include "tools/run_tool.hpp"

using namespace flowkeep_test;

namespace {

constexpr std::int64_t t0 = 1773529200;  // 2026-03-14T23:00:00Z

flowfile::Record flow(std::uint32_t src, std::uint16_t sport, std::uint32_t dst,
                      std::uint16_t dport, std::uint8_t prot = 6) {
    return flow_at((t0 + 10) * 1000, (t0 + 20) * 1000, src, dst, prot, sport, dport);
}

// Each connection in both directions: the request to the server's port and
// the reply from it to the client's ephemeral port, which /etc/services
// names too (1719 gsigatekeeper, 5672 amqp, 9098 xinetd, 2000 cisco-sccp).
std::filesystem::path write_connections(const std::filesystem::path& dir) {
    const std::uint32_t server = ip(203, 0, 113, 80);
    std::vector<flowfile::Record> flows;
    auto connection = [&](std::uint32_t client, std::uint16_t ephemeral, std::uint16_t port) {
        flows.push_back(flow(client, ephemeral, server, port));
        flows.push_back(flow(server, port, client, ephemeral));
    };
    connection(ip(10, 0, 0, 5), 1719, 80);
    connection(ip(10, 0, 0, 6), 5672, 25);
    connection(ip(10, 0, 0, 7), 9098, 443);
    connection(ip(10, 0, 0, 8), 2000, 8080);
    // ICMP: echo request (8/0) and its reply (0/0), a port unreachable (3/3).
    flows.push_back(flow(ip(10, 0, 0, 5), 0, server, 8 * 256, 1));
    flows.push_back(flow(server, 0, ip(10, 0, 0, 5), 0, 1));
    flows.push_back(flow(server, 0, ip(10, 0, 0, 6), 3 * 256 + 3, 1));
    return ArchiveBuilder(dir).add_file(t0, flows);
}

ToolRun run(const std::string& tool, const std::string& options,
            const std::filesystem::path& file) {
    return run_shell("TZ=UTC " + tool + " " + options + " " + shell_arg(file));
}

// flow-stat's CSV rows without the header, packets and octets: "http/tcp,2".
std::multiset<std::string> csv_rows(const std::string& csv) {
    std::multiset<std::string> rows;
    std::istringstream lines(csv);
    std::string line;
    std::getline(lines, line);  // header
    while (std::getline(lines, line)) {
        const auto octets = line.rfind(',');
        rows.insert(line.substr(0, line.rfind(',', octets - 1)));
    }
    return rows;
}

// "http/tcp,N" where /etc/services names the port, else "80/tcp,N".
bool is_service(const std::string& row, const std::string& name, std::uint16_t port,
                int flows = 2) {
    const std::string tail = "/tcp," + std::to_string(flows);
    return row == name + tail || row == std::to_string(port) + tail;
}

}  // namespace

TEST_CASE("flow-stat --by service files requests and replies under the server's port") {
    TempDir dir;
    const auto file = write_connections(dir.path());
    const ToolRun r = run(FLOW_STAT_BIN, "--proto tcp --by service --format csv", file);
    INFO(r.out << r.err);
    REQUIRE(r.status == 0);
    const auto rows = csv_rows(r.out);
    CHECK(rows.size() == 4);
    // The port below 1024 is the server's, both ways.
    CHECK(std::count_if(rows.begin(), rows.end(), [](const std::string& row) {
              return is_service(row, "http", 80) || is_service(row, "smtp", 25) ||
                     is_service(row, "https", 443);
          }) == 3);
    for (const char* client : {"1719", "gsigatekeeper", "5672", "amqp", "9098", "xinetd"})
        CHECK(r.out.find(client) == std::string::npos);
}

TEST_CASE("flow-stat --by service takes the port a port filter matched") {
    TempDir dir;
    const auto file = write_connections(dir.path());
    // --port matches both directions; --dst-port the request, --src-port the
    // reply.  A side must be in every set that applies to it: with --port
    // 8080 --src-port 1024-65535 only the 8080 side is, in both directions.
    const std::pair<const char*, int> filters[] = {{"--port 8080", 2},
                                                   {"--port http-alt", 2},
                                                   {"--dst-port 8080", 1},
                                                   {"--src-port 8080", 1},
                                                   {"--port 8080 --src-port 1024-65535", 2}};
    for (const auto& [filter, flows] : filters) {
        const ToolRun r =
            run(FLOW_STAT_BIN, std::string(filter) + " --by service --format csv", file);
        INFO(filter << '\n' << r.out << r.err);
        REQUIRE(r.status == 0);
        const auto rows = csv_rows(r.out);
        REQUIRE(rows.size() == 1);
        CHECK(is_service(*rows.begin(), "http-alt", 8080, flows));
    }
    // Both sides above 1024 and no filter: the lower port.
    const ToolRun r = run(FLOW_STAT_BIN, "--ip 10.0.0.8 --by service --format csv", file);
    REQUIRE(r.status == 0);
    const auto rows = csv_rows(r.out);
    REQUIRE(rows.size() == 1);
    CHECK(is_service(*rows.begin(), "cisco-sccp", 2000));
}

TEST_CASE("ICMP shows its type/code, not the port field that carries it") {
    TempDir dir;
    const auto file = write_connections(dir.path());
    const ToolRun csv =
        run(FLOW_EXPORT_CSV_BIN, "--proto icmp --fields protocol,src_port,dst_port", file);
    INFO(csv.err);
    CHECK(csv.status == 0);
    CHECK(csv.out ==
          "protocol,src_port,dst_port\r\n"
          "1,,8/0\r\n"
          "1,,0/0\r\n"
          "1,,3/3\r\n");

    const ToolRun table = run(FLOW_SELECT_BIN, "--proto icmp --fields src_port,dst_port", file);
    CHECK(table.status == 0);
    CHECK(table.out.find("8/0") != std::string::npos);
    CHECK(table.out.find("3/3") != std::string::npos);
    CHECK(table.out.find("2048") == std::string::npos);
    CHECK(table.out.find("771") == std::string::npos);

    // flow-stat: ICMP has no port rows, and its service is the protocol.
    const ToolRun ports = run(FLOW_STAT_BIN, "--proto icmp --by port --format csv", file);
    CHECK(ports.status == 0);
    CHECK(ports.out == "port,flows,packets,octets\r\n");
    const ToolRun service = run(FLOW_STAT_BIN, "--proto icmp --by service --format csv", file);
    CHECK(service.status == 0);
    CHECK(service.out == "service,flows,packets,octets\r\nicmp,3,30,3000\r\n");
}

TEST_CASE("flow-export -f2 compatibility still prints ICMP in the port field") {
    TempDir dir;
    const auto file = write_connections(dir.path());
    const ToolRun r = run(FLOW_EXPORT_CSV_BIN, "--proto icmp --format flow-export", file);
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK(r.out.find(",2048,") != std::string::npos);
    CHECK(r.out.find("8/0") == std::string::npos);
}
