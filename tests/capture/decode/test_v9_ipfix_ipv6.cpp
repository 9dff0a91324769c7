// IPv6 flows of NetFlow v9 and IPFIX datagrams (template_pdu_builder.hpp)
// through the whole Decoder into the records of the IPv6 series, and IPv6
// exporters kept apart: what is stored, what is counted, what is logged.
// Expected values are the ones written into the datagram, or what the same
// flow as IPv4 reads back as from its flow-tools record.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "capture/decoder_harness.hpp"
#include "capture/template_pdu_builder.hpp"
#include "decode/stored_fit.hpp"
#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"

using flowfile::Ipv6Address;
using flowfile::Record6;
using flowkeep_test::DecoderHarness;
using flowkeep_test::FieldSpec;
using flowkeep_test::ip;
using flowkeep_test::TemplatePduBuilder;

namespace {

constexpr std::uint32_t export_secs = 1700000000;
constexpr std::int64_t export_ms = std::int64_t{export_secs} * 1000;
constexpr std::uint32_t router = ip(192, 0, 2, 1);
constexpr std::uint16_t router_port = 4739;
constexpr std::uint32_t v9_uptime = 360000000;  // 100 hours
constexpr std::uint32_t v9_source_id = 0x0102;  // engine type 1, engine ID 2

Ipv6Address v6(std::uint16_t a, std::uint16_t b, std::uint16_t c, std::uint16_t last) {
    Ipv6Address x{};
    const std::uint16_t groups[4] = {a, b, c, 0};
    for (int i = 0; i < 4; ++i) {
        x[2 * i] = static_cast<std::uint8_t>(groups[i] >> 8);
        x[2 * i + 1] = static_cast<std::uint8_t>(groups[i]);
    }
    x[14] = static_cast<std::uint8_t>(last >> 8);
    x[15] = static_cast<std::uint8_t>(last);
    return x;
}

std::vector<std::uint8_t> bytes_of(const Ipv6Address& a) {
    return {a.begin(), a.end()};
}

const Ipv6Address client = v6(0x2001, 0xdb8, 0x1, 0x25);   // 2001:db8:1::25
const Ipv6Address server = v6(0x2001, 0xdb8, 0xff, 0x80);  // 2001:db8:ff::80
const Ipv6Address gateway = v6(0xfe80, 0, 0, 1);           // fe80::1

// An exporter reaching us over IPv6.
const Ipv6Address exporter_a = v6(0x2001, 0xdb8, 0xe, 0x1);  // 2001:db8:e::1
const Ipv6Address exporter_b = v6(0x2001, 0xdb8, 0xe, 0x2);

capture::DecodeResult feed(DecoderHarness& h, const std::vector<std::uint8_t>& bytes,
                           std::uint32_t source = router, const Ipv6Address& source6 = {},
                           std::uint16_t port = router_port) {
    capture::Datagram d;
    d.bytes = bytes;
    d.source_ip = source;
    d.source_ipv6 = source6;
    d.source_port = port;
    d.local_ip = h.local_ip;
    d.local_port = h.local_port;
    d.receive_time = export_secs;
    const capture::DecodeResult r = h.decoder.decode(d, h.records, h.records6);
    h.counters.add(r.counters);
    return r;
}

capture::DecodeResult feed6(DecoderHarness& h, const std::vector<std::uint8_t>& bytes,
                            const Ipv6Address& source6, std::uint16_t port = router_port) {
    return feed(h, bytes, 0, source6, port);
}

std::size_t lines_with(const std::vector<std::string>& lines, const std::string& part) {
    return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [&](const auto& l) {
        return l.find(part) != std::string::npos;
    }));
}

const capture::TemplateStats& stats(const DecoderHarness& h) {
    return h.decoder.stats().template_pdus;
}

// Every field an IPv6 record has, at the width each element allows most.
const std::vector<FieldSpec> v6_fields = {
    {27, 16},  // sourceIPv6Address
    {28, 16},  // destinationIPv6Address
    {62, 16},  // ipNextHopIPv6Address
    {29, 1},   // sourceIPv6PrefixLength
    {30, 1},   // destinationIPv6PrefixLength
    {31, 4},   // flowLabelIPv6
    {1, 8},    // octetDeltaCount
    {2, 8},    // packetDeltaCount
    {4, 1},    // protocolIdentifier
    {5, 1},    // ipClassOfService: the traffic class
    {6, 1},    // tcpControlBits
    {7, 2},    // sourceTransportPort
    {11, 2},   // destinationTransportPort
    {10, 4},   // ingressInterface
    {14, 4},   // egressInterface
    {16, 4},   // bgpSourceAsNumber
    {17, 4},   // bgpDestinationAsNumber
};

