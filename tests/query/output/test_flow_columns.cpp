// The --fields columns: which names the operator may give, what the headers
// say, and the text of each value in flow-select and flow-export-csv.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "clients/client_map.hpp"
#include "filter/service_names.hpp"
#include "output/flow_columns.hpp"
#include "support/time_zone.hpp"
#include "tools/usage_error.hpp"

using namespace flowquery;
using flowfile::Record;

namespace {

constexpr std::uint32_t ip(unsigned a, unsigned b, unsigned c, unsigned d) {
    return (a << 24) | (b << 16) | (c << 8) | d;
}

// 2026-03-14T19:00:05Z in ms.
constexpr std::int64_t base_ms = 1773514805000;

// A flow from `start_ms` to `end_ms`, exported by a router up for ten days
// two seconds after it ended.
Record flow(std::int64_t start_ms, std::int64_t end_ms) {
    Record r;
    const std::int64_t export_ms = end_ms + 2000;
    r.unix_secs = static_cast<std::uint32_t>(export_ms / 1000);
    r.unix_nsecs = static_cast<std::uint32_t>(export_ms % 1000) * 1000000u;
    r.sysuptime = 864000000u;
    r.first = static_cast<std::uint32_t>(r.sysuptime - (export_ms - start_ms));
    r.last = static_cast<std::uint32_t>(r.sysuptime - (export_ms - end_ms));
    r.srcaddr = ip(10, 0, 3, 7);
    r.dstaddr = ip(192, 0, 2, 200);
    r.nexthop = ip(10, 255, 0, 1);
    r.exaddr = ip(127, 0, 0, 2);
    r.prot = 6;
    r.srcport = 40000;
    r.dstport = 443;
    r.dpkts = 12;
    r.doctets = 4294967295u;
    r.tcp_flags = 0x1b;
    r.tos = 184;
    r.input = 3;
    r.output = 65535;
    r.src_as = 64512;
    r.dst_as = 15169;
    r.src_mask = 24;
    r.dst_mask = 0;
    r.engine_type = 1;
    r.engine_id = 255;
    return r;
}

Record example() {
    return flow(base_ms + 123, base_ms + 1623);
}

// The text of each column for one flow.
std::vector<std::string> render(const std::vector<FlowColumn>& columns, const Record& r,
                                RenderContext context = {.zone = TimeZoneStyle::utc}) {
    FlowRenderer renderer(columns, context);
    std::vector<std::string> out;
    std::size_t next = 0;
    renderer.render(r, [&](FlowColumn c, std::string_view value) {
        // Values come in the order the columns were asked for.
        CHECK(next < columns.size());
        if (next < columns.size()) CHECK(c == columns[next]);
        ++next;
        out.emplace_back(value);
    });
    return out;
}

std::string render_one(FlowColumn column, const Record& r,
                       RenderContext context = {.zone = TimeZoneStyle::utc}) {
    const auto values = render({column}, r, context);
    REQUIRE(values.size() == 1);
    return values[0];
}

const ServiceNames& names() {
    static const ServiceNames fixture =
        ServiceNames::load(std::filesystem::path(FLOWKEEP_TEST_DATA) / "query" / "services",
                           std::filesystem::path(FLOWKEEP_TEST_DATA) / "query" / "protocols");
    return fixture;
}

const std::vector<std::pair<FlowColumn, std::string_view>> every_column = {
    {FlowColumn::start, "start"},
    {FlowColumn::end, "end"},
    {FlowColumn::duration, "duration"},
    {FlowColumn::protocol, "protocol"},
    {FlowColumn::src_ip, "src_ip"},
    {FlowColumn::src_port, "src_port"},
    {FlowColumn::dst_ip, "dst_ip"},
    {FlowColumn::dst_port, "dst_port"},
    {FlowColumn::packets, "packets"},
    {FlowColumn::bytes, "bytes"},
    {FlowColumn::tcp_flags, "tcp_flags"},
    {FlowColumn::tos, "tos"},
    {FlowColumn::exporter, "exporter"},
    {FlowColumn::input, "input"},
    {FlowColumn::output, "output"},
    {FlowColumn::nexthop, "nexthop"},
    {FlowColumn::src_as, "src_as"},
    {FlowColumn::dst_as, "dst_as"},
    {FlowColumn::src_mask, "src_mask"},
    {FlowColumn::dst_mask, "dst_mask"},
    {FlowColumn::engine_type, "engine_type"},
    {FlowColumn::engine_id, "engine_id"},
    {FlowColumn::event, "event"},
    {FlowColumn::account, "account"},
    {FlowColumn::device, "device"},
    {FlowColumn::connection, "connection"},
};

}  // namespace

