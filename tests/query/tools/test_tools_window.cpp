// Time windows over a generated archive: across files, midnight, DST.
#include <catch2/catch.hpp>

#include "support/temp_dir.hpp"
#include "support/time_zone.hpp"
#include "tools/archive_builder.hpp"
#include "tools/run_tool.hpp"

using namespace flowkeep_test;

namespace {

constexpr std::int64_t mar14_2300 = 1773529200;  // 2026-03-14T23:00:00Z
constexpr std::int64_t minute = 60;

std::int64_t ms(std::int64_t seconds) {
    return seconds * 1000;
}

// Files of 15 minutes from 23:00 to 01:00 UTC; each flow goes into the file
// open when it was exported (a second after it ended).
void write_midnight_archive(const std::filesystem::path& root) {
    const std::uint32_t client = ip(10, 0, 3, 7);
    const std::uint32_t server = ip(203, 0, 113, 5);
    const std::int64_t t = mar14_2300;
    std::vector<flowfile::Record> all = {
        // A: over before the window
        flow_at(ms(t + 40 * minute), ms(t + 41 * minute), client, server, 6, 40001, 443),
        // B: started before 23:50 and still active in it
        flow_at(ms(t + 45 * minute), ms(t + 52 * minute), client, server, 6, 40002, 443),
        // C: across midnight
        flow_at(ms(t + 60 * minute) - 500, ms(t + 60 * minute) + 500, client, server, 6, 40003,
                443),
        // D: started a second before the window ends
        flow_at(ms(t + 70 * minute) - 1000, ms(t + 75 * minute), client, server, 6, 40004, 443),
        // E: starts when the window ends
        flow_at(ms(t + 70 * minute), ms(t + 71 * minute), client, server, 6, 40005, 443),
        // F: another client
        flow_at(ms(t + 65 * minute), ms(t + 66 * minute), ip(10, 0, 3, 8), server, 6, 40006, 443),
        // G: the reply direction, to the client
        flow_at(ms(t + 65 * minute), ms(t + 66 * minute), server, client, 6, 443, 40002),
    };
    ArchiveBuilder archive(root);
    for (std::int64_t created = t; created < t + 120 * minute; created += 15 * minute) {
        std::vector<flowfile::Record> in_file;
        for (const auto& r : all) {
            const std::int64_t exported = r.unix_secs;
            if (exported >= created && exported < created + 15 * minute) in_file.push_back(r);
        }
        archive.add_file(created, in_file);
    }
}

}  // namespace

TEST_CASE("flow-export-csv: a client's flows in a window across files and midnight") {
    TempDir dir;
    write_midnight_archive(dir.path());
    const auto run = run_shell(std::string(FLOW_EXPORT_CSV_BIN) + " -w " + shell_arg(dir.path()) +
                               " --from '2026-03-14 23:50' --to '2026-03-15 00:10' --ip 10.0.3.7"
                               " --fields start,src_ip,src_port,dst_ip --sort start --utc");
    CHECK(run.err == "");
    CHECK(run.status == 0);
    CHECK(run.out ==
          "start,src_ip,src_port,dst_ip\r\n"
          "2026-03-14T23:45:00.000Z,10.0.3.7,40002,203.0.113.5\r\n"
          "2026-03-14T23:59:59.500Z,10.0.3.7,40003,203.0.113.5\r\n"
          "2026-03-15T00:05:00.000Z,203.0.113.5,443,10.0.3.7\r\n"
          "2026-03-15T00:09:59.000Z,10.0.3.7,40004,203.0.113.5\r\n");
}

TEST_CASE("flow-export-csv: --src-ip keeps only the client's own direction") {
    TempDir dir;
    write_midnight_archive(dir.path());
    const auto run = run_shell(std::string(FLOW_EXPORT_CSV_BIN) + " -w " + shell_arg(dir.path()) +
                               " --from 2026-03-14T23:50:00Z --to 2026-03-15T00:10:00Z"
                               " --src-ip 10.0.3.7 --fields src_port --utc");
    CHECK(run.status == 0);
    // File order: the flows come as stored, file after file.
    CHECK(run.out == "src_port\r\n40002\r\n40003\r\n40004\r\n");
}

TEST_CASE("flow-select: the window in another zone's local time") {
    TempDir dir;
    write_midnight_archive(dir.path());
    // 00:50 in Prague (UTC+1 in March) is 23:50 UTC.
    const auto run = run_shell("TZ=Europe/Prague " + std::string(FLOW_SELECT_BIN) + " -w " +
                               shell_arg(dir.path()) +
                               " --from '2026-03-15 00:50' --to '2026-03-15 01:10' "
                               "--src-ip 10.0.3.7 --fields start,src_port");
    CHECK(run.status == 0);
    CHECK(run.out ==
          "Start                          Src Port\n"
          "2026-03-15T00:45:00.000+01:00     40002\n"
          "2026-03-15T00:59:59.500+01:00     40003\n"
          "2026-03-15T01:09:59.000+01:00     40004\n");
}

TEST_CASE("flow-select: the repeated hour of a DST change is one window of two hours") {
    ScopedTimeZone prague("Europe/Prague");
    TempDir dir;
    // 2026-10-25: 03:00 CEST becomes 02:00 CET at 01:00Z.
    constexpr std::int64_t oct25_0000z = 1792886400;
    const std::uint32_t client = ip(10, 0, 3, 7);
    const std::uint32_t server = ip(198, 51, 100, 1);
    ArchiveBuilder archive(dir.path());
    for (int h = -2; h < 4; ++h) {
        const std::int64_t created = oct25_0000z + h * 3600;
        // One flow at half past each UTC hour, in the file of that hour.
        archive.add_file(created, {flow_at(ms(created + 1800), ms(created + 1860), client, server,
                                           17, 5000 + static_cast<std::uint16_t>(h + 2), 53)});
    }
    const auto run = run_shell("TZ=Europe/Prague " + std::string(FLOW_SELECT_BIN) + " -w " +
                               shell_arg(dir.path()) +
                               " --from '2026-10-25 02:00' --to '2026-10-25 03:00' "
                               "--fields start,src_port");
    CHECK(run.status == 0);
    CHECK(run.out ==
          "Start                          Src Port\n"
          "2026-10-25T02:30:00.000+02:00      5002\n"
          "2026-10-25T02:30:00.000+01:00      5003\n");
}

TEST_CASE("flow-select: the tmp- file of the capture in progress is read") {
    TempDir dir;
    ArchiveBuilder archive(dir.path());
    const std::int64_t t = mar14_2300;
    archive.add_file(t, {flow_at(ms(t + 60), ms(t + 120), ip(10, 0, 3, 7), ip(1, 1, 1, 1))});
    archive.add_file(t + 900, {flow_at(ms(t + 960), ms(t + 1020), ip(10, 0, 3, 7), ip(1, 1, 1, 2))},
                     true);
    const auto run = run_shell(std::string(FLOW_SELECT_BIN) + " -w " + shell_arg(dir.path()) +
                               " --from 2026-03-14T23:00Z --to 2026-03-15T00:00Z --fields dst_ip");
    CHECK(run.status == 0);
    CHECK(run.out == "Dst IP\n1.1.1.1\n1.1.1.2\n");
}