struct Flow6 {
    Ipv6Address src = client, dst = server, nexthop = gateway;
    std::uint8_t src_mask = 56, dst_mask = 48;
    std::uint32_t flow_label = 0xabcde;
    std::uint64_t octets = (std::uint64_t{1} << 40) + 7;  // 64-bit, no split
    std::uint64_t packets = (std::uint64_t{1} << 33) + 3;
    std::uint8_t prot = 6, traffic_class = 0xb8, tcp_flags = 0x1b;
    std::uint16_t srcport = 51234, dstport = 443;
    std::uint32_t input = 70000, output = 0x80000001;  // past 16 bits
    std::uint32_t src_as = 4200000000u, dst_as = 65536;
};

void write_fields(TemplatePduBuilder& b, const Flow6& f) {
    b.raw(bytes_of(f.src))
        .raw(bytes_of(f.dst))
        .raw(bytes_of(f.nexthop))
        .u8(f.src_mask)
        .u8(f.dst_mask)
        .u32(f.flow_label)
        .u64(f.octets)
        .u64(f.packets)
        .u8(f.prot)
        .u8(f.traffic_class)
        .u8(f.tcp_flags)
        .u16(f.srcport)
        .u16(f.dstport)
        .u32(f.input)
        .u32(f.output)
        .u32(f.src_as)
        .u32(f.dst_as);
}

void check_fields(const Record6& r, const Flow6& f, const Ipv6Address& exaddr,
                  std::uint32_t domain) {
    CHECK(r.srcaddr == f.src);
    CHECK(r.dstaddr == f.dst);
    CHECK(r.nexthop == f.nexthop);
    CHECK(r.exaddr == exaddr);
    CHECK(r.dpkts == f.packets);
    CHECK(r.doctets == f.octets);
    CHECK(r.input == f.input);
    CHECK(r.output == f.output);
    CHECK(r.src_as == f.src_as);
    CHECK(r.dst_as == f.dst_as);
    CHECK(r.flow_label == f.flow_label);
    CHECK(r.domain == domain);
    CHECK(r.srcport == f.srcport);
    CHECK(r.dstport == f.dstport);
    CHECK(r.prot == f.prot);
    CHECK(r.traffic_class == f.traffic_class);
    CHECK(r.tcp_flags == f.tcp_flags);
    CHECK(r.src_mask == f.src_mask);
    CHECK(r.dst_mask == f.dst_mask);
}

std::vector<FieldSpec> with(std::vector<FieldSpec> fields, const std::vector<FieldSpec>& more) {
    fields.insert(fields.end(), more.begin(), more.end());
    return fields;
}

// How one record gives its times: the fields after the flow's, and their
// bytes.
struct TimeForm {
    std::string what;
    bool v9 = false;
    std::vector<FieldSpec> fields;
    std::function<void(TemplatePduBuilder&)> write;
    std::int64_t start_ms, end_ms;  // what they mean
};

std::uint64_t ntp(std::int64_t unix_ms) {
    const std::uint64_t seconds = static_cast<std::uint64_t>(unix_ms / 1000) + 2208988800u;
    // A fraction a little above the millisecond, so that rounding down
    // lands on it.
    const std::uint64_t fraction = ((static_cast<std::uint64_t>(unix_ms % 1000) << 32) / 1000) + 1;
    return seconds << 32 | fraction;
}