TEST_CASE("each column has its own --fields name, and the name comes back as that column") {
    std::set<std::string_view> seen;
    for (const auto& [column, name] : every_column) {
        CAPTURE(name);
        const ColumnInfo& info = column_info(column);
        CHECK(info.column == column);
        CHECK(info.name == name);
        CHECK_FALSE(info.title.empty());
        CHECK(info.width > 0);
        CHECK(seen.insert(info.name).second);
        CHECK(parse_columns(name, "--fields") == std::vector<FlowColumn>{column});
    }
}

TEST_CASE("column_names lists every name once, comma-separated, in the columns' order") {
    std::string expected;
    for (const auto& [column, name] : every_column) {
        if (!expected.empty()) expected += ',';
        expected += name;
    }
    CHECK(column_names() == expected);
    std::vector<FlowColumn> all;
    for (const auto& entry : every_column) all.push_back(entry.first);
    CHECK(parse_columns(column_names(), "--fields") == all);
}

TEST_CASE("the table headers and which columns are right-aligned") {
    CHECK(column_info(FlowColumn::start).title == "Start");
    CHECK(column_info(FlowColumn::src_ip).title == "Src IP");
    CHECK(column_info(FlowColumn::dst_port).title == "Dst Port");
    CHECK(column_info(FlowColumn::tcp_flags).title == "Flags");
    CHECK(column_info(FlowColumn::nexthop).title == "Next Hop");
    // An address or a time fits its column.
    CHECK(column_info(FlowColumn::src_ip).width >= 15);
    CHECK(column_info(FlowColumn::start).width >= 29);
    for (FlowColumn c : {FlowColumn::bytes, FlowColumn::packets, FlowColumn::src_port,
                         FlowColumn::dst_port, FlowColumn::duration, FlowColumn::src_as})
        CHECK(column_info(c).numeric);
    for (FlowColumn c : {FlowColumn::start, FlowColumn::src_ip, FlowColumn::protocol,
                         FlowColumn::tcp_flags, FlowColumn::event, FlowColumn::account})
        CHECK_FALSE(column_info(c).numeric);
}

TEST_CASE("a --fields list keeps its order") {
    CHECK(parse_columns("start,src_ip,bytes", "--fields") ==
          std::vector<FlowColumn>{FlowColumn::start, FlowColumn::src_ip, FlowColumn::bytes});
    CHECK(parse_columns("bytes,start", "--fields") ==
          std::vector<FlowColumn>{FlowColumn::bytes, FlowColumn::start});
}

TEST_CASE("an unknown field is a usage error naming the option, the word and the names") {
    const auto message_for = [](std::string_view list) -> std::string {
        try {
            parse_columns(list, "--fields");
        } catch (const UsageError& e) {
            return e.what();
        }
        return "no error";
    };
    const std::string accepted = "(fields: " + column_names() + ")";
    CHECK(message_for("start,srcip,bytes") == "--fields: unknown field 'srcip' " + accepted);
    CHECK(message_for("SRC_IP") == "--fields: unknown field 'SRC_IP' " + accepted);
    // An empty word is not silently dropped.
    CHECK(message_for("start,,bytes") == "--fields: unknown field '' " + accepted);
    CHECK(message_for("start,") == "--fields: unknown field '' " + accepted);
    CHECK(message_for("") == "--fields: unknown field '' " + accepted);
}

TEST_CASE("only the account, device and connection columns need the clients file") {
    CHECK_FALSE(needs_clients({FlowColumn::start, FlowColumn::src_ip, FlowColumn::event}));
    CHECK(needs_clients({FlowColumn::bytes, FlowColumn::account}));
    CHECK(needs_clients({FlowColumn::device}));
    CHECK(needs_clients({FlowColumn::connection}));
    CHECK_FALSE(needs_clients({}));
}

