// flow-select and flow-export-csv on an archive holding both series: IPv6
// prefixes in --ip (alone and mixed with IPv4), RFC 5952 text in the table
// and the CSV, one start order across the series, --clients on a delegated
// IPv6 prefix, the files of a family no filter can match left unread, and
// the IPv4-only formats saying how many IPv6 flows they left out.
#include <catch2/catch.hpp>

#include <fstream>

#include "flowfile/archive.hpp"
#include "flowfile/ipv6_text.hpp"
#include "flowfile/record6.hpp"
#include "flowfile/writer.hpp"
#include "support/temp_dir.hpp"
#include "tools/archive_builder.hpp"
#include "tools/run_tool.hpp"

using namespace flowkeep_test;

namespace {

constexpr std::int64_t evening = 1796326200;  // 2026-12-03T19:30:00Z

flowfile::Ipv6Address v6(const char* text) {
    return flowfile::parse_ipv6_prefix(text).value().address;
}

flowfile::Record6 flow6(std::int64_t start_s, const char* src, const char* dst, std::uint8_t prot,
                        std::uint16_t dstport, std::uint64_t packets, std::uint64_t octets) {
    flowfile::Record6 r;
    r.srcaddr = v6(src);
    r.dstaddr = v6(dst);
    r.nexthop = v6("fe80::1");
    r.exaddr = flowfile::ipv4_mapped(ip(198, 51, 100, 1));
    r.start_ms = start_s * 1000 + 250;
    r.end_ms = start_s * 1000 + 4750;
    r.prot = prot;
    r.srcport = prot == 58 ? 0 : 50000;
    r.dstport = dstport;
    r.dpkts = packets;
    r.doctets = octets;
    r.tcp_flags = prot == 6 ? 0x1b : 0;
    r.traffic_class = 0x28;
    r.input = 70000;  // past the 16 bits of a v5 ifIndex
    r.src_as = 4200000000u;
    return r;
}

std::filesystem::path add_ipv6_file(const std::filesystem::path& root, std::int64_t created,
                                    const std::vector<flowfile::Record6>& flows) {
    const flowfile::FileName name =
        flowfile::file_name_at(created, flowfile::ipv6_export_version, std::nullopt, false);
    const std::filesystem::path path = root / flowfile::nest_path(name, 3);
    write_indexed_file(
        path,
        flowfile::Header::for_capture(flowfile::ipv6_export_version,
                                      static_cast<std::uint32_t>(created), "flowbox-test", true),
        flows);
    return path;
}

flowfile::Record v4(std::int64_t start_s, std::uint32_t src, std::uint32_t dst,
                    std::uint16_t dstport) {
    flowfile::Record r =
        flow_at(start_s * 1000, start_s * 1000 + 5000, src, dst, 6, 40000, dstport);
    r.exaddr = ip(198, 51, 100, 1);
    return r;
}

// The client of 2001:db8:3:700::/56 (and of 10.0.3.7 over IPv4) watching
// video and looking names up, a neighbour in 2001:db8:3:800::/56, and an
// IPv6 flow from an IPv6 exporter; two quarters of both series.
void write_evening(const std::filesystem::path& root) {
    ArchiveBuilder archive(root);
    archive.add_file(evening, {v4(evening + 20, ip(10, 0, 3, 7), ip(192, 0, 2, 80), 443),
                               v4(evening + 65, ip(10, 0, 3, 8), ip(192, 0, 2, 80), 443)});
    archive.add_file(evening + 900, {v4(evening + 930, ip(10, 0, 3, 7), ip(192, 0, 2, 25), 25)});
    add_ipv6_file(root, evening,
                  {flow6(evening + 40, "2001:db8:3:712:a1b2:c3d4:e5f6:789a", "2001:db8:ff::443", 6,
                         443, 4000000, 5000000000ULL),
                   flow6(evening + 10, "2001:db8:3:700::1a", "2001:db8:ff::53", 17, 53, 1, 90),
                   flow6(evening + 50, "2001:db8:3:800::2", "2001:db8:ff::443", 6, 443, 12, 3400)});
    auto from_v6_exporter =
        flow6(evening + 960, "2001:db8:ff::1", "2001:db8:3:700::1a", 58, 129 * 256, 1, 104);
    from_v6_exporter.exaddr = v6("2001:db8:0:1::fe");
    add_ipv6_file(root, evening + 900, {from_v6_exporter});
}

ToolRun tool(const char* bin, const std::filesystem::path& dir, const std::string& args) {
    return run_shell("TZ=UTC " + std::string(bin) + " --utc " + args + " " + shell_arg(dir));
}

}  // namespace