std::vector<TimeForm> time_forms() {
    const std::int64_t start = export_ms - 61234, end = export_ms - 1567;
    const std::int64_t boot = export_ms - v9_uptime;
    return {
        {"v9 sysUpTime-relative (22/21)",
         true,
         {{22, 4}, {21, 4}},
         [](TemplatePduBuilder& b) { b.u32(v9_uptime - 10000).u32(v9_uptime - 2000); },
         boot + v9_uptime - 10000,
         boot + v9_uptime - 2000},
        {"IPFIX absolute milliseconds (152/153)",
         false,
         {{152, 8}, {153, 8}},
         [=](TemplatePduBuilder& b) {
             b.u64(static_cast<std::uint64_t>(start)).u64(static_cast<std::uint64_t>(end));
         },
         start,
         end},
        {"IPFIX absolute seconds (150/151)",
         false,
         {{150, 4}, {151, 4}},
         [](TemplatePduBuilder& b) { b.u32(export_secs - 60).u32(export_secs - 2); },
         export_ms - 60000,
         export_ms - 2000},
        {"IPFIX NTP microseconds (154/155)",
         false,
         {{154, 8}, {155, 8}},
         [=](TemplatePduBuilder& b) { b.u64(ntp(start)).u64(ntp(end)); },
         start,
         end},
        {"IPFIX delta microseconds (158/159)",
         false,
         {{158, 4}, {159, 4}},
         [](TemplatePduBuilder& b) { b.u32(2500000).u32(40000); },
         export_ms - 2500,
         export_ms - 40},
        {"IPFIX uptime with systemInitTimeMilliseconds (22/21/160)",
         false,
         {{160, 8}, {22, 4}, {21, 4}},
         [](TemplatePduBuilder& b) {
             b.u64(static_cast<std::uint64_t>(export_ms - 10000000)).u32(9000000).u32(9999000);
         },
         export_ms - 10000000 + 9000000,
         export_ms - 10000000 + 9999000},
        {"IPFIX start and duration (152/161)",
         false,
         {{152, 8}, {161, 4}},
         [=](TemplatePduBuilder& b) { b.u64(static_cast<std::uint64_t>(start)).u32(5000); },
         start,
         start + 5000},
        {"no time at all", false, {}, [](TemplatePduBuilder&) {}, export_ms, export_ms},
    };
}

TemplatePduBuilder pdu(bool v9, std::uint32_t sequence, std::uint32_t domain) {
    return v9 ? TemplatePduBuilder::v9(v9_uptime, export_secs, sequence, domain)
              : TemplatePduBuilder::ipfix(export_secs, sequence, domain);
}

// One IPv6 flow in a datagram with its template.
std::vector<std::uint8_t> v6_datagram(bool v9, const Flow6& f, std::uint32_t sequence = 0,
                                      std::uint32_t domain = 1,
                                      const std::vector<FieldSpec>& extra = {},
                                      const std::function<void(TemplatePduBuilder&)>& more = {}) {
    auto b = pdu(v9, sequence, domain);
    b.begin_set(b.template_set_id()).template_record(256, with(v6_fields, extra)).end_set();
    b.begin_set(256).record();
    write_fields(b, f);
    if (more) more(b);
    b.end_set();
    return b.bytes();
}

}  // namespace

TEST_CASE("IPv6: a v9 data record becomes an IPv6 record with every field", "[decoder][ipv6]") {
    DecoderHarness h;
    const Flow6 f;
    const std::vector<TimeForm> forms = time_forms();
    const TimeForm& form = forms[0];
    const auto r = feed(h, v6_datagram(true, f, 0, v9_source_id, form.fields, form.write));
    REQUIRE(r.accepted());
    CHECK(r.records == 0);
    CHECK(r.records6 == 1);
    CHECK(h.records.empty());
    REQUIRE(h.records6.size() == 1);
    const Record6& rec = h.records6[0];
    check_fields(rec, f, flowfile::ipv4_mapped(router), v9_source_id);
    CHECK(rec.start_ms == form.start_ms);
    CHECK(rec.end_ms == form.end_ms);
    // A v9 source ID gives the engine, as for the v5 records.
    CHECK(rec.engine_type == 1);
    CHECK(rec.engine_id == 2);
    CHECK(stats(h).fit.ipv6_flows == 1);
    CHECK(h.decoder.exporters().at(r.exporter).counters.ipv6_flows == 1);
    CHECK(h.decoder.stats().flows == 1);
    // Nothing of the v5 record's fitting: exact counters, full ifIndex and AS.
    CHECK(stats(h).fit.split_flows == 0);
    CHECK(stats(h).fit.ifindex_clamped == 0);
    CHECK(stats(h).fit.as_trans == 0);
    CHECK(h.counters.empty());
}

