// The block index in the query tools (issue 14): flow-select,
// flow-export-csv and flow-stat print the same bytes with and without the
// index (--no-index), for every filter kind, on archives whose files have
// an index, some none, a stale or a damaged one, a tmp- file in the window,
// across a DST change, and on every test archive of tests/data; and
// --index-stats shows that the index really spared blocks.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "flowfile/ipv6_text.hpp"
#include "support/temp_dir.hpp"
#include "tools/archive_builder.hpp"
#include "tools/indexed_archive.hpp"
#include "tools/run_tool.hpp"

using namespace flowkeep_test;

namespace {

constexpr std::int64_t day = 1796256000;  // 2026-12-03T00:00:00Z
constexpr std::uint32_t rare_client = ip(10, 0, 3, 7);

// A small deterministic generator: the same archive on every run.
struct Lcg {
    std::uint64_t state;
    std::uint32_t next(std::uint32_t below) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<std::uint32_t>((state >> 33) % below);
    }
};

std::uint16_t some_port(Lcg& g) {
    static constexpr std::uint16_t common[] = {53, 80, 443, 22, 25, 123, 8080, 993};
    return g.next(4) == 0 ? static_cast<std::uint16_t>(1024 + g.next(64000))
                          : common[g.next(std::size(common))];
}

std::uint8_t some_protocol(Lcg& g) {
    static constexpr std::uint8_t protocols[] = {6, 6, 6, 17, 17, 1, 47};
    return protocols[g.next(std::size(protocols))];
}

// A quarter hour of one file: clients in 10.0.0.0/20 with servers all over,
// the rare client only in a few flows of the second file.
std::vector<flowfile::Record> quarter_flows(std::int64_t created, unsigned file, Lcg& g) {
    std::vector<flowfile::Record> flows;
    for (unsigned i = 0; i < 1500; ++i) {
        const std::int64_t start_ms = (created - 900) * 1000 + i * 600 + g.next(500);
        const std::int64_t end_ms = start_ms + g.next(120000);
        std::uint32_t client = ip(10, 0, g.next(16), 1 + g.next(250));
        if (client == rare_client) client = ip(10, 0, 3, 9);
        if (file == 1 && i % 500 == 77) client = rare_client;
        const std::uint32_t server = g.next(3) == 0 ? ip(172, 16 + g.next(16), g.next(256), 1)
                                                    : ip(192, 0, 2 + g.next(3), g.next(256));
        const std::uint8_t prot = some_protocol(g);
        const bool out = g.next(2) == 0;
        auto r = flow_at(start_ms, end_ms, out ? client : server, out ? server : client, prot,
                         out ? 40000 + g.next(20000) : some_port(g),
                         out ? some_port(g) : 40000 + g.next(20000));
        if (prot == 1) r.srcport = 0, r.dstport = 0x0303;
        r.dpkts = 1 + g.next(1000);
        r.doctets = r.dpkts * (40 + g.next(1400));
        flows.push_back(r);
    }
    return flows;
}

flowfile::Ipv6Address v6(std::uint16_t a, std::uint16_t b, std::uint16_t c, std::uint16_t d,
                         std::uint16_t last) {
    flowfile::Ipv6Address x{};
    const std::uint16_t words[8] = {a, b, c, d, 0, 0, 0, last};
    for (int i = 0; i < 8; ++i) {
        x[static_cast<std::size_t>(2 * i)] = static_cast<std::uint8_t>(words[i] >> 8);
        x[static_cast<std::size_t>(2 * i + 1)] = static_cast<std::uint8_t>(words[i]);
    }
    return x;
}

