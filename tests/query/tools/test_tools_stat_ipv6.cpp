// flow-stat over an archive holding both series: --by counts IPv6 flows
// beside IPv4 ones, -f N keeps the original's IPv4-only report and says on
// stderr how many IPv6 flows it left out.
#include <catch2/catch.hpp>

#include <algorithm>

#include "flowfile/archive.hpp"
#include "flowfile/ipv6_text.hpp"
#include "flowfile/record6.hpp"
#include "flowfile/writer.hpp"
#include "support/temp_dir.hpp"
#include "tools/archive_builder.hpp"
#include "tools/run_tool.hpp"

using namespace flowkeep_test;

namespace {

constexpr std::int64_t evening = 1773518400;  // 2026-03-14T20:00:00Z

flowfile::Ipv6Address v6(const char* text) {
    return flowfile::parse_ipv6_prefix(text).value().address;
}

// An IPv6 flow of `octets` bytes exported by 198.51.100.1 (the IPv4
// exporter of the v5 flows too, IPv4-mapped in the IPv6 record).
flowfile::Record6 flow6(std::int64_t start_s, const char* src, const char* dst,
                        std::uint16_t dstport, std::uint64_t packets, std::uint64_t octets) {
    flowfile::Record6 r;
    r.srcaddr = v6(src);
    r.dstaddr = v6(dst);
    r.exaddr = flowfile::ipv4_mapped(ip(198, 51, 100, 1));
    r.start_ms = start_s * 1000;
    r.end_ms = start_s * 1000 + 5000;
    r.prot = 6;
    r.srcport = 40000;
    r.dstport = dstport;
    r.dpkts = packets;
    r.doctets = octets;
    return r;
}

// A finished ip6. file created at `created`, nested -N 3 as flow-capture
// nests it beside the ft- files.
void add_ipv6_file(const std::filesystem::path& root, std::int64_t created,
                   const std::vector<flowfile::Record6>& flows) {
    const flowfile::FileName name =
        flowfile::file_name_at(created, flowfile::ipv6_export_version, std::nullopt, false);
    REQUIRE(name.ipv6_series());
    const std::filesystem::path path = root / flowfile::nest_path(name, 3);
    std::filesystem::create_directories(path.parent_path());
    auto writer = flowfile::Writer::create(
        path,
        flowfile::Header::for_capture(flowfile::ipv6_export_version,
                                      static_cast<std::uint32_t>(created), "flowbox-test", true));
    writer->write(std::span<const flowfile::Record6>(flows));
    flowfile::CloseCounters counters;
    counters.cap_end = static_cast<std::uint32_t>(created + 900);
    writer->finish(counters);
}

flowfile::Record v4(std::int64_t start_s, std::uint32_t src, std::uint32_t dst,
                    std::uint16_t dstport, std::uint32_t octets) {
    flowfile::Record r =
        flow_at(start_s * 1000, start_s * 1000 + 5000, src, dst, 6, 40000, dstport);
    r.doctets = octets;
    r.exaddr = ip(198, 51, 100, 1);
    return r;
}

// Two v5 files of IPv4 flows: 10.0.3.7 to a web and a mail server.
void write_ipv4_series(const std::filesystem::path& root) {
    ArchiveBuilder archive(root);
    archive.add_file(evening, {v4(evening + 60, ip(10, 0, 3, 7), ip(192, 0, 2, 80), 443, 3000),
                               v4(evening + 120, ip(10, 0, 3, 7), ip(192, 0, 2, 25), 25, 700)});
    archive.add_file(evening + 900,
                     {v4(evening + 960, ip(10, 0, 3, 8), ip(192, 0, 2, 80), 443, 5000)});
}

// Three IPv6 flows in two ip6. files of the same quarters: 2001:db8:3:7::10
// streaming video (more than 2^32 octets in one flow) and a DNS query.
void write_ipv6_series(const std::filesystem::path& root) {
    add_ipv6_file(
        root, evening,
        {flow6(evening + 30, "2001:db8:3:7::10", "2001:db8:ff::443", 443, 4000000, 5000000000ULL),
         flow6(evening + 40, "2001:db8:3:7::10", "2001:db8:ff::53", 53, 1, 90)});
    add_ipv6_file(root, evening + 900,
                  {flow6(evening + 950, "2001:db8:3:7::11", "2001:db8:ff::443", 443, 3000000,
                         4000000000ULL)});
}

ToolRun stat(const std::filesystem::path& dir, const std::string& args) {
    return run_shell("TZ=UTC " + std::string(FLOW_STAT_BIN) + " " + args + " " + shell_arg(dir));
}

}  // namespace

