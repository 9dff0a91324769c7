// flow-stat's reports over generated archives, answers computed by hand.
#include <catch2/catch.hpp>

#include <algorithm>

#include "support/temp_dir.hpp"
#include "support/time_zone.hpp"
#include "tools/archive_builder.hpp"
#include "tools/run_tool.hpp"

using namespace flowkeep_test;

namespace {

constexpr std::int64_t oct25_0000z = 1792886400;  // 02:00 CEST, the day clocks go back

flowfile::Record sized(flowfile::Record r, std::uint32_t packets, std::uint32_t octets) {
    r.dpkts = packets;
    r.doctets = octets;
    return r;
}

// SMTP and HTTPS flows on the DST day in Prague, one file per UTC hour.
void write_dst_day(const std::filesystem::path& root) {
    const std::uint32_t mx = ip(198, 51, 100, 25);
    const std::uint32_t client = ip(10, 0, 3, 7);
    ArchiveBuilder archive(root);
    for (int h = -2; h < 4; ++h) {
        const std::int64_t t = oct25_0000z + h * 3600;
        archive.add_file(
            t, {
                   sized(flow_at((t + 600) * 1000, (t + 610) * 1000, client, mx, 6, 40000, 25), 10,
                         1000 * static_cast<std::uint32_t>(h + 3)),
                   sized(flow_at((t + 700) * 1000, (t + 710) * 1000, client, ip(1, 2, 3, 4), 6,
                                 40001, 443),
                         5, 500),
               });
    }
}

std::string stat(const std::filesystem::path& root, const std::string& options) {
    const auto run =
        run_shell("TZ=Europe/Prague " + std::string(FLOW_STAT_BIN) + " -w " + shell_arg(root) +
                  " --from 2026-10-24T22:00Z --to 2026-10-25T04:00Z " + options);
    INFO(run.err);
    CHECK(run.status == 0);
    return run.out;
}

}  // namespace

TEST_CASE("flow-stat: SMTP per hour keeps the two 02:00 hours of a DST change apart") {
    TempDir dir;
    write_dst_day(dir.path());
    CHECK(stat(dir.path(), "--port smtp --interval 1h --format csv") ==
          "interval,flows,packets,octets\r\n"
          "2026-10-25T00:00:00+02:00,1,10,1000\r\n"
          "2026-10-25T01:00:00+02:00,1,10,2000\r\n"
          "2026-10-25T02:00:00+02:00,1,10,3000\r\n"
          "2026-10-25T02:00:00+01:00,1,10,4000\r\n"
          "2026-10-25T03:00:00+01:00,1,10,5000\r\n"
          "2026-10-25T04:00:00+01:00,1,10,6000\r\n");
}

TEST_CASE("flow-stat: a day period on a DST day has 25 hours") {
    TempDir dir;
    ArchiveBuilder archive(dir.path());
    const std::int64_t day_start = oct25_0000z - 2 * 3600;  // 00:00 CEST, 22:00Z the day before
    // 00:10 CEST; 23:50 CET, 24 h 50 min later and still the same local day
    // (a 24-hour day would put it into the next); 00:10 CET on the 26th.
    for (const std::int64_t t :
         {day_start + 600, day_start + 24 * 3600 + 3000, day_start + 25 * 3600 + 600})
        archive.add_file(t - 60, {sized(flow_at(t * 1000, (t + 5) * 1000, ip(10, 0, 3, 7),
                                                ip(198, 51, 100, 25), 6, 40000, 25),
                                        1, 100)});
    const auto run = run_shell("TZ=Europe/Prague " + std::string(FLOW_STAT_BIN) + " -w " +
                               shell_arg(dir.path()) +
                               " --from 2026-10-24T22:00Z --to 2026-10-26T00:00Z"
                               " --interval 1d --format csv");
    INFO(run.err);
    CHECK(run.status == 0);
    CHECK(run.out ==
          "interval,flows,packets,octets\r\n"
          "2026-10-25T00:00:00+02:00,2,2,200\r\n"
          "2026-10-26T00:00:00+01:00,1,1,100\r\n");
}

TEST_CASE("flow-stat: top destination ports by octets, as JSON") {
    TempDir dir;
    write_dst_day(dir.path());
    CHECK(stat(dir.path(), "--by dst-port --top 1 --format json") ==
          "{\"rows\":[\n"
          "{\"dst_port\":25,\"flows\":6,\"packets\":60,\"octets\":21000}\n"
          "],\n"
          "\"total\":{\"flows\":12,\"packets\":90,\"octets\":24000}}\n");
}

TEST_CASE("flow-stat: the same answer whatever the number of threads") {
    TempDir dir;
    write_dst_day(dir.path());
    const std::string one = stat(dir.path(), "--by service,dst-ip --threads 1");
    CHECK(one == stat(dir.path(), "--by service,dst-ip --threads 2"));
    CHECK(one == stat(dir.path(), "--by service,dst-ip --threads 5"));
    CHECK(one.find("smtp/tcp") != std::string::npos);
}

TEST_CASE("flow-stat: --top takes a number of rows of at least 1") {
    TempDir dir;
    write_dst_day(dir.path());
    for (const std::string top : {"0", "-3", "ten", "2x", "''"}) {
        const auto run = run_shell(std::string(FLOW_STAT_BIN) + " -w " + shell_arg(dir.path()) +
                                   " --by dst-port --top " + top);
        INFO(top << '\n' << run.err);
        CHECK(run.status == 2);
        CHECK(run.out.empty());
        CHECK(run.err.rfind("flow-stat: --top: ", 0) == 0);
        CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
    }
    CHECK(stat(dir.path(), "--by dst-port --top 1 --format csv") ==
          "dst_port,flows,packets,octets\r\n25,6,60,21000\r\n");
}