// Clients in 2001:db8:c:XX00::/56, servers in 2001:db8:ffff::/48 and
// 2001:db8:eeee::/48; the client 2001:db8:c:700::/56 only now and then.
std::vector<flowfile::Record6> quarter_flows6(std::int64_t created, Lcg& g) {
    std::vector<flowfile::Record6> flows;
    for (unsigned i = 0; i < 1000; ++i) {
        flowfile::Record6 r;
        unsigned c = g.next(40);
        if (c == 7 && i % 300 != 11) c = 8;
        r.srcaddr = v6(0x2001, 0xdb8, 0xc, static_cast<std::uint16_t>(c << 8), 1 + g.next(3));
        r.dstaddr = v6(0x2001, 0xdb8, g.next(2) ? 0xffff : 0xeeee,
                       static_cast<std::uint16_t>(g.next(4)), 1 + g.next(20));
        if (g.next(2)) std::swap(r.srcaddr, r.dstaddr);
        r.exaddr = flowfile::ipv4_mapped(ip(198, 51, 100, 1));
        r.start_ms = (created - 900) * 1000 + i * 900 + g.next(800);
        r.end_ms = r.start_ms + g.next(60000);
        r.prot = g.next(5) == 0 ? 58 : 6;
        r.srcport = r.prot == 58 ? 0 : static_cast<std::uint16_t>(40000 + g.next(20000));
        r.dstport = r.prot == 58 ? 0x8000 : some_port(g);
        r.dpkts = 1 + g.next(500);
        r.doctets = r.dpkts * 1200;
        flows.push_back(r);
    }
    return flows;
}

std::filesystem::path file_path(const std::filesystem::path& root, std::int64_t created,
                                std::uint16_t version, bool in_progress = false) {
    return root / flowfile::nest_path(
                      flowfile::file_name_at(created, version, std::nullopt, in_progress), 3);
}

flowfile::Header capture_header(std::uint16_t version, std::int64_t created) {
    return flowfile::Header::for_capture(version, static_cast<std::uint32_t>(created),
                                         "flowbox-test", true);
}

// Four v5 quarters and two IPv6 ones from 10:15 to 11:00 UTC, all indexed.
struct IndexedArchive {
    std::vector<std::filesystem::path> v5_files;
    std::vector<std::filesystem::path> v6_files;
};

IndexedArchive write_archive(const std::filesystem::path& root) {
    IndexedArchive a;
    Lcg g{14};
    for (unsigned f = 0; f < 4; ++f) {
        const std::int64_t created = day + 10 * 3600 + 900 * (f + 1);
        const auto path = file_path(root, created, 5);
        write_indexed_file(path, capture_header(5, created), quarter_flows(created, f, g));
        a.v5_files.push_back(path);
    }
    for (unsigned f = 0; f < 2; ++f) {
        const std::int64_t created = day + 10 * 3600 + 900 * (f + 2);
        const auto path = file_path(root, created, flowfile::ipv6_export_version);
        write_indexed_file(path, capture_header(flowfile::ipv6_export_version, created),
                           quarter_flows6(created, g));
        a.v6_files.push_back(path);
    }
    return a;
}

void write_clients(const std::filesystem::path& file) {
    std::ofstream out(file);
    out << "prefix,account,device,valid_from,valid_until,connection\n"
           "10.0.3.7,acct-1,cpe-1,2026-12-03T10:20Z,2026-12-03T10:40Z,FTTH\n"
           "10.0.5.0/24,acct-1,cpe-2,2026-12-03T10:40Z,,FTTH\n"
           "10.0.9.0/28,acct-2,cpe-3,,,xDSL\n"
           "2001:db8:c:700::/56,acct-1,cpe-1,,,FTTH\n"
           "2001:db8:c:1200::/56,acct-3,cpe-4,,,LTE\n";
}

const char* const tools[] = {FLOW_SELECT_BIN, FLOW_EXPORT_CSV_BIN, FLOW_STAT_BIN};

std::string tool_args(const std::string& tool) {
    if (tool == FLOW_STAT_BIN) return " --by protocol,dst-port --utc";
    if (tool == FLOW_SELECT_BIN) return " --utc";
    return "";
}