TEST_CASE("numbers, addresses and flags of a TCP flow") {
    const Record r = example();
    const std::vector<FlowColumn> columns = {
        FlowColumn::protocol, FlowColumn::src_ip,   FlowColumn::src_port,    FlowColumn::dst_ip,
        FlowColumn::dst_port, FlowColumn::packets,  FlowColumn::bytes,       FlowColumn::tcp_flags,
        FlowColumn::tos,      FlowColumn::exporter, FlowColumn::input,       FlowColumn::output,
        FlowColumn::nexthop,  FlowColumn::src_as,   FlowColumn::dst_as,      FlowColumn::src_mask,
        FlowColumn::dst_mask, FlowColumn::event,    FlowColumn::engine_type, FlowColumn::engine_id,
    };
    CHECK(render(columns, r) == std::vector<std::string>{
                                    "6",  "10.0.3.7",   "40000",      "192.0.2.200", "443",
                                    "12", "4294967295", ".AP.SF",     "184",         "127.0.0.2",
                                    "3",  "65535",      "10.255.0.1", "64512",       "15169",
                                    "24", "0",          "successful", "1",           "255",
                                });
}

TEST_CASE("addresses at the ends of the range") {
    Record r = example();
    r.srcaddr = 0;
    r.dstaddr = 0xffffffffu;
    CHECK(render({FlowColumn::src_ip, FlowColumn::dst_ip}, r) ==
          std::vector<std::string>{"0.0.0.0", "255.255.255.255"});
}

TEST_CASE("ICMP: type/code instead of a destination port, no source port, no flags") {
    Record r = example();
    r.prot = 1;
    r.srcport = 0;
    r.dstport = 8 * 256 + 0;
    r.tcp_flags = 0x12;  // left over in the record: not TCP, not shown
    CHECK(render({FlowColumn::src_port, FlowColumn::dst_port, FlowColumn::tcp_flags}, r) ==
          std::vector<std::string>{"", "8/0", ""});
    r.dstport = 3 * 256 + 13;
    CHECK(render_one(FlowColumn::dst_port, r) == "3/13");
    // A source port an exporter put there anyway is still shown.
    r.srcport = 53;
    CHECK(render_one(FlowColumn::src_port, r) == "53");
    CHECK(render_one(FlowColumn::event, r) == "n/a");
}

TEST_CASE("UDP ports are numbers, and flags are not shown") {
    Record r = example();
    r.prot = 17;
    r.srcport = 0;
    r.dstport = 53;
    CHECK(render({FlowColumn::src_port, FlowColumn::dst_port, FlowColumn::tcp_flags}, r) ==
          std::vector<std::string>{"0", "53", ""});
}

TEST_CASE("with --descriptions, protocols and well-known ports by name, other numbers as numbers") {
    const RenderContext named{.zone = TimeZoneStyle::utc, .names = &names()};
    Record r = example();
    CHECK(render({FlowColumn::protocol, FlowColumn::src_port, FlowColumn::dst_port}, r, named) ==
          std::vector<std::string>{"tcp", "40000", "https"});
    r.prot = 17;
    r.dstport = 53;
    CHECK(render({FlowColumn::protocol, FlowColumn::dst_port}, r, named) ==
          std::vector<std::string>{"udp", "domain"});
    // ICMP stays type/code, an ICMP "source port" is no service.
    r.prot = 1;
    r.srcport = 53;
    r.dstport = 2048;
    CHECK(render({FlowColumn::protocol, FlowColumn::src_port, FlowColumn::dst_port}, r, named) ==
          std::vector<std::string>{"icmp", "53", "8/0"});
    // A protocol without a name, and ports of a protocol that has none.
    r.prot = 50;
    r.dstport = 443;
    CHECK(render({FlowColumn::protocol, FlowColumn::dst_port}, r, named) ==
          std::vector<std::string>{"50", "443"});
}

TEST_CASE("TCP flags: one position per flag, UAPRSF") {
    CHECK(tcp_flags_text(0) == "......");
    CHECK(tcp_flags_text(0x12) == ".A..S.");
    CHECK(tcp_flags_text(0x3f) == "UAPRSF");
    CHECK(tcp_flags_text(0x01) == ".....F");
    CHECK(tcp_flags_text(0x20) == "U.....");
    // ECE and CWR have no position.
    CHECK(tcp_flags_text(0xc2) == "....S.");
}