TEST_CASE("IPv6: an IPFIX data record becomes an IPv6 record with every field", "[decoder][ipv6]") {
    DecoderHarness h;
    Flow6 f;
    f.octets = std::numeric_limits<std::uint64_t>::max();
    f.packets = std::numeric_limits<std::uint64_t>::max() - 1;
    const std::vector<TimeForm> forms = time_forms();
    const TimeForm& form = forms[1];
    const auto r =
        feed(h, v6_datagram(false, f, 0, 0x01020304, with(form.fields, {{38, 1}, {39, 1}}),
                            [&](TemplatePduBuilder& b) {
                                form.write(b);
                                b.u8(7).u8(9);
                            }));
    REQUIRE(r.accepted());
    REQUIRE(h.records6.size() == 1);
    const Record6& rec = h.records6[0];
    check_fields(rec, f, flowfile::ipv4_mapped(router), 0x01020304);
    CHECK(rec.start_ms == form.start_ms);
    CHECK(rec.end_ms == form.end_ms);
    CHECK(rec.engine_type == 7);
    CHECK(rec.engine_id == 9);
    CHECK(stats(h).fit.oversized == 0);
}

TEST_CASE("IPv6: each time form gives the times the same flow as IPv4 reads back",
          "[decoder][ipv6]") {
    for (const TimeForm& form : time_forms()) {
        INFO(form.what);
        DecoderHarness h;
        const Flow6 f;
        REQUIRE(feed(h, v6_datagram(form.v9, f, 0, 1, form.fields, form.write)).accepted());
        // The same times after an IPv4 flow's fields, from another domain.
        auto b = pdu(form.v9, 0, 2);
        b.begin_set(b.template_set_id())
            .template_record(256, with({{8, 4}, {12, 4}, {1, 4}, {2, 4}}, form.fields))
            .end_set();
        b.begin_set(256).record().u32(ip(10, 0, 0, 1)).u32(ip(10, 0, 0, 2)).u32(1500).u32(10);
        form.write(b);
        b.end_set();
        REQUIRE(feed(h, b.bytes()).accepted());

        REQUIRE(h.records6.size() == 1);
        REQUIRE(h.records.size() == 1);
        const flowfile::FlowTimes v4 = flowfile::flow_times(h.records[0]);
        CHECK(h.records6[0].start_ms == v4.start_ms);
        CHECK(h.records6[0].end_ms == v4.end_ms);
        CHECK(h.records6[0].start_ms == form.start_ms);
        CHECK(h.records6[0].end_ms == form.end_ms);
        CHECK(stats(h).fit.untimed == (form.fields.empty() ? 2u : 0u));
    }
}

TEST_CASE("IPv6: uptime times without an origin are counted unplaceable", "[decoder][ipv6]") {
    DecoderHarness h;
    // IPFIX has no header uptime: 22/21 without 160 cannot be placed.
    const auto r = feed(h, v6_datagram(false, Flow6{}, 0, 1, {{22, 4}, {21, 4}},
                                       [](TemplatePduBuilder& b) { b.u32(1000).u32(2000); }));
    REQUIRE(r.accepted());
    CHECK(h.records6.empty());
    CHECK(stats(h).fit.unplaceable_time == 1);
    CHECK(stats(h).fit.ipv6_flows == 0);
    CHECK(lines_with(h.take_lines(), "counted as unplaceable_time_flows") == 1);
}

TEST_CASE("IPv6: an ICMPv6 flow's type and code are its destination port", "[decoder][ipv6]") {
    DecoderHarness h;
    Flow6 f;
    f.prot = 58;
    f.srcport = 0;
    f.dstport = 0;
    REQUIRE(feed(h, v6_datagram(false, f, 0, 1, {{139, 2}},
                                [](TemplatePduBuilder& b) { b.u16(128 * 256); }))
                .accepted());
    REQUIRE(h.records6.size() == 1);
    CHECK(h.records6[0].dstport == 128 * 256);
}

TEST_CASE("IPv6: IPv4 and IPv6 flows of one datagram go to their own series", "[decoder][ipv6]") {
    DecoderHarness h;
    auto b = pdu(false, 0, 1);
    b.begin_set(2)
        .template_record(256, {{8, 4}, {12, 4}, {1, 4}, {2, 4}})
        .template_record(257, {{27, 16}, {28, 16}, {1, 4}, {2, 4}})
        .end_set();
    b.begin_set(256).record().u32(ip(10, 0, 0, 1)).u32(ip(10, 0, 0, 2)).u32(100).u32(1).end_set();
    b.begin_set(257).record().raw(bytes_of(client)).raw(bytes_of(server)).u32(200).u32(2);
    b.record().raw(bytes_of(server)).raw(bytes_of(client)).u32(300).u32(3).end_set();
    const auto r = feed(h, b.bytes());
    REQUIRE(r.accepted());
    CHECK(r.records == 1);
    CHECK(r.records6 == 2);
    REQUIRE(h.records.size() == 1);
    REQUIRE(h.records6.size() == 2);
    CHECK(h.records[0].doctets == 100);
    CHECK(h.records6[0].doctets == 200);
    CHECK(h.records6[1].srcaddr == server);
    CHECK(h.decoder.stats().flows == 3);
    CHECK(stats(h).fit.ipv6_flows == 2);
    // IPFIX numbers data records: all three, whichever series they went to.
    auto next = pdu(false, 3, 1);
    next.begin_set(257).record().raw(bytes_of(client)).raw(bytes_of(server)).u32(1).u32(1);
    next.end_set();
    REQUIRE(feed(h, next.bytes()).accepted());
    CHECK(h.counters.empty());
}