TEST_CASE("flow-stat --by counts the IPv6 series beside the flow-tools files") {
    TempDir dir;
    write_ipv4_series(dir.path());
    write_ipv6_series(dir.path());

    SECTION("destination addresses: IPv6 as RFC 5952 text, sums past 2^32") {
        const ToolRun run = stat(dir.path(), "--by dst-ip --format csv");
        INFO(run.err);
        CHECK(run.status == 0);
        CHECK(run.err.empty());
        CHECK(run.out ==
              "dst_ip,flows,packets,octets\r\n"
              "2001:db8:ff::443,2,7000000,9000000000\r\n"
              "192.0.2.80,2,20,8000\r\n"
              "192.0.2.25,1,10,700\r\n"
              "2001:db8:ff::53,1,1,90\r\n");
    }
    SECTION("ports and services count both families") {
        const ToolRun run = stat(dir.path(), "--by dst-port --format csv");
        CHECK(run.status == 0);
        CHECK(run.out ==
              "dst_port,flows,packets,octets\r\n"
              "443,4,7000020,9000008000\r\n"
              "25,1,10,700\r\n"
              "53,1,1,90\r\n");
    }
    SECTION("one row per exporter: the IPv4-mapped exporter of IPv6 flows is the IPv4 one") {
        const ToolRun run = stat(dir.path(), "--by exporter --format csv");
        CHECK(run.status == 0);
        CHECK(run.out ==
              "exporter,flows,packets,octets\r\n"
              "198.51.100.1,6,7000031,9000008790\r\n");
    }
    SECTION("the total without keys") {
        const ToolRun run = stat(dir.path(), "--format csv");
        CHECK(run.status == 0);
        CHECK(run.out == "flows,packets,octets\r\n6,7000031,9000008790\r\n");
    }
}

// Runs flow-stat in `dir` on "." so that "# Args:" is the same everywhere.
ToolRun stat_here(const std::filesystem::path& dir, const std::string& args) {
    return run_shell("cd " + shell_arg(dir) + " && TZ=UTC " + FLOW_STAT_BIN + " " + args + " .");
}

TEST_CASE(
    "flow-stat -f N on an archive with IPv6 files prints the IPv4 report and counts the rest") {
    TempDir ipv4_only;
    write_ipv4_series(ipv4_only.path());
    TempDir both;
    write_ipv4_series(both.path());
    write_ipv6_series(both.path());
    for (const char* report : {"0", "5", "8", "10", "11", "12", "15", "27"}) {
        CAPTURE(report);
        const std::string args = std::string("-f ") + report;
        const ToolRun before = stat_here(ipv4_only.path(), args);
        REQUIRE(before.status == 0);
        CHECK(before.err.empty());
        CHECK(before.out.find("# Name:") != std::string::npos);

        const ToolRun after = stat_here(both.path(), args);
        CHECK(after.status == 0);
        CHECK(after.out == before.out);
        CHECK(after.err ==
              "flow-stat: 3 IPv6 flows left out of the -f report (flow-tools' reports hold "
              "IPv4 only)\n");
    }
}

TEST_CASE("flow-stat -f N reads the files of a directory in a row as one stream") {
    TempDir two_files;
    write_ipv4_series(two_files.path());
    TempDir one_file;
    ArchiveBuilder(one_file.path())
        .add_file(evening, {v4(evening + 60, ip(10, 0, 3, 7), ip(192, 0, 2, 80), 443, 3000),
                            v4(evening + 120, ip(10, 0, 3, 7), ip(192, 0, 2, 25), 25, 700),
                            v4(evening + 960, ip(10, 0, 3, 8), ip(192, 0, 2, 80), 443, 5000)});
    for (const char* report : {"0", "8", "10"}) {
        CAPTURE(report);
        const ToolRun two = stat_here(two_files.path(), std::string("-f ") + report);
        CHECK(two.status == 0);
        CHECK(two.err.empty());
        CHECK(two.out == stat_here(one_file.path(), std::string("-f ") + report).out);
    }

    const ToolRun none = stat(two_files.path() / "missing", "-f 8");
    CHECK(none.status == 1);
    CHECK(none.out.empty());
    CHECK(none.err.find("missing") != std::string::npos);
    CHECK(none.err.find("no input could be read") != std::string::npos);
}

TEST_CASE("flow-stat -f N on IPv6 files only prints an empty report and the count") {
    TempDir dir;
    write_ipv6_series(dir.path());
    const ToolRun run = stat(dir.path(), "-f 5");
    CHECK(run.status == 0);
    CHECK(run.out.find("# Name:      UDP/TCP destination port") != std::string::npos);
    CHECK(run.err ==
          "flow-stat: 3 IPv6 flows left out of the -f report (flow-tools' reports hold IPv4 "
          "only)\n");
}