// The criteria of every kind, alone and combined.
const char* const queries[] = {
    "--ip 10.0.3.7",
    "--ip 10.0.3.0/24",
    "--ip 10.0.0.0/20",
    "--ip 10.0.0.0/8",
    "--ip 10.0.3.7,192.0.3.0/24",
    "--ip 2001:db8:c:700::1",
    "--ip 2001:db8:c:700::/64",
    "--ip 2001:db8:ffff::/48",
    "--ip 2001:db8:c:700::/56",
    "--ip 10.0.3.7,2001:db8:c:700::/56",
    "--src-ip 10.0.3.7",
    "--dst-ip 10.0.3.0/24",
    "--src-ip 2001:db8:c:700::/56 --dst-ip 2001:db8:eeee::/48",
    "--port 22",
    "--port 8000-8100",
    "--port 1024-65535",
    "--src-port 53 --proto udp",
    "--dst-port 993",
    "--proto gre",
    "--proto icmp,ipv6-icmp",
    "--from '2026-12-03 10:20Z' --to '2026-12-03 10:21Z'",
    "--from '2026-12-03 10:00Z' --to '2026-12-03 12:00Z'",
    "--from '2026-12-03 10:44:59.500Z' --to '2026-12-03 10:45:00.250Z'",
    "--ip 10.0.3.7 --from '2026-12-03 10:25Z' --to '2026-12-03 10:35Z' --port 443",
    "--ip 10.0.0.0/20 --proto tcp --port 22,25",
    "--exporter 198.51.100.1 --ip 2001:db8:c:700::/56",
};

// `env`: variables set for the tool ("TZ=Europe/Berlin ").
ToolRun run_tool(const std::string& tool, const std::string& args, const std::string& env = "") {
    return run_shell(env + tool + tool_args(tool) + " " + args);
}

// Runs the query with and without index: same stdout, same status.
ToolRun same_with_and_without_index(const std::string& tool, const std::string& args,
                                    const std::string& env = "") {
    const ToolRun with = run_tool(tool, args, env);
    const ToolRun without = run_tool(tool, "--no-index " + args, env);
    INFO(tool << " " << args << "\n" << with.err << "\n---\n" << without.err);
    CHECK(with.status == without.status);
    CHECK(with.out == without.out);
    return with;
}

struct BlocksRead {
    std::uint64_t read = 0;
    std::uint64_t total = 0;
};

std::optional<BlocksRead> blocks_read(const std::string& err) {
    static const std::regex line("index: ([0-9]+) of ([0-9]+) blocks read");
    std::smatch m;
    if (!std::regex_search(err, m, line)) return std::nullopt;
    return BlocksRead{std::stoull(m[1]), std::stoull(m[2])};
}

void flip_byte(const std::filesystem::path& p, std::size_t at) {
    auto bytes = file_bytes(p);
    bytes.at(at) ^= 0x5a;
    // Keep the index's time after its data file's, so only the damage tells.
    const auto when = std::filesystem::last_write_time(p);
    put_file_bytes(p, bytes);
    std::filesystem::last_write_time(p, when);
}

}  // namespace

TEST_CASE("query tools print the same with and without the block index, every filter kind") {
    TempDir dir;
    write_archive(dir / "flows");
    write_clients(dir / "clients.csv");
    const std::string archive = " -w " + shell_arg(dir / "flows");
    const std::string clients = " --clients " + shell_arg(dir / "clients.csv");
    for (const std::string tool : tools) {
        for (const std::string q : queries) {
            const ToolRun with = same_with_and_without_index(tool, q + archive);
            CHECK(with.status == 0);
            CHECK(with.err.empty());
        }
        for (const std::string q :
             {"--account acct-1", "--account acct-2", "--account acct-3 --proto tcp",
              "--connection FTTH", "--account acct-1 --connection xDSL",
              "--account acct-1 --from '2026-12-03 10:30Z' --to '2026-12-03 10:50Z'"}) {
            const ToolRun with = same_with_and_without_index(tool, q + clients + archive);
            CHECK(with.status == 0);
        }
    }
}