TEST_CASE("IPv6: the datagram's record budget covers both series", "[decoder][ipv6]") {
    DecoderHarness h;
    auto b = pdu(false, 0, 1);
    b.begin_set(2)
        .template_record(256, {{8, 4}, {12, 4}, {1, 8}})
        .template_record(257, {{27, 16}, {28, 16}, {1, 8}})
        .end_set();
    // IPv4 flows that need max_split_records records each fill all but one
    // place of the budget; one IPv6 flow takes it, the next is refused.
    const std::size_t elephants =
        capture::max_records_per_datagram / capture::max_split_records - 1;
    const std::uint64_t octets =
        capture::max_split_records * std::uint64_t{std::numeric_limits<std::uint32_t>::max()};
    b.begin_set(256);
    for (std::size_t i = 0; i < elephants; ++i)
        b.record().u32(ip(10, 0, 0, 1)).u32(ip(10, 0, 0, 2)).u64(octets);
    b.end_set();
    b.begin_set(256);
    for (std::size_t i = 0; i < capture::max_split_records - 1; ++i)
        b.record().u32(ip(10, 0, 0, 1)).u32(ip(10, 0, 0, 2)).u64(1);
    b.end_set();
    b.begin_set(257);
    for (int i = 0; i < 2; ++i) b.record().raw(bytes_of(client)).raw(bytes_of(server)).u64(1);
    b.end_set();
    const auto r = feed(h, b.bytes());
    REQUIRE(r.accepted());
    CHECK(h.records.size() + h.records6.size() == capture::max_records_per_datagram);
    CHECK(h.records6.size() == 1);
    CHECK(stats(h).fit.oversized == 1);
    CHECK(stats(h).fit.ipv6_flows == 1);
}

TEST_CASE("IPv6 exporters are kept apart: templates, sequence numbers and accounting",
          "[decoder][ipv6][exporters]") {
    DecoderHarness h;
    // Same port, domain and template ID, different layouts.
    auto a = pdu(false, 0, 1);
    a.begin_set(2).template_record(256, {{27, 16}, {28, 16}, {1, 4}, {2, 4}}).end_set();
    auto b = pdu(false, 0, 1);
    b.begin_set(2).template_record(256, {{28, 16}, {27, 16}, {2, 4}, {1, 4}}).end_set();
    const auto ra = feed6(h, a.bytes(), exporter_a);
    const auto rb = feed6(h, b.bytes(), exporter_b);
    REQUIRE(ra.accepted());
    REQUIRE(rb.accepted());
    CHECK(ra.exporter != rb.exporter);
    CHECK(h.decoder.exporters().size() == 2);
    CHECK(h.decoder.templates().scopes() == 2);
    auto lines = h.take_lines();
    CHECK(lines_with(lines,
                     "New exporter: time=1700000000 src_ip=2001:db8:e::1 dst_ip=127.0.0.1 "
                     "d_version=10 src_port=4739") == 1);
    CHECK(lines_with(lines,
                     "New exporter: time=1700000000 src_ip=2001:db8:e::2 dst_ip=127.0.0.1 "
                     "d_version=10 src_port=4739") == 1);

    // Each one's data is read with its own template, stamped with its own
    // address.
    auto da = pdu(false, 0, 1);
    da.begin_set(256).record().raw(bytes_of(client)).raw(bytes_of(server)).u32(100).u32(1);
    da.end_set();
    auto db = pdu(false, 0, 1);
    db.begin_set(256).record().raw(bytes_of(server)).raw(bytes_of(client)).u32(2).u32(200);
    db.end_set();
    REQUIRE(feed6(h, da.bytes(), exporter_a).accepted());
    REQUIRE(feed6(h, db.bytes(), exporter_b).accepted());
    REQUIRE(h.records6.size() == 2);
    for (const Record6& r : h.records6) {
        CHECK(r.srcaddr == client);
        CHECK(r.dstaddr == server);
    }
    CHECK(h.records6[0].doctets == 100);
    CHECK(h.records6[1].doctets == 200);
    CHECK(h.records6[0].exaddr == exporter_a);
    CHECK(h.records6[1].exaddr == exporter_b);
    // Each exporter's numbers follow on from its own.
    CHECK(h.counters.empty());

    // A loss at one is its own.
    auto lost = pdu(false, 5, 1);
    lost.begin_set(256).record().raw(bytes_of(client)).raw(bytes_of(server)).u32(1).u32(1);
    lost.end_set();
    REQUIRE(feed6(h, lost.bytes(), exporter_b).accepted());
    CHECK(h.counters.lost_flows == 4);
    lines = h.take_lines();
    CHECK(lines_with(lines,
                     "ftpdu_seq_check(): src_ip=2001:db8:e::2 dst_ip=127.0.0.1 "
                     "d_version=10 expecting=1 received=5 lost=4") == 1);
    const capture::Exporter& ea = h.decoder.exporters().at(ra.exporter);
    const capture::Exporter& eb = h.decoder.exporters().at(rb.exporter);
    CHECK(ea.counters.pkts == 2);
    CHECK(eb.counters.pkts == 3);
    CHECK(ea.counters.ipv6_flows == 1);
    CHECK(eb.counters.ipv6_flows == 2);
    CHECK(ea.counters.lost == 0);
    CHECK(eb.counters.lost == 4);
    CHECK(capture::stat_line(eb, 1700000060, 1700000000) ==
          "STAT: now=1700000060 startup=1700000000 src_ip=2001:db8:e::2 dst_ip=127.0.0.1 "
          "d_ver=10 pkts=3 flows=2 lost=4 reset=0 filter_drops=0 no_template_sets=0 "
          "ipv6_flows=2 src_port=4739");
}

