// flow-stat's totals and its protocol and port reports over whole files
// come from the files' index totals (issue 14): the same bytes as the scan
// (--no-index) in every format, with --top and --sort, on an archive of
// both series whose files have an index, none, a damaged one, or are still
// being written, with windows that cover files whole and windows that cut
// them; and a file whose records were made unreadable behind its index's
// back shows that the index really answered.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>

#include <random>
#include <sstream>

#include "flowfile/block_index.hpp"
#include "flowfile/record6.hpp"
#include "support/temp_dir.hpp"
#include "tools/archive_builder.hpp"
#include "tools/indexed_archive.hpp"
#include "tools/run_tool.hpp"

using namespace flowkeep_test;

namespace {

constexpr std::int64_t evening = 1796328000;  // 2026-12-03T20:00:00Z

// A quarter hour of flows of these protocols ending before `created`, the
// file's creation time, as flow-capture files them.
std::vector<flowfile::Record> quarter(std::int64_t created, std::vector<std::uint8_t> protocols,
                                      unsigned seed) {
    std::mt19937 g(seed);
    const std::uint16_t ports[] = {53, 80, 443, 443, 25, 22, 8080, 993};
    std::vector<flowfile::Record> flows;
    for (unsigned i = 0; i < 300; ++i) {
        const std::int64_t start_ms = (created - 900) * 1000 + i * 2900 + g() % 1000;
        const std::int64_t end_ms = start_ms + g() % 30000;
        const std::uint8_t prot = protocols[g() % protocols.size()];
        auto r = flow_at(start_ms, end_ms, ip(10, 0, 0, 1 + g() % 200), ip(192, 0, 2, g() % 256),
                         prot, static_cast<std::uint16_t>(40000 + g() % 8), ports[g() % 8]);
        if (prot == 1) r.srcport = 0, r.dstport = 0x0303;  // port unreachable
        r.dpkts = 1 + g() % 900;
        r.doctets = r.dpkts * (40 + g() % 1400);
        flows.push_back(r);
    }
    return flows;
}

std::vector<flowfile::Record6> quarter6(std::int64_t created, std::vector<std::uint8_t> protocols,
                                        unsigned seed) {
    std::vector<flowfile::Record6> flows;
    for (const flowfile::Record& v4 : quarter(created, protocols, seed)) {
        flowfile::Record6 r;
        r.srcaddr = flowfile::parse_ipv6_prefix("2001:db8:c:700::1").value().address;
        r.dstaddr = flowfile::parse_ipv6_prefix("2001:db8:ffff::80").value().address;
        r.srcaddr[15] = static_cast<std::uint8_t>(v4.srcaddr);
        r.exaddr = flowfile::ipv4_mapped(ip(198, 51, 100, 1));
        const auto times = flowfile::flow_times(v4);
        r.start_ms = times.start_ms;
        r.end_ms = times.end_ms;
        r.prot = v4.prot == 1 ? 58 : v4.prot;
        r.srcport = v4.srcport;
        r.dstport = v4.prot == 1 ? 0x0100 : v4.dstport;
        r.dpkts = v4.dpkts;
        r.doctets = std::uint64_t{v4.doctets} << 20;  // past any 32-bit counter
        flows.push_back(r);
    }
    return flows;
}

std::filesystem::path file_path(const std::filesystem::path& root, std::int64_t created,
                                std::uint16_t version) {
    return root /
           flowfile::nest_path(flowfile::file_name_at(created, version, std::nullopt, false), 3);
}

flowfile::Header capture_header(std::uint16_t version, std::int64_t created) {
    return flowfile::Header::for_capture(version, static_cast<std::uint32_t>(created),
                                         "flowbox-test", true);
}

constexpr std::uint16_t v6 = flowfile::ipv6_export_version;

// The files of the archive, by what the index can do with them.
struct StatArchive {
    std::filesystem::path tcp_udp;      // indexed: every report but two varying keys
    std::filesystem::path tcp_only;     // indexed: protocol,dst-port too
    std::filesystem::path with_icmp;    // indexed: totals and protocols only
    std::filesystem::path ipv6;         // indexed, TCP and UDP
    std::filesystem::path ipv6_icmp;    // indexed, ICMPv6 among them
    std::filesystem::path no_index;     // scanned
    std::filesystem::path bad_index;    // its index is damaged: scanned
    std::filesystem::path in_progress;  // tmp-: scanned
};

// One quarter after another from 20:00 UTC; the capture's tmp- file stays
// open while `builder` lives.
StatArchive write_archive(const std::filesystem::path& root, ArchiveBuilder& builder) {
    StatArchive a;
    auto at = [](int quarter) { return evening + 900 * quarter; };
    a.tcp_udp = file_path(root, at(1), 5);
    write_indexed_file(a.tcp_udp, capture_header(5, at(1)), quarter(at(1), {6, 6, 17}, 1));
    a.tcp_only = file_path(root, at(2), 5);
    write_indexed_file(a.tcp_only, capture_header(5, at(2)), quarter(at(2), {6}, 2));
    a.with_icmp = file_path(root, at(3), 5);
    write_indexed_file(a.with_icmp, capture_header(5, at(3)), quarter(at(3), {6, 17, 1}, 3));
    a.ipv6 = file_path(root, at(2), v6);
    write_indexed_file(a.ipv6, capture_header(v6, at(2)), quarter6(at(2), {6, 17}, 4));
    a.ipv6_icmp = file_path(root, at(3), v6);
    write_indexed_file(a.ipv6_icmp, capture_header(v6, at(3)), quarter6(at(3), {6, 1}, 5));
    a.no_index = file_path(root, at(4), 5);
    write_indexed_file(a.no_index, capture_header(5, at(4)), quarter(at(4), {6, 17}, 6), false);
    a.bad_index = file_path(root, at(5), 5);
    write_indexed_file(a.bad_index, capture_header(5, at(5)), quarter(at(5), {6, 17}, 7));
    put_file_bytes(flowfile::index_path_of(a.bad_index),
                   std::vector<std::uint8_t>(200, 0x5a));  // not an index at all
    a.in_progress = builder.add_file(at(6), quarter(at(6), {6, 17}, 8), true);
    return a;
}

std::string stat(const std::string& args) {
    return std::string(FLOW_STAT_BIN) + " --utc " + args;
}

// stderr without the lines about indexes, which only a run that looks at
// them prints.
std::string without_index_lines(const std::string& err) {
    std::istringstream in(err);
    std::string line, kept;
    while (std::getline(in, line))
        if (line.find("ix-") == std::string::npos && line.find("no index") == std::string::npos)
            kept += line + '\n';
    return kept;
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

const char* const reports[] = {
    "",
    "--by protocol",
    "--by protocol --sort packets",
    "--by src-port",
    "--by dst-port",
    "--by dst-port --top 3 --sort flows",
    "--by protocol,dst-port",
    "--by dst-port,protocol --top 4",
    "--by src-port,dst-port --sort flows",
};

// Epoch seconds: the first window holds the first three quarters whole,
// the second cuts the first and third quarters and holds the second whole.
const char* const windows[] = {
    "",
    "--from 1796328000 --to 1796330700",
    "--from 1796328450 --to 1796330000",
};

// A byte pattern over part of the first block's records, the file's size
// and modification time kept: its index still says it describes the file.
void damage_records(const std::filesystem::path& file) {
    struct stat before {};
    REQUIRE(::stat(file.c_str(), &before) == 0);
    auto bytes = file_bytes(file);
    const std::size_t from = header_bytes_of(file).size() + 16;
    REQUIRE(bytes.size() > from + 400);
    for (std::size_t i = from; i < from + 400; ++i) bytes[i] = static_cast<std::uint8_t>(i * 37);
    put_file_bytes(file, bytes);
    const struct timespec times[2] = {before.st_atim, before.st_mtim};
    REQUIRE(::utimensat(AT_FDCWD, file.c_str(), times, 0) == 0);
}

}  // namespace

TEST_CASE("flow-stat totals and port and protocol reports are the same with and without index") {
    TempDir dir;
    ArchiveBuilder builder(dir / "flows");
    const StatArchive a = write_archive(dir / "flows", builder);
    const std::string damaged_line = flowfile::index_path_of(a.bad_index).filename().string();
    for (const std::string window : windows) {
        for (const std::string report : reports) {
            for (const std::string format : {"table", "csv", "json"}) {
                const std::string args =
                    report + " " + window + " --format " + format + " " + shell_arg(dir / "flows");
                const ToolRun with = run_shell(stat(args));
                const ToolRun without = run_shell(stat("--no-index " + args));
                INFO(args << "\n" << with.err << "---\n" << without.err);
                CHECK(with.status == 0);
                CHECK(with.status == without.status);
                CHECK(with.out == without.out);
                CHECK(without_index_lines(with.err) == without_index_lines(without.err));
                CHECK(without.err.find("ix-") == std::string::npos);
                // The damaged index is named once (its file is among the
                // inputs without a window; a window may pass it by).
                CHECK(count_of(with.err, damaged_line) <= 1);
                if (window.empty()) CHECK(count_of(with.err, damaged_line) == 1);
            }
        }
    }
}

TEST_CASE("flow-stat answers whole files from their index, read or not") {
    // The record area of each indexed file is overwritten after indexing,
    // its size and time kept, so the index still stands for the file: a
    // scan of such a file reports it damaged and exits 1.  A report that
    // still exits 0 with the answer of the undamaged files was not read from
    // the records: it came from the index totals.  The reports and windows
    // the totals cannot answer show the damage, which proves they read it.
    TempDir dir;
    const std::int64_t first = evening + 900, second = evening + 1800;
    const auto tcp = file_path(dir / "flows", first, 5);
    write_indexed_file(tcp, capture_header(5, first), quarter(first, {6, 17}, 11));
    const auto ipv6 = file_path(dir / "flows", second, v6);
    write_indexed_file(ipv6, capture_header(v6, second), quarter6(second, {6, 17}, 12));
    std::string files = " ";
    files += shell_arg(tcp) + " " + shell_arg(ipv6);

    std::vector<std::string> answers;
    for (const std::string report : {"", "--by dst-port", "--by protocol --format json"})
        answers.push_back(run_shell(stat("--no-index " + report + files)).out);
    const std::string cut =
        " --from " + std::to_string(first - 900) + " --to " + std::to_string(first - 450);
    const ToolRun cut_before = run_shell(stat("--by dst-port" + cut + files));
    REQUIRE(cut_before.status == 0);
    REQUIRE(!cut_before.out.empty());

    damage_records(tcp);
    damage_records(ipv6);
    std::size_t i = 0;
    for (const std::string report : {"", "--by dst-port", "--by protocol --format json"}) {
        const ToolRun with = run_shell(stat(report + files));
        INFO(report << "\n" << with.err);
        CHECK(with.status == 0);
        CHECK(with.err.empty());
        CHECK(with.out == answers[i++]);
        const ToolRun without = run_shell(stat("--no-index " + report + files));
        CHECK(without.status == 1);
        CHECK(without.err.find(tcp.string()) != std::string::npos);
        CHECK(without.err.find(ipv6.string()) != std::string::npos);
    }
    // Both files whole inside a window: still from the index.
    const std::string whole =
        " --from " + std::to_string(first - 900) + " --to " + std::to_string(second);
    CHECK(run_shell(stat("--by dst-port" + whole + files)).status == 0);
    // A window that cuts the first file: the index cannot say which of its
    // flows are in, so the file is read and its damage seen.
    const ToolRun cut_after = run_shell(stat("--by dst-port" + cut + files));
    CHECK(cut_after.status == 1);
    CHECK(cut_after.err.find(tcp.string()) != std::string::npos);
    // Reports the totals cannot give read the records.
    CHECK(run_shell(stat("--by src-ip" + files)).status == 1);
    CHECK(run_shell(stat("--by dst-port --proto tcp" + files)).status == 1);
    CHECK(run_shell(stat("--by dst-port --interval 1h" + files)).status == 1);
}

TEST_CASE("flow-stat scans a file whose index is stale or damaged and says so once") {
    TempDir dir;
    const std::int64_t created = evening + 900;
    const auto file = file_path(dir / "flows", created, 5);
    write_indexed_file(file, capture_header(5, created), quarter(created, {6, 17}, 21));
    const std::string index_name = flowfile::index_path_of(file).filename().string();
    std::string no_index = "--no-index --by dst-port ";
    no_index += shell_arg(file);
    const std::string expected = run_shell(stat(no_index)).out;

    // Stale: the data file is newer than its index.
    const auto later = std::filesystem::last_write_time(file) + std::chrono::seconds(10);
    std::filesystem::last_write_time(file, later);
    for (const std::string window : {"", " --from 1796328000 --to 1796330000"}) {
        const ToolRun stale = run_shell(stat("--by dst-port" + window + " " + shell_arg(file)));
        INFO(stale.err);
        CHECK(stale.status == 0);
        CHECK(stale.out == expected);
        CHECK(count_of(stale.err, index_name) == 1);
        CHECK(stale.err.find("stale") != std::string::npos);
    }

    // Damaged: a byte of the index's totals changed (flow-index(5): their
    // offset is the head's little-endian u64 at byte 80).  Only a summary
    // reads them; the scan, with or without a window, reads the blocks.
    write_indexed_file(file, capture_header(5, created), quarter(created, {6, 17}, 21));
    const auto index = flowfile::index_path_of(file);
    auto bytes = file_bytes(index);
    std::uint64_t totals_at = 0;
    for (int i = 7; i >= 0; --i)
        totals_at = totals_at << 8 | bytes.at(80 + static_cast<std::size_t>(i));
    bytes.at(totals_at + 2) ^= 0xff;
    put_file_bytes(index, bytes);
    for (const std::string window : {"", " --from 1796328000 --to 1796330000"}) {
        const ToolRun damaged = run_shell(stat("--by dst-port" + window + " " + shell_arg(file)));
        INFO(damaged.err);
        CHECK(damaged.status == 0);
        CHECK(damaged.out == expected);
        CHECK(count_of(damaged.err, index_name) == 1);
        CHECK(damaged.err.find("damaged") != std::string::npos);
    }
}

TEST_CASE("a file of ephemeral ports has no port totals in its index and its port reports scan") {
    // Each flow its own source port, as a file of clients' connections has:
    // the port maps would cost more than flow-index(5) allows beside the
    // file, so the index keeps the totals and protocols only.  Damage to the
    // records after indexing shows which reports read them.
    TempDir dir;
    const std::int64_t created = evening + 900;
    const auto file = file_path(dir / "flows", created, 5);
    std::vector<flowfile::Record> flows = quarter(created, {6, 17}, 13);
    for (std::size_t i = 0; i < flows.size(); ++i)
        flows[i].srcport = static_cast<std::uint16_t>(32768 + 97 * i);
    write_indexed_file(file, capture_header(5, created), flows);
    const auto opened = flowfile::BlockIndex::open(file);
    REQUIRE(opened.index);
    const auto totals = opened.index->totals();
    REQUIRE(totals);
    CHECK_FALSE(totals->ports);
    CHECK(totals->src_ports.empty());
    CHECK(totals->dst_ports.empty());
    CHECK(totals->protocols.size() == 2);

    std::string arg = " ";
    arg += shell_arg(file);
    for (const std::string report : {"--by src-port", "--by dst-port --top 3"})
        CHECK(run_shell(stat(report + arg)).out ==
              run_shell(stat("--no-index " + report + arg)).out);
    const std::string by_protocol = run_shell(stat("--by protocol" + arg)).out;

    damage_records(file);
    const ToolRun protocols = run_shell(stat("--by protocol" + arg));
    CHECK(protocols.status == 0);
    CHECK(protocols.out == by_protocol);
    CHECK(run_shell(stat(arg)).status == 0);
    const ToolRun ports = run_shell(stat("--by dst-port" + arg));
    CHECK(ports.status == 1);
    CHECK(ports.err.find(file.string()) != std::string::npos);
}