TEST_CASE("query tools answer from the index with the same rows when files are named") {
    TempDir dir;
    const IndexedArchive a = write_archive(dir / "flows");
    std::string files;
    // Appended in two steps: gcc 12 warns (-Wrestrict, wrongly) about " " + string.
    for (const auto& f : a.v5_files) (files += ' ') += shell_arg(f);
    for (const auto& f : a.v6_files) (files += ' ') += shell_arg(f);
    for (const std::string tool : tools) {
        same_with_and_without_index(tool, "--ip 10.0.3.7" + files);
        same_with_and_without_index(tool, "--ip 2001:db8:c:700::/56 --port 443" + files);
        same_with_and_without_index(tool, "--proto gre" + files);
    }
}

TEST_CASE("the index figures of --index-stats show the blocks a rare address query did not read") {
    TempDir dir;
    write_archive(dir / "flows");
    const std::string archive = " -w " + shell_arg(dir / "flows");
    for (const std::string tool : tools) {
        const ToolRun rare = run_tool(tool, "--index-stats --ip 10.0.3.7" + archive);
        INFO(rare.err);
        const auto read = blocks_read(rare.err);
        REQUIRE(read);
        // 4 v5 files of 1500 flows in blocks of 64: 24 blocks each; the
        // IPv6 files are not even listed for an IPv4 address.
        CHECK(read->total == 4 * 24);
        CHECK(read->read >= 3);  // the three flows of the rare client, each in its block
        CHECK(read->read < 12);
        CHECK(rare.err.find("(3 not opened)") != std::string::npos);

        const ToolRun window = run_tool(
            tool, "--index-stats --from '2026-12-03 10:20Z' --to '2026-12-03 10:21Z'" + archive);
        const auto in_window = blocks_read(window.err);
        REQUIRE(in_window);
        CHECK(in_window->read * 3 <= in_window->total);

        // Nothing to narrow (flow-stat takes whole files' totals from the
        // index then), or --no-index: said so.
        if (tool != FLOW_STAT_BIN) {
            const ToolRun none = run_tool(tool, "--index-stats" + archive);
            INFO(none.err);
            CHECK(none.err.find("index: not used") != std::string::npos);
        }
        const ToolRun off = run_tool(tool, "--index-stats --no-index --ip 10.0.3.7" + archive);
        CHECK(off.err.find("index: not used") != std::string::npos);
        // Quiet by default.
        CHECK(run_tool(tool, "--ip 10.0.3.7" + archive).err.empty());
    }
}

TEST_CASE("a damaged index is named on stderr and the file scanned, same answer") {
    TempDir dir;
    const IndexedArchive a = write_archive(dir / "flows");
    const auto& file = a.v5_files[1];
    const auto index = flowfile::index_path_of(file);
    const std::vector<std::uint8_t> good = file_bytes(index);
    const auto when = std::filesystem::last_write_time(index);
    const std::string archive = " -w " + shell_arg(dir / "flows");
    // Bytes all over the index: its header, block table, filters, totals.
    std::vector<std::size_t> offsets = {0, 5, 9, 17, 33, 64};
    for (std::size_t k = 1; k < 16; ++k) offsets.push_back(good.size() * k / 16);
    offsets.push_back(good.size() - 1);
    for (const std::size_t at : offsets) {
        put_file_bytes(index, good);
        std::filesystem::last_write_time(index, when);
        flip_byte(index, at);
        for (const std::string tool : tools) {
            const ToolRun with = same_with_and_without_index(tool, "--ip 10.0.3.7" + archive);
            INFO("byte " << at << ": " << with.err);
            CHECK(with.status == 0);
            // Damage is found, or falls in bytes no probe of this query read.
            if (!with.err.empty()) {
                CHECK(with.err.find("ix-") != std::string::npos);
                CHECK(std::count(with.err.begin(), with.err.end(), '\n') == 1);
            }
        }
    }
    put_file_bytes(index, good);
    flip_byte(index, 0);
    CHECK(run_tool(FLOW_SELECT_BIN, "--ip 10.0.3.7" + archive).err.find("damaged") !=
          std::string::npos);

    // Truncated.
    auto cut = good;
    cut.resize(good.size() / 2);
    put_file_bytes(index, cut);
    std::filesystem::last_write_time(index, when);
    for (const std::string tool : tools) {
        const ToolRun with = same_with_and_without_index(tool, "--ip 10.0.3.0/24" + archive);
        CHECK(with.err.find(index.filename().string()) != std::string::npos);
    }
}

