// The decoder against nfdump 1.7.1, the reference decoder of NetFlow v9 and
// IPFIX, on what real exporters sent (tests/data/v9_ipfix/: pmacctd's nfprobe
// and softflowd metering one pcap).  Each stream's datagrams go through one
// decoder in arrival order; every flow nfdump stored must come out with the
// same fields and times to the millisecond: an IPv4 flow as a flow-tools
// record, an IPv6 flow as a record of the IPv6 series.  Where nfdump 1.7.1 is
// known to print
// something else than what the datagram carries (README.md there lists it),
// the test says so and takes the value from another independent source.

#include <catch2/catch.hpp>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "capture/decoder_harness.hpp"
#include "capture/export_f2_row.hpp"
#include "flowfile/ipv4_text.hpp"
#include "flowfile/ipv6_text.hpp"
#include "flowfile/record6.hpp"
#include "support/files.hpp"
#include "support/nfdump_text.hpp"

namespace fs = std::filesystem;
using flowkeep_test::ip;

namespace {

const fs::path data_dir = fs::path(FLOWKEEP_TEST_DATA) / "v9_ipfix";

// One row of nfdump.csv, by column name.
using Row = std::map<std::string, std::string>;

std::vector<Row> read_golden(const fs::path& p) {
    std::ifstream in(p);
    std::string line;
    REQUIRE(std::getline(in, line));
    const auto columns = flowkeep_test::split_csv(line);
    std::vector<Row> rows;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        const auto values = flowkeep_test::split_csv(line);
        REQUIRE(values.size() == columns.size());
        Row r;
        for (std::size_t i = 0; i < columns.size(); ++i) r[columns[i]] = values[i];
        rows.push_back(std::move(r));
    }
    return rows;
}

std::vector<std::vector<std::uint8_t>> datagrams_of(const fs::path& dir) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".bin") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<std::vector<std::uint8_t>> out;
    for (const auto& f : files) out.push_back(flowkeep_test::slurp(f));
    return out;
}

struct Stream {
    std::string folder;
    // nfdump 1.7.1 drops the ICMP type and code of pmacct's v9 records
    // (prints 0.0; they travel in destinationTransportPort), but not of its
    // IPFIX records: those are the same flows.
    std::string icmp_from;
    // The same for ICMPv6, which softflowd's v9 records carry in 139
    // (icmpTypeCodeIPv6): nfdump drops that too, though not 32 for ICMP.
    std::string icmpv6_from;
    // Sequence problems nfcapd counted: softflowd numbers IPFIX messages by
    // the records sent *after* them, so its second message looks like a
    // step back (a sequencer reset in flow-tools' terms).
    std::uint32_t sequence_errors = 0;
};

// softflowd-v9-uptime gives times relative to sysUpTime; nfdump places them
// as flow-tools does (export seconds * 1000 - uptime + First), so they
// compare to the millisecond like the absolute ones.
const std::vector<Stream> streams = {
    {"v9", "ipfix", "ipfix"},
    {"ipfix", "", ""},
    {"softflowd-v9", "", "softflowd-ipfix"},
    {"softflowd-v9-uptime", "", "softflowd-ipfix"},
    {"softflowd-ipfix", "", "", 1},
};

bool is_ipv6(const Row& r) {
    return r.at("src_addr").find(':') != std::string::npos;
}

// An address nfdump printed, as the 16 bytes it names.
flowfile::Ipv6Address ipv6_of(const std::string& text) {
    const auto prefix = flowfile::parse_ipv6_prefix(text);
    REQUIRE(prefix);
    REQUIRE(prefix->length == 128);
    return prefix->address;
}

using FlowKey = std::tuple<std::string, std::string, std::string, std::string>;
FlowKey key_of(const Row& r) {
    return {r.at("src_addr"), r.at("dst_addr"), r.at("src_port"), r.at("proto")};
}

}  // namespace