TEST_CASE("IPv6 records name their exporter: IPv4-mapped, or by its IPv6 address",
          "[decoder][ipv6]") {
    DecoderHarness h;
    const Ipv6Address mapped = flowfile::ipv4_mapped(router);
    REQUIRE(feed(h, v6_datagram(false, Flow6{})).accepted());
    REQUIRE(feed6(h, v6_datagram(false, Flow6{}), exporter_a).accepted());
    CHECK(h.decoder.exporters().size() == 2);
    REQUIRE(h.records6.size() == 2);
    CHECK(h.records6[0].exaddr == mapped);
    CHECK(h.records6[1].exaddr == exporter_a);
}

TEST_CASE("v5 datagrams of two IPv6 exporters: exaddr 0, accounting apart",
          "[decoder][ipv6][exporters]") {
    DecoderHarness h;
    flowkeep_test::PduHeader header;
    header.flow_sequence = 0;
    const auto first = flowkeep_test::build_pdu(header, {flowkeep_test::example_flow()});
    const auto ra = feed6(h, first, exporter_a);
    const auto rb = feed6(h, first, exporter_b);
    REQUIRE(ra.accepted());
    REQUIRE(rb.accepted());
    CHECK(ra.exporter != rb.exporter);
    REQUIRE(h.records.size() == 2);
    // A v5 record's exaddr has 32 bits: an IPv6 exporter's is 0 there.
    CHECK(h.records[0].exaddr == 0);
    CHECK(h.records[1].exaddr == 0);
    CHECK(h.records6.empty());
    // Each continues its own sequence.
    header.flow_sequence = 1;
    REQUIRE(feed6(h, flowkeep_test::build_pdu(header, {flowkeep_test::example_flow()}), exporter_a)
                .accepted());
    REQUIRE(feed6(h, flowkeep_test::build_pdu(header, {flowkeep_test::example_flow()}), exporter_b)
                .accepted());
    CHECK(h.counters.empty());
    const auto lines = h.take_lines();
    CHECK(lines_with(lines,
                     "New exporter: time=1700000000 src_ip=2001:db8:e::1 dst_ip=127.0.0.1 "
                     "d_version=5") == 1);
    CHECK(lines_with(lines, "src_ip=2001:db8:e::2") == 1);
    CHECK(h.decoder.exporters().at(ra.exporter).counters.pkts == 2);
    CHECK(h.decoder.exporters().at(rb.exporter).counters.pkts == 2);
}