TEST_CASE("a stale index (data file changed or newer) is named and the file scanned") {
    TempDir dir;
    const IndexedArchive a = write_archive(dir / "flows");
    const std::string archive = " -w " + shell_arg(dir / "flows");

    // The data file written again with other flows: another size.
    const auto& changed = a.v5_files[1];
    const auto index = flowfile::index_path_of(changed);
    const auto kept = file_bytes(index);
    const auto when = std::filesystem::last_write_time(index);
    Lcg g{99};
    write_indexed_file(changed, capture_header(5, day + 10 * 3600 + 1800),
                       quarter_flows(day + 10 * 3600 + 1800, 1, g), false);
    put_file_bytes(index, kept);
    std::filesystem::last_write_time(index, when + std::chrono::hours(1));
    for (const std::string tool : tools) {
        const ToolRun with = same_with_and_without_index(tool, "--ip 10.0.3.7" + archive);
        INFO(with.err);
        CHECK(with.err.find("stale") != std::string::npos);
        CHECK(std::count(with.err.begin(), with.err.end(), '\n') == 1);
    }

    // An index older than its file.
    const auto& touched = a.v5_files[2];
    std::filesystem::last_write_time(
        flowfile::index_path_of(touched),
        std::filesystem::last_write_time(touched) - std::chrono::hours(2));
    for (const std::string tool : tools) {
        const ToolRun with = same_with_and_without_index(tool, "--port 22" + archive);
        INFO(with.err);
        CHECK(std::count(with.err.begin(), with.err.end(), '\n') == 2);
    }
}

TEST_CASE("files without an index are scanned and counted in one line, tmp- files are not") {
    TempDir dir;
    const IndexedArchive a = write_archive(dir / "flows");
    std::filesystem::remove(flowfile::index_path_of(a.v5_files[0]));
    std::filesystem::remove(flowfile::index_path_of(a.v5_files[3]));
    // The capture's file in progress at 11:00-11:15: no index, still read.
    const std::int64_t open_at = day + 11 * 3600 + 900;
    auto writer = flowfile::Writer::create(file_path(dir / "flows", open_at, 5, true),
                                           capture_header(5, open_at));
    Lcg g{5};
    const auto open_flows = quarter_flows(open_at, 1, g);
    writer->write(open_flows);
    writer->flush();

    const std::string archive = " -w " + shell_arg(dir / "flows");
    for (const std::string tool : tools) {
        const ToolRun with = same_with_and_without_index(tool, "--ip 10.0.3.7" + archive);
        CHECK(with.status == 0);
        CHECK(with.err ==
              std::string(std::filesystem::path(tool).filename().string()) +
                  ": 2 files have no index and were scanned (flow-index builds them)\n");
        // Nothing to narrow: no word about indexes.
        const ToolRun all = same_with_and_without_index(tool, "--exporter 127.0.0.2" + archive);
        CHECK(all.err.empty());
    }
    // The tmp- file's flows are there.
    const ToolRun select =
        run_tool(FLOW_SELECT_BIN, "--ip 10.0.3.7 --from '2026-12-03 11:00Z'" + archive);
    CHECK(std::count(select.out.begin(), select.out.end(), '\n') >= 3);
}