TEST_CASE("start and end with milliseconds, duration in seconds") {
    const Record r = example();
    CHECK(
        render({FlowColumn::start, FlowColumn::end, FlowColumn::duration}, r) ==
        std::vector<std::string>{"2026-03-14T19:00:05.123Z", "2026-03-14T19:00:06.623Z", "1.500"});
    // Whole seconds still show their milliseconds, so columns line up.
    const Record whole = flow(base_ms, base_ms + 61000);
    CHECK(
        render({FlowColumn::start, FlowColumn::end, FlowColumn::duration}, whole) ==
        std::vector<std::string>{"2026-03-14T19:00:05.000Z", "2026-03-14T19:01:06.000Z", "61.000"});
    const Record instant = flow(base_ms + 7, base_ms + 7);
    CHECK(render_one(FlowColumn::duration, instant) == "0.000");
}

TEST_CASE("a Last before First (uptime wrap) gives the original tools' unsigned duration") {
    Record r = example();
    r.first = 0xffffff00u;
    r.last = 0x100u;
    CHECK(render_one(FlowColumn::duration, r) == "0.512");
}

TEST_CASE("local times carry the zone's offset") {
    const flowkeep_test::ScopedTimeZone zone("CET-1CEST,M3.5.0,M10.5.0/3");
    const Record r = example();
    const RenderContext local{.zone = TimeZoneStyle::local};
    CHECK(
        render({FlowColumn::start, FlowColumn::end}, r, local) ==
        std::vector<std::string>{"2026-03-14T20:00:05.123+01:00", "2026-03-14T20:00:06.623+01:00"});
}

TEST_CASE("with --clients, account and device of the flow's client side, empty when unknown") {
    const ClientMap clients = ClientMap::parse(
        "prefix,account,device,valid_from,valid_until\n"
        "10.0.3.7,acct-1001,cpe-7a21,,\n"
        "198.51.100.0/24,acct-2001,,,\n",
        "clients.csv");
    const RenderContext with_clients{.zone = TimeZoneStyle::utc, .clients = &clients};
    const std::vector<FlowColumn> columns = {FlowColumn::account, FlowColumn::device,
                                             FlowColumn::src_ip};

    Record r = example();
    CHECK(render(columns, r, with_clients) ==
          std::vector<std::string>{"acct-1001", "cpe-7a21", "10.0.3.7"});
    // The client is the destination of a flow towards it.
    std::swap(r.srcaddr, r.dstaddr);
    CHECK(render(columns, r, with_clients) ==
          std::vector<std::string>{"acct-1001", "cpe-7a21", "192.0.2.200"});
    // Known without a device.
    r.srcaddr = ip(198, 51, 100, 9);
    r.dstaddr = ip(192, 0, 2, 1);
    CHECK(render(columns, r, with_clients) ==
          std::vector<std::string>{"acct-2001", "", "198.51.100.9"});
    // Nobody's address.
    r.srcaddr = ip(203, 0, 113, 1);
    CHECK(render(columns, r, with_clients) == std::vector<std::string>{"", "", "203.0.113.1"});
    // Without --clients the columns are empty.
    CHECK(render(columns, example()) == std::vector<std::string>{"", "", "10.0.3.7"});
}

TEST_CASE("with --clients, the connection type of the flow's client side") {
    const ClientMap clients = ClientMap::parse(
        "prefix,account,device,valid_from,valid_until,connection\n"
        "10.0.3.7,acct-1001,cpe-7a21,,,FTTH\n"
        "198.51.100.0/24,acct-2001,,,\n",
        "clients.csv");
    const RenderContext with_clients{.zone = TimeZoneStyle::utc, .clients = &clients};
    const std::vector<FlowColumn> columns = {FlowColumn::account, FlowColumn::connection};
    Record r = example();
    CHECK(render(columns, r, with_clients) == std::vector<std::string>{"acct-1001", "FTTH"});
    // A five-column line gives no connection type.
    r.srcaddr = ip(198, 51, 100, 9);
    CHECK(render(columns, r, with_clients) == std::vector<std::string>{"acct-2001", ""});
    CHECK(column_info(FlowColumn::connection).title == "Connection");
    CHECK(render(columns, example()) == std::vector<std::string>{"", ""});
}