TEST_CASE("flow-export-csv --ip on an IPv6 prefix prints its flows of both files, RFC 5952") {
    TempDir dir;
    write_evening(dir.path());
    const ToolRun run = tool(FLOW_EXPORT_CSV_BIN, dir.path(),
                             "--ip 2001:db8:3:700::/56 --sort start --fields "
                             "start,end,duration,protocol,src_ip,src_port,dst_ip,dst_port,"
                             "packets,bytes,tcp_flags,tos,exporter,input,nexthop,src_as,event");
    INFO(run.err);
    CHECK(run.status == 0);
    CHECK(run.err.empty());
    CHECK(run.out ==
          "start,end,duration,protocol,src_ip,src_port,dst_ip,dst_port,packets,bytes,tcp_flags,"
          "tos,exporter,input,nexthop,src_as,event\r\n"
          "2026-12-03T19:30:10.250Z,2026-12-03T19:30:14.750Z,4.500,17,2001:db8:3:700::1a,50000,"
          "2001:db8:ff::53,53,1,90,,40,198.51.100.1,70000,fe80::1,4200000000,n/a\r\n"
          "2026-12-03T19:30:40.250Z,2026-12-03T19:30:44.750Z,4.500,6,"
          "2001:db8:3:712:a1b2:c3d4:e5f6:789a,50000,2001:db8:ff::443,443,4000000,5000000000,"
          ".AP.SF,40,198.51.100.1,70000,fe80::1,4200000000,successful\r\n"
          "2026-12-03T19:46:00.250Z,2026-12-03T19:46:04.750Z,4.500,58,2001:db8:ff::1,,"
          "2001:db8:3:700::1a,129/0,1,104,,40,2001:db8:0:1::fe,70000,fe80::1,4200000000,n/a\r\n");
}

TEST_CASE("a mixed --ip list merges IPv4 and IPv6 flows in one start order") {
    TempDir dir;
    write_evening(dir.path());
    const ToolRun run = tool(FLOW_EXPORT_CSV_BIN, dir.path(),
                             "--ip 10.0.3.7,2001:db8:3:700::/56 --sort start "
                             "--fields start,src_ip,dst_ip,dst_port");
    INFO(run.err);
    CHECK(run.status == 0);
    CHECK(run.out ==
          "start,src_ip,dst_ip,dst_port\r\n"
          "2026-12-03T19:30:10.250Z,2001:db8:3:700::1a,2001:db8:ff::53,53\r\n"
          "2026-12-03T19:30:20.000Z,10.0.3.7,192.0.2.80,443\r\n"
          "2026-12-03T19:30:40.250Z,2001:db8:3:712:a1b2:c3d4:e5f6:789a,2001:db8:ff::443,443\r\n"
          "2026-12-03T19:45:30.000Z,10.0.3.7,192.0.2.25,25\r\n"
          "2026-12-03T19:46:00.250Z,2001:db8:ff::1,2001:db8:3:700::1a,129/0\r\n");
}

TEST_CASE("flow-select's table widens its address columns for IPv6 and stays aligned") {
    TempDir dir;
    write_evening(dir.path());
    const ToolRun run = tool(FLOW_SELECT_BIN, dir.path(),
                             "--ip 10.0.3.8,2001:db8:3:800::/56 --sort start "
                             "--fields start,src_ip,dst_ip,dst_port,bytes");
    INFO(run.err);
    CHECK(run.status == 0);
    CHECK(run.out ==
          "Start                          Src IP                                   Dst IP       "
          "                            Dst Port         Bytes\n"
          "2026-12-03T19:30:50.250Z       2001:db8:3:800::2                        "
          "2001:db8:ff::443                              443          3400\n"
          "2026-12-03T19:31:05.000Z       10.0.3.8                                 192.0.2.80   "
          "                                 443          1000\n");

    SECTION("an IPv4-only answer keeps the IPv4 widths of before") {
        const ToolRun v4_only =
            tool(FLOW_SELECT_BIN, dir.path(), "--ip 10.0.3.8 --fields src_ip,dst_ip,bytes");
        CHECK(v4_only.status == 0);
        CHECK(v4_only.out ==
              "Src IP           Dst IP                  Bytes\n"
              "10.0.3.8         192.0.2.80               1000\n");
    }
}