TEST_CASE("the index gives the same answer across the spring DST change in Europe/Berlin") {
    // Files named in local time over 2026-03-29, when 02:00 CET became
    // 03:00 CEST; the window is given in local time too.
    const char* old_tz = std::getenv("TZ");
    const std::string saved = old_tz ? old_tz : "";
    ::setenv("TZ", "Europe/Berlin", 1);
    ::tzset();
    TempDir dir;
    constexpr std::int64_t change = 1774746000;  // 2026-03-29T01:00:00Z
    Lcg g{3};
    std::vector<std::filesystem::path> files;
    for (int q = -3; q <= 4; ++q) {
        const std::int64_t created = change + q * 900;
        const auto path = file_path(dir / "flows", created, 5);
        write_indexed_file(path, capture_header(5, created),
                           quarter_flows(created, static_cast<unsigned>(q + 3) % 3, g));
        files.push_back(path);
    }
    ::setenv("TZ", saved.c_str(), 1);
    if (!old_tz) ::unsetenv("TZ");
    ::tzset();
    // Names on both sides of the change: +0100 and +0200.
    CHECK(files.front().filename().string().find("+0100") != std::string::npos);
    CHECK(files.back().filename().string().find("+0200") != std::string::npos);

    const std::string archive = " -w " + shell_arg(dir / "flows");
    for (const std::string tool : tools) {
        for (const std::string q :
             {"--from '2026-03-29 01:40' --to '2026-03-29 03:10'", "--ip 10.0.3.7",
              "--from '2026-03-29 01:55' --to '2026-03-29 03:05' --ip 10.0.3.0/24",
              "--from '2026-03-29 03:00' --to '2026-03-29 03:20' --proto udp"}) {
            const ToolRun with =
                same_with_and_without_index(tool, q + archive, "TZ=Europe/Berlin ");
            CHECK(with.status == 0);
            CHECK(with.err.empty());
        }
    }
}

TEST_CASE("every test archive with flow files answers the same with a fresh index") {
    // Each flow file of tests/data copied into its own directory and indexed
    // there (those that read cleanly: a damaged or unfinished file keeps
    // none), then queried through its directory with criteria taken from
    // its own flows.
    // Many test archives hold copies of the same file: each content is
    // queried once, which keeps this test within a CI run's time.
    TempDir dir;
    std::size_t indexed = 0, copied = 0, skipped = 0;
    std::set<std::string> contents;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(FLOWKEEP_TEST_DATA)) {
        if (!entry.is_regular_file()) continue;
        const std::string name = entry.path().filename().string();
        if (!flowfile::parse_file_name(name)) continue;
        {
            std::ifstream in(entry.path(), std::ios::binary);
            std::ostringstream bytes;
            bytes << in.rdbuf();
            if (!contents.insert(bytes.str()).second) continue;
        }
        const auto copy = dir / std::to_string(copied++) / name;
        std::filesystem::create_directories(copy.parent_path());
        std::filesystem::copy_file(entry.path(), copy);
        if (index_existing_file(copy)) ++indexed;
    }
    INFO(copied << " files, " << indexed << " indexed");
    REQUIRE(indexed >= 10);
    for (std::size_t i = 0; i < copied; ++i) {
        const auto sub = dir / std::to_string(i);
        const std::string input = std::string(1, ' ').append(shell_arg(sub));
        // An address, a port and a protocol of the file's own flows.
        const ToolRun csv = run_shell(std::string(FLOW_EXPORT_CSV_BIN) + " --no-index" + input +
                                      " --fields src_ip,dst_port,protocol | sed -n 2p");
        std::string address, port, protocol;
        {
            std::istringstream line(csv.out);
            std::getline(line, address, ',');
            std::getline(line, port, ',');
            std::getline(line, protocol);
        }
        std::vector<std::string> qs = {"--ip 10.0.0.0/8", "--port 80", "--proto udp",
                                       "--from 2009-10-15T15:40Z --to 2009-10-15T15:45Z"};
        if (!address.empty()) {
            qs.push_back("--ip " + address);
            if (!port.empty()) qs.push_back("--dst-port " + port + " --src-ip " + address);
        }
        if (!protocol.empty() && protocol.find_first_not_of("0123456789") == std::string::npos)
            qs.push_back("--proto " + protocol);
        for (const std::string tool : tools)
            for (const auto& q : qs) same_with_and_without_index(tool, q + input);
        // An address no test file holds: the index rules out the file.
        const ToolRun absent =
            run_tool(FLOW_SELECT_BIN, "--index-stats --ip 203.0.113.254,2001:db8:dead::1" + input);
        if (absent.err.find("1 file indexed (1 not opened)") != std::string::npos) ++skipped;
    }
    INFO(skipped << " of " << indexed << " indexed files not opened for an absent address");
    CHECK(skipped + 2 >= indexed);
}