TEST_CASE("v9 and IPFIX from pmacct and softflowd decode as nfdump decodes them",
          "[decoder][v9][ipfix][golden]") {
    for (const Stream& s : streams) {
        DYNAMIC_SECTION(s.folder) {
            const auto golden = read_golden(data_dir / s.folder / "nfdump.csv");
            const auto datagrams = datagrams_of(data_dir / s.folder);
            REQUIRE(!datagrams.empty());
            std::map<FlowKey, std::string> icmp_ports;
            if (!s.icmp_from.empty())
                for (const Row& r : read_golden(data_dir / s.icmp_from / "nfdump.csv"))
                    if (r.at("proto") == "1") icmp_ports[key_of(r)] = r.at("dst_port");
            if (!s.icmpv6_from.empty())
                for (const Row& r : read_golden(data_dir / s.icmpv6_from / "nfdump.csv"))
                    if (r.at("proto") == "58") icmp_ports[key_of(r)] = r.at("dst_port");

            capture::DecoderSettings settings;
            settings.stored_version = 5;
            flowkeep_test::DecoderHarness h(settings);
            const std::uint32_t exporter = ip(127, 0, 0, 1);
            for (const auto& d : datagrams) {
                const capture::DecodeResult r = h.feed(d, exporter, 1773518405);
                REQUIRE(r.accepted());
            }
            CHECK(h.counters.corrupt_packets == 0);
            CHECK(h.counters.lost_flows == 0);
            CHECK(h.counters.seq_resets == s.sequence_errors);

            std::vector<Row> ipv4, ipv6;
            for (const Row& r : golden) (is_ipv6(r) ? ipv6 : ipv4).push_back(r);
            REQUIRE(!ipv6.empty());
            const capture::TemplateStats& t = h.decoder.stats().template_pdus;
            CHECK(t.fit.ipv6_flows == ipv6.size());
            CHECK(t.fit.unplaceable_time == 0);
            CHECK(t.fit.oversized == 0);
            CHECK(t.fit.no_address == 0);
            CHECK(t.no_template_sets == 0);
            CHECK(t.malformed_sets == 0);
            CHECK(t.malformed_templates == 0);
            CHECK(h.decoder.stats().flows == golden.size());
            REQUIRE(h.records.size() == ipv4.size());
            REQUIRE(h.records6.size() == ipv6.size());

            for (std::size_t i = 0; i < ipv4.size(); ++i) {
                const Row& g = ipv4[i];
                const flowfile::Record& r = h.records[i];
                INFO("row " << i + 1 << ": " << g.at("src_addr") << " -> " << g.at("dst_addr"));
                const flowfile::FlowTimes times = flowfile::flow_times(r);
                CHECK(times.start_ms == flowkeep_test::nfdump_utc_ms(g.at("first")));
                CHECK(times.end_ms == flowkeep_test::nfdump_utc_ms(g.at("last")));
                CHECK(std::to_string(r.prot) == g.at("proto"));
                CHECK(flowfile::ipv4_text(r.srcaddr) == g.at("src_addr"));
                CHECK(flowfile::ipv4_text(r.dstaddr) == g.at("dst_addr"));
                CHECK(r.srcport == flowkeep_test::nfdump_port(g.at("src_port")));
                std::string dst_port = g.at("dst_port");
                if (g.at("proto") == "1" && !s.icmp_from.empty()) {
                    REQUIRE(icmp_ports.count(key_of(g)) == 1);
                    CHECK(dst_port == "0.0");  // nfdump's v9 loss, as README.md says
                    dst_port = icmp_ports.at(key_of(g));
                }
                CHECK(r.dstport == flowkeep_test::nfdump_port(dst_port));
                CHECK(r.tcp_flags == flowkeep_test::nfdump_tcp_flags(g.at("tcp_flags")));
                CHECK(std::to_string(r.tos) == g.at("tos"));
                CHECK(std::to_string(r.dpkts) == g.at("packets"));
                CHECK(std::to_string(r.doctets) == g.at("bytes"));
                CHECK(std::to_string(r.input) == g.at("in_if"));
                CHECK(std::to_string(r.output) == g.at("out_if"));
                CHECK(std::to_string(r.src_mask) == g.at("src_mask"));
                CHECK(std::to_string(r.dst_mask) == g.at("dst_mask"));
                CHECK(std::to_string(r.src_as) == g.at("src_as"));
                CHECK(std::to_string(r.dst_as) == g.at("dst_as"));
                CHECK(flowfile::ipv4_text(r.nexthop) == g.at("next_hop"));
                CHECK(flowfile::ipv4_text(r.exaddr) == g.at("exporter"));
                CHECK(std::to_string(r.engine_type) + "/" + std::to_string(r.engine_id) ==
                      g.at("engine"));
            }

            for (std::size_t i = 0; i < ipv6.size(); ++i) {
                const Row& g = ipv6[i];
                const flowfile::Record6& r = h.records6[i];
                INFO("IPv6 row " << i + 1 << ": " << g.at("src_addr") << " -> "
                                 << g.at("dst_addr"));
                CHECK(r.start_ms == flowkeep_test::nfdump_utc_ms(g.at("first")));
                CHECK(r.end_ms == flowkeep_test::nfdump_utc_ms(g.at("last")));
                CHECK(std::to_string(r.prot) == g.at("proto"));
                CHECK(r.srcaddr == ipv6_of(g.at("src_addr")));
                CHECK(r.dstaddr == ipv6_of(g.at("dst_addr")));
                // nfdump prints them as RFC 5952 asks, as we do.
                CHECK(flowfile::ipv6_text(r.srcaddr) == g.at("src_addr"));
                CHECK(flowfile::ipv6_text(r.dstaddr) == g.at("dst_addr"));
                CHECK(r.srcport == flowkeep_test::nfdump_port(g.at("src_port")));
                std::string dst_port = g.at("dst_port");
                if (g.at("proto") == "58" && !s.icmpv6_from.empty()) {
                    REQUIRE(icmp_ports.count(key_of(g)) == 1);
                    CHECK(dst_port == "0.0");  // nfdump's v9 loss, as README.md says
                    dst_port = icmp_ports.at(key_of(g));
                }
                CHECK(r.dstport == flowkeep_test::nfdump_port(dst_port));
                CHECK(r.tcp_flags == flowkeep_test::nfdump_tcp_flags(g.at("tcp_flags")));
                CHECK(std::to_string(r.traffic_class) == g.at("tos"));
                CHECK(std::to_string(r.dpkts) == g.at("packets"));
                CHECK(std::to_string(r.doctets) == g.at("bytes"));
                CHECK(std::to_string(r.input) == g.at("in_if"));
                CHECK(std::to_string(r.output) == g.at("out_if"));
                CHECK(std::to_string(r.src_mask) == g.at("src_mask"));
                CHECK(std::to_string(r.dst_mask) == g.at("dst_mask"));
                CHECK(std::to_string(r.src_as) == g.at("src_as"));
                CHECK(std::to_string(r.dst_as) == g.at("dst_as"));
                // Neither exporter sends an IPv6 next hop (pmacct's 63 is
                // the BGP one).
                CHECK(g.at("next_hop") == "0.0.0.0");
                CHECK(r.nexthop == flowfile::Ipv6Address{});
                // An IPv4 exporter, IPv4-mapped.
                REQUIRE(flowfile::is_ipv4_mapped(r.exaddr));
                CHECK(flowfile::ipv4_text(flowfile::mapped_ipv4(r.exaddr)) == g.at("exporter"));
                CHECK(std::to_string(r.engine_type) + "/" + std::to_string(r.engine_id) ==
                      g.at("engine"));
            }
        }
    }
}