TEST_CASE(
    "flow-export-csv --clients maps a delegated IPv6 prefix to its account, device and "
    "connection") {
    TempDir dir;
    write_evening(dir.path());
    {
        std::ofstream out(dir / "clients.csv");
        out << "prefix,account,device,valid_from,valid_until,connection\n"
               "2001:db8:3:700::/56,acct-7,cpe-dd:04,2026-11-01T00:00Z,,FTTH\n"
               "2001:db8:3:712::/64,acct-7,tv-box,2026-11-01T00:00Z,,FTTH\n"
               "10.0.3.7,acct-7,cpe-dd:04,,,FTTH\n";
    }
    const ToolRun run = tool(
        FLOW_EXPORT_CSV_BIN, dir.path(),
        "--clients " + shell_arg(dir / "clients.csv") +
            " --account acct-7 --sort start --fields src_ip,dst_port,account,device,connection");
    INFO(run.err);
    CHECK(run.status == 0);
    CHECK(run.out ==
          "src_ip,dst_port,account,device,connection\r\n"
          "2001:db8:3:700::1a,53,acct-7,cpe-dd:04,FTTH\r\n"
          "10.0.3.7,443,acct-7,cpe-dd:04,FTTH\r\n"
          "2001:db8:3:712:a1b2:c3d4:e5f6:789a,443,acct-7,tv-box,FTTH\r\n"
          "10.0.3.7,25,acct-7,cpe-dd:04,FTTH\r\n"
          "2001:db8:ff::1,129/0,acct-7,cpe-dd:04,FTTH\r\n");
}

TEST_CASE("flow-export-csv --connection keeps the flows of clients on that connection type") {
    TempDir dir;
    write_evening(dir.path());
    {
        std::ofstream out(dir / "clients.csv");
        out << "prefix,account,device,valid_from,valid_until,connection\n"
               "2001:db8:3:700::/56,acct-7,cpe-dd:04,2026-11-01T00:00Z,,FTTH\n"
               "2001:db8:3:712::/64,acct-9,lte-stick,2026-11-01T00:00Z,,LTE\n"
               "10.0.3.7,acct-7,cpe-dd:04,,,FTTH\n";
    }
    const std::string clients = "--clients " + shell_arg(dir / "clients.csv");
    const ToolRun lte = tool(
        FLOW_EXPORT_CSV_BIN, dir.path(),
        clients + " --connection LTE --sort start --fields src_ip,dst_port,account,connection");
    INFO(lte.err);
    CHECK(lte.status == 0);
    CHECK(lte.out ==
          "src_ip,dst_port,account,connection\r\n"
          "2001:db8:3:712:a1b2:c3d4:e5f6:789a,443,acct-9,LTE\r\n");

    // Both criteria hold on the same side: acct-7 has no LTE line.
    const ToolRun none = tool(FLOW_EXPORT_CSV_BIN, dir.path(),
                              clients + " --account acct-7 --connection LTE --fields src_ip");
    CHECK(none.status == 0);
    CHECK(none.out == "src_ip\r\n");

    const ToolRun unknown =
        tool(FLOW_EXPORT_CSV_BIN, dir.path(), clients + " --connection xDSL --fields src_ip");
    CHECK(unknown.status == 2);
    CHECK_THAT(unknown.err, Catch::Contains("--connection xDSL: no client has this connection "
                                            "type in"));
    const ToolRun alone = tool(FLOW_EXPORT_CSV_BIN, dir.path(), "--connection LTE");
    CHECK(alone.status == 2);
    CHECK_THAT(alone.err, Catch::Contains("--connection needs --clients FILE"));
}

TEST_CASE("address filters of one family leave the other series' files unread") {
    TempDir dir;
    write_evening(dir.path());
    // A damaged file of each series in the same quarter: reading it is a
    // problem line on stderr and exit status 1, so skipping it shows.
    const auto damaged = [&](std::uint16_t version) {
        const flowfile::FileName name =
            flowfile::file_name_at(evening + 1800, version, std::nullopt, false);
        const auto path = dir.path() / flowfile::nest_path(name, 3);
        std::filesystem::create_directories(path.parent_path());
        std::ofstream(path) << "not a flow file";
        return path.filename().string();
    };
    const std::string bad4 = damaged(5);
    const std::string bad6 = damaged(flowfile::ipv6_export_version);

    const ToolRun ipv4 = tool(FLOW_EXPORT_CSV_BIN, dir.path(), "--ip 10.0.3.0/24 --fields src_ip");
    CHECK(ipv4.status == 1);
    CHECK(ipv4.err.find(bad4) != std::string::npos);
    CHECK(ipv4.err.find(bad6) == std::string::npos);
    CHECK(ipv4.out == "src_ip\r\n10.0.3.7\r\n10.0.3.8\r\n10.0.3.7\r\n");

    const ToolRun ipv6 =
        tool(FLOW_EXPORT_CSV_BIN, dir.path(), "--src-ip 2001:db8:3::/48 --fields src_ip");
    CHECK(ipv6.status == 1);
    CHECK(ipv6.err.find(bad6) != std::string::npos);
    CHECK(ipv6.err.find(bad4) == std::string::npos);

    const ToolRun both = tool(FLOW_EXPORT_CSV_BIN, dir.path(), "--fields src_ip");
    CHECK(both.status == 1);
    CHECK(both.err.find(bad4) != std::string::npos);
    CHECK(both.err.find(bad6) != std::string::npos);

    SECTION("a file named on the command line is read whatever its series") {
        const auto file6 =
            dir.path() /
            flowfile::nest_path(
                flowfile::file_name_at(evening, flowfile::ipv6_export_version, std::nullopt, false),
                3);
        const ToolRun named = run_shell(std::string(FLOW_EXPORT_CSV_BIN) +
                                        " --ip 10.0.3.7 --fields src_ip " + shell_arg(file6));
        CHECK(named.status == 0);
        CHECK(named.out == "src_ip\r\n");
    }
}

TEST_CASE("flow-select -o stream keeps IPv4 only and says how many IPv6 flows it left out") {
    TempDir dir;
    write_evening(dir.path());
    const ToolRun run =
        run_shell(std::string(FLOW_SELECT_BIN) + " -o stream " + shell_arg(dir.path()) + " | " +
                  FLOW_EXPORT_CSV_BIN + " --fields src_ip,dst_port");
    INFO(run.err);
    CHECK(run.status == 0);
    CHECK(run.out == "src_ip,dst_port\r\n10.0.3.7,443\r\n10.0.3.8,443\r\n10.0.3.7,25\r\n");
    CHECK(run.err ==
          "flow-select: 4 IPv6 flows left out of the flow-tools stream (it holds IPv4 only)\n");

    SECTION("nothing left out, nothing said") {
        const ToolRun v4_only =
            run_shell(std::string(FLOW_SELECT_BIN) + " -o stream --ip 10.0.3.7 " +
                      shell_arg(dir.path()) + " >/dev/null");
        CHECK(v4_only.status == 0);
        CHECK(v4_only.err.empty());
    }
    SECTION("the count is of the IPv6 flows the query selected") {
        const ToolRun some =
            run_shell(std::string(FLOW_SELECT_BIN) + " -o stream --ip 2001:db8:3:700::/56 " +
                      shell_arg(dir.path()) + " >/dev/null");
        CHECK(some.status == 0);
        CHECK(some.err ==
              "flow-select: 3 IPv6 flows left out of the flow-tools stream (it holds IPv4 "
              "only)\n");
    }
}

TEST_CASE("flow-export-csv --format flow-export keeps IPv4 only and says so") {
    TempDir dir;
    write_evening(dir.path());
    const ToolRun run = run_shell(std::string(FLOW_EXPORT_CSV_BIN) + " --format flow-export " +
                                  shell_arg(dir.path()));
    CHECK(run.status == 0);
    CHECK(run.err ==
          "flow-export-csv: 4 IPv6 flows left out of the flow-export text (it holds IPv4 "
          "only)\n");
    CHECK(run.out.find("10.0.3.8") != std::string::npos);
    CHECK(run.out.find("2001:") == std::string::npos);
}
