// NetFlow v9 (RFC 3954) and IPFIX (RFC 7011) datagrams built field by field
// (template_pdu_builder.hpp) through the whole Decoder, as the daemon feeds
// it: what gets stored, which counters move (the decoder's template_pdus
// statistics, the per-file and per-exporter counters) and what is logged.
// Every expected value is either from the RFC's text or computed here from
// the values written into the datagram.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "capture/decoder_harness.hpp"
#include "capture/template_pdu_builder.hpp"
#include "decode/stored_fit.hpp"
#include "flowfile/record.hpp"

using capture::DecoderSettings;
using capture::RejectReason;
using flowfile::Record;
using flowkeep_test::DecoderHarness;
using flowkeep_test::FieldSpec;
using flowkeep_test::ip;
using flowkeep_test::TemplatePduBuilder;
using flowkeep_test::variable_length;

namespace {

constexpr std::uint32_t export_secs = 1700000000;
constexpr std::int64_t export_ms = std::int64_t{export_secs} * 1000;
constexpr std::uint32_t router = ip(192, 0, 2, 1);
constexpr std::uint16_t router_port = 4739;
constexpr std::uint64_t max32 = std::numeric_limits<std::uint32_t>::max();

// The harness's feed() has no UDP source port, which v9/IPFIX templates
// belong to.
capture::DecodeResult feed(DecoderHarness& h, const std::vector<std::uint8_t>& bytes,
                           std::uint32_t source = router, std::uint16_t port = router_port,
                           std::int64_t receive_time = export_secs) {
    capture::Datagram d;
    d.bytes = bytes;
    d.source_ip = source;
    d.source_port = port;
    d.local_ip = h.local_ip;
    d.local_port = h.local_port;
    d.receive_time = receive_time;
    const capture::DecodeResult r = h.decoder.decode(d, h.records, h.records6);
    h.counters.add(r.counters);
    return r;
}

std::size_t lines_with(const std::vector<std::string>& lines, const std::string& part) {
    return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [&](const auto& l) {
        return l.find(part) != std::string::npos;
    }));
}

const capture::TemplateStats& stats(const DecoderHarness& h) {
    return h.decoder.stats().template_pdus;
}

const capture::Exporter& exporter_of(const DecoderHarness& h, const capture::DecodeResult& r) {
    REQUIRE(r.exporter != capture::no_exporter);
    return h.decoder.exporters().at(r.exporter);
}

// --- NetFlow v9: a template with every v5 field (RFC 3954 §8 field types).

const std::vector<FieldSpec> v9_fields = {
    {1, 4},   // IN_BYTES
    {2, 4},   // IN_PKTS
    {4, 1},   // PROTOCOL
    {5, 1},   // SRC_TOS
    {6, 1},   // TCP_FLAGS
    {7, 2},   // L4_SRC_PORT
    {8, 4},   // IPV4_SRC_ADDR
    {9, 1},   // SRC_MASK
    {10, 2},  // INPUT_SNMP
    {11, 2},  // L4_DST_PORT
    {12, 4},  // IPV4_DST_ADDR
    {13, 1},  // DST_MASK
    {14, 2},  // OUTPUT_SNMP
    {15, 4},  // IPV4_NEXT_HOP
    {16, 2},  // SRC_AS
    {17, 2},  // DST_AS
    {21, 4},  // LAST_SWITCHED
    {22, 4},  // FIRST_SWITCHED
};
constexpr std::size_t v9_record_bytes = 45;

struct V9Flow {
    std::uint32_t octets = 0, packets = 0;
    std::uint8_t prot = 0, tos = 0, tcp_flags = 0;
    std::uint16_t srcport = 0;
    std::uint32_t src = 0;
    std::uint8_t src_mask = 0;
    std::uint16_t input = 0, dstport = 0;
    std::uint32_t dst = 0;
    std::uint8_t dst_mask = 0;
    std::uint16_t output = 0;
    std::uint32_t nexthop = 0;
    std::uint16_t src_as = 0, dst_as = 0;
    std::uint32_t last = 0, first = 0;
};

void write(TemplatePduBuilder& b, const V9Flow& f) {
    b.record()
        .u32(f.octets)
        .u32(f.packets)
        .u8(f.prot)
        .u8(f.tos)
        .u8(f.tcp_flags)
        .u16(f.srcport)
        .u32(f.src)
        .u8(f.src_mask)
        .u16(f.input)
        .u16(f.dstport)
        .u32(f.dst)
        .u8(f.dst_mask)
        .u16(f.output)
        .u32(f.nexthop)
        .u16(f.src_as)
        .u16(f.dst_as)
        .u32(f.last)
        .u32(f.first);
}

constexpr std::uint32_t v9_uptime = 360000000;  // 100 hours
constexpr std::uint32_t v9_source_id = 0x0102;  // engine type 1, engine ID 2

V9Flow web_flow() {
    V9Flow f;
    f.octets = 1500;
    f.packets = 10;
    f.prot = 6;
    f.tos = 0x10;
    f.tcp_flags = 0x1b;
    f.srcport = 1234;
    f.src = ip(10, 0, 0, 1);
    f.src_mask = 24;
    f.input = 3;
    f.dstport = 80;
    f.dst = ip(192, 168, 1, 2);
    f.dst_mask = 16;
    f.output = 4;
    f.nexthop = ip(10, 0, 0, 254);
    f.src_as = 65001;
    f.dst_as = 65002;
    f.first = v9_uptime - 10000;
    f.last = v9_uptime - 2000;
    return f;
}

V9Flow dns_flow() {
    V9Flow f = web_flow();
    f.octets = 76;
    f.packets = 1;
    f.prot = 17;
    f.tcp_flags = 0;
    f.srcport = 53000;
    f.dstport = 53;
    f.first = v9_uptime - 500;
    f.last = v9_uptime - 500;
    return f;
}

// What the record of `f` must hold, exported at `uptime`/export_secs.
void check_v9(const Record& r, const V9Flow& f, std::uint32_t uptime = v9_uptime,
              std::uint32_t unix_secs = export_secs) {
    CHECK(r.unix_secs == unix_secs);
    CHECK(r.exaddr == router);
    CHECK(r.doctets == f.octets);
    CHECK(r.dpkts == f.packets);
    CHECK(r.prot == f.prot);
    CHECK(r.tos == f.tos);
    CHECK(r.tcp_flags == f.tcp_flags);
    CHECK(r.srcport == f.srcport);
    CHECK(r.srcaddr == f.src);
    CHECK(r.src_mask == f.src_mask);
    CHECK(r.input == f.input);
    CHECK(r.dstport == f.dstport);
    CHECK(r.dstaddr == f.dst);
    CHECK(r.dst_mask == f.dst_mask);
    CHECK(r.output == f.output);
    CHECK(r.nexthop == f.nexthop);
    CHECK(r.src_as == f.src_as);
    CHECK(r.dst_as == f.dst_as);
    // The router's own uptime and switch times are kept as sent.
    CHECK(r.sysuptime == uptime);
    CHECK(r.first == f.first);
    CHECK(r.last == f.last);
    const flowfile::FlowTimes t = flowfile::flow_times(r);
    const std::int64_t boot_ms = std::int64_t{unix_secs} * 1000 - uptime;
    CHECK(t.start_ms == boot_ms + f.first);
    CHECK(t.end_ms == boot_ms + f.last);
    CHECK(r.engine_type == (v9_source_id >> 8));
    CHECK(r.engine_id == (v9_source_id & 0xff));
}

TemplatePduBuilder v9_pdu(std::uint32_t sequence, std::uint32_t uptime = v9_uptime,
                          std::uint32_t unix_secs = export_secs) {
    return TemplatePduBuilder::v9(uptime, unix_secs, sequence, v9_source_id);
}

void v9_template(TemplatePduBuilder& b, std::uint16_t id = 256,
                 const std::vector<FieldSpec>& fields = v9_fields) {
    b.begin_set(0).template_record(id, fields).end_set();
}

// A data set of `flows`, padded to 32 bits as RFC 3954 §5.3 suggests.
void v9_data(TemplatePduBuilder& b, const std::vector<V9Flow>& flows, std::uint16_t id = 256) {
    b.begin_set(id);
    for (const V9Flow& f : flows) write(b, f);
    const std::size_t length = 4 + flows.size() * v9_record_bytes;
    b.end_set((4 - length % 4) % 4);
}

// --- IPFIX: RFC 7011 Appendix A's template (A.2) and a timed one.

const std::vector<FieldSpec> rfc7011_a2_fields = {
    {8, 4},   // sourceIPv4Address
    {12, 4},  // destinationIPv4Address
    {15, 4},  // ipNextHopIPv4Address
    {2, 4},   // packetDeltaCount
    {1, 4},   // octetDeltaCount
};

struct A3Record {
    std::uint32_t src, dst, nexthop, packets, octets;
};

// RFC 7011 Appendix A.3's three Flow Records.
const std::vector<A3Record> rfc7011_a3_records = {
    {ip(192, 0, 2, 12), ip(192, 0, 2, 254), ip(192, 0, 2, 1), 5009, 5344385},
    {ip(192, 0, 2, 27), ip(192, 0, 2, 23), ip(192, 0, 2, 2), 748, 388934},
    {ip(192, 0, 2, 56), ip(192, 0, 2, 65), ip(192, 0, 2, 3), 5, 6534},
};

void a2_template(TemplatePduBuilder& b, std::uint16_t id = 256) {
    b.begin_set(2).template_record(id, rfc7011_a2_fields).end_set();
}

void a3_data(TemplatePduBuilder& b, const std::vector<A3Record>& records = rfc7011_a3_records,
             std::uint16_t id = 256) {
    b.begin_set(id);
    for (const A3Record& r : records)
        b.record().u32(r.src).u32(r.dst).u32(r.nexthop).u32(r.packets).u32(r.octets);
    b.end_set();
}

void check_a3(const Record& r, const A3Record& a) {
    CHECK(r.srcaddr == a.src);
    CHECK(r.dstaddr == a.dst);
    CHECK(r.nexthop == a.nexthop);
    CHECK(r.dpkts == a.packets);
    CHECK(r.doctets == a.octets);
    CHECK(r.exaddr == router);
    CHECK(r.unix_secs == export_secs);
    // No time fields: the flow is placed at the export time.
    const flowfile::FlowTimes t = flowfile::flow_times(r);
    CHECK(t.start_ms == export_ms);
    CHECK(t.end_ms == export_ms);
    // An observation domain is not an engine (unlike a v9 source ID).
    CHECK(r.engine_type == 0);
    CHECK(r.engine_id == 0);
}

// src, dst, ports, protocol, packets, octets, flowStart/EndMilliseconds.
const std::vector<FieldSpec> timed_fields = {
    {8, 4}, {12, 4}, {7, 2}, {11, 2}, {4, 1}, {2, 4}, {1, 4}, {152, 8}, {153, 8},
};

struct TimedFlow {
    std::uint32_t src = ip(10, 1, 0, 1), dst = ip(10, 2, 0, 1);
    std::uint16_t srcport = 40000, dstport = 443;
    std::uint8_t prot = 6;
    std::uint32_t packets = 3, octets = 180;
    std::int64_t start_ms = export_ms - 30500, end_ms = export_ms - 1250;
};

void write(TemplatePduBuilder& b, const TimedFlow& f) {
    b.record()
        .u32(f.src)
        .u32(f.dst)
        .u16(f.srcport)
        .u16(f.dstport)
        .u8(f.prot)
        .u32(f.packets)
        .u32(f.octets)
        .u64(static_cast<std::uint64_t>(f.start_ms))
        .u64(static_cast<std::uint64_t>(f.end_ms));
}

void check_timed(const Record& r, const TimedFlow& f) {
    CHECK(r.srcaddr == f.src);
    CHECK(r.dstaddr == f.dst);
    CHECK(r.srcport == f.srcport);
    CHECK(r.dstport == f.dstport);
    CHECK(r.prot == f.prot);
    CHECK(r.dpkts == f.packets);
    CHECK(r.doctets == f.octets);
    const flowfile::FlowTimes t = flowfile::flow_times(r);
    CHECK(t.start_ms == f.start_ms);
    CHECK(t.end_ms == f.end_ms);
}

void timed_template(TemplatePduBuilder& b, std::uint16_t id = 256) {
    b.begin_set(2).template_record(id, timed_fields).end_set();
}

void timed_data(TemplatePduBuilder& b, const std::vector<TimedFlow>& flows,
                std::uint16_t id = 256) {
    b.begin_set(id);
    for (const TimedFlow& f : flows) write(b, f);
    b.end_set();
}

TemplatePduBuilder ipfix_pdu(std::uint32_t sequence, std::uint32_t domain = 1) {
    return TemplatePduBuilder::ipfix(export_secs, sequence, domain);
}

const std::string ipfix_who = "IPFIX exporter 192.0.2.1 domain 1: ";

}  // namespace

// ---------------------------------------------------------------------------
// The RFCs' examples

TEST_CASE("v9: a template and its data in one packet, and data in the next packet",
          "[decoder][v9]") {
    DecoderHarness h;
    auto b = v9_pdu(0);
    v9_template(b);
    v9_data(b, {web_flow(), dns_flow()});
    const auto r = feed(h, b.bytes());
    REQUIRE(r.accepted());
    CHECK(r.records == 2);
    REQUIRE(h.records.size() == 2);
    check_v9(h.records[0], web_flow());
    check_v9(h.records[1], dns_flow());
    CHECK(h.decoder.stored_version() == 5);

    // The template alone, then the data alone: the store bridges datagrams.
    auto t = v9_pdu(1);
    v9_template(t);
    REQUIRE(feed(h, t.bytes()).accepted());
    CHECK(h.records.size() == 2);
    auto d = v9_pdu(2, v9_uptime + 1000, export_secs + 1);
    V9Flow later = web_flow();
    later.first = v9_uptime + 100;
    later.last = v9_uptime + 900;
    v9_data(d, {later});
    REQUIRE(feed(h, d.bytes()).accepted());
    REQUIRE(h.records.size() == 3);
    check_v9(h.records[2], later, v9_uptime + 1000, export_secs + 1);

    const capture::TemplateStats& s = stats(h);
    CHECK(s.datagrams == 3);
    CHECK(s.templates == 2);  // the same template twice: both accepted (refresh)
    CHECK(s.no_template_sets == 0);
    CHECK(s.malformed_sets == 0);
    CHECK(h.decoder.stats().flows == 3);
    CHECK(h.counters.empty());
    CHECK(exporter_of(h, r).counters.pkts == 3);
    CHECK(exporter_of(h, r).counters.flows == 3);
    CHECK(h.decoder.templates().templates() == 1);
    const auto lines = h.take_lines();
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] ==
          "New exporter: time=1700000000 src_ip=192.0.2.1 dst_ip=127.0.0.1 d_version=9 "
          "src_port=4739");
}

TEST_CASE("IPFIX: RFC 7011 Appendix A.2 template set and A.3 data set", "[decoder][ipfix]") {
    DecoderHarness h;
    auto b = ipfix_pdu(0);
    a2_template(b);
    a3_data(b);
    const auto bytes = b.bytes();
    // A.3: Set Length = 64 (4 + 3 records of 20 bytes); A.2: 28.
    CHECK(bytes.size() == 16 + 28 + 64);
    const auto r = feed(h, bytes);
    REQUIRE(r.accepted());
    REQUIRE(h.records.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) check_a3(h.records[i], rfc7011_a3_records[i]);
    CHECK(stats(h).templates == 1);
    CHECK(stats(h).fit.untimed == 3);
    CHECK(h.decoder.stats().flows == 3);
}

TEST_CASE("IPFIX: RFC 7011 Appendix A.4 options template and options data", "[decoder][ipfix]") {
    DecoderHarness h;
    auto b = ipfix_pdu(0);
    a2_template(b);
    // A.4: Template ID 257, scope meteringProcessId (143), then
    // exportedMessageTotalCount (41) and exportedFlowRecordTotalCount (42).
    b.begin_set(3).options_template_record(257, {{143, 4}}, {{41, 2}, {42, 2}}).end_set();
    b.begin_set(257);
    b.record().u32(1).u16(345).u16(10201);
    b.record().u32(2).u16(690).u16(20402);
    b.end_set();
    a3_data(b);
    const auto r = feed(h, b.bytes());
    REQUIRE(r.accepted());
    // Options records describe the exporter; they are not flows.
    CHECK(stats(h).options_records == 2);
    CHECK(stats(h).templates == 2);
    REQUIRE(h.records.size() == 3);
    check_a3(h.records[0], rfc7011_a3_records[0]);
    CHECK(h.decoder.stats().flows == 3);
    CHECK(exporter_of(h, r).counters.flows == 3);
    // Nothing about sampling in these options.
    CHECK(lines_with(h.take_lines(), "samples") == 0);

    // RFC 7011 §3.1: the sequence number counts every data record, options
    // data records too: 2 + 3 here.
    auto next = ipfix_pdu(5);
    a3_data(next);
    REQUIRE(feed(h, next.bytes()).accepted());
    CHECK(h.counters.empty());
    CHECK(h.take_lines().empty());
}

// ---------------------------------------------------------------------------
// Templates out of order, withdrawn, redefined, restarted, per exporter/domain

TEST_CASE("data before its template is counted, logged once, and decoded once the template came",
          "[decoder][ipfix]") {
    DecoderHarness h;
    auto early = ipfix_pdu(0);
    a3_data(early);
    const auto r = feed(h, early.bytes());
    REQUIRE(r.accepted());
    CHECK(h.records.empty());
    CHECK(stats(h).no_template_sets == 1);
    CHECK(stats(h).no_template_bytes == 60);
    auto lines = h.take_lines();
    CHECK(lines_with(lines, ipfix_who +
                                "data for template 256 before its template: dropped and counted "
                                "until the template arrives") == 1);

    auto again = ipfix_pdu(3);
    a3_data(again);
    REQUIRE(feed(h, again.bytes()).accepted());
    CHECK(stats(h).no_template_sets == 2);
    CHECK(h.take_lines().empty());  // once per exporter
    CHECK(exporter_of(h, r).counters.no_template_sets == 2);

    // A second exporter is told about separately.
    feed(h, early.bytes(), ip(192, 0, 2, 99));
    CHECK(lines_with(h.take_lines(), "IPFIX exporter 192.0.2.99 domain 1: data for template 256") ==
          1);

    auto t = ipfix_pdu(6);
    a2_template(t);
    REQUIRE(feed(h, t.bytes()).accepted());
    auto data = ipfix_pdu(6);
    a3_data(data);
    REQUIRE(feed(h, data.bytes()).accepted());
    REQUIRE(h.records.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) check_a3(h.records[i], rfc7011_a3_records[i]);
    CHECK(stats(h).no_template_sets == 3);
    CHECK(h.counters.empty());
}

TEST_CASE("IPFIX: a withdrawn template ID reused with another layout", "[decoder][ipfix]") {
    DecoderHarness h;
    auto first = ipfix_pdu(0);
    a2_template(first);
    a3_data(first);
    REQUIRE(feed(h, first.bytes()).accepted());
    REQUIRE(h.records.size() == 3);

    auto withdraw = ipfix_pdu(3);
    withdraw.begin_set(2).withdrawal(256).end_set();
    REQUIRE(feed(h, withdraw.bytes()).accepted());
    CHECK(stats(h).withdrawn == 1);
    CHECK(h.decoder.templates().templates() == 0);

    auto stale = ipfix_pdu(3);
    a3_data(stale);
    REQUIRE(feed(h, stale.bytes()).accepted());
    CHECK(stats(h).no_template_sets == 1);
    CHECK(h.records.size() == 3);

    const TimedFlow f;
    auto reused = ipfix_pdu(6);
    timed_template(reused);
    timed_data(reused, {f});
    REQUIRE(feed(h, reused.bytes()).accepted());
    REQUIRE(h.records.size() == 4);
    check_timed(h.records[3], f);

    // Withdrawing with the set's own ID takes every template of the kind.
    auto all = ipfix_pdu(7);
    all.begin_set(2).template_record(300, rfc7011_a2_fields).end_set();
    all.begin_set(2).withdrawal(2).end_set();
    REQUIRE(feed(h, all.bytes()).accepted());
    CHECK(stats(h).withdrawn == 3);
    CHECK(h.decoder.templates().templates() == 0);
}

TEST_CASE("v9: a template redefined in place is read with its new layout", "[decoder][v9]") {
    DecoderHarness h;
    auto b = v9_pdu(0);
    v9_template(b);
    v9_data(b, {web_flow()});
    REQUIRE(feed(h, b.bytes()).accepted());

    // Same ID 256, now addresses, ports and counters only (RFC 3954 §5.2:
    // a template ID's new definition replaces the old one).
    auto re = v9_pdu(1);
    re.begin_set(0)
        .template_record(256, {{8, 4}, {12, 4}, {7, 2}, {11, 2}, {4, 1}, {2, 4}, {1, 4}})
        .end_set();
    re.begin_set(256)
        .record()
        .u32(ip(172, 16, 0, 1))
        .u32(ip(172, 16, 0, 2))
        .u16(5000)
        .u16(22)
        .u8(6)
        .u32(7)
        .u32(900)
        .end_set(1);
    REQUIRE(feed(h, re.bytes()).accepted());
    REQUIRE(h.records.size() == 2);
    const Record& r = h.records[1];
    CHECK(r.srcaddr == ip(172, 16, 0, 1));
    CHECK(r.dstaddr == ip(172, 16, 0, 2));
    CHECK(r.srcport == 5000);
    CHECK(r.dstport == 22);
    CHECK(r.prot == 6);
    CHECK(r.dpkts == 7);
    CHECK(r.doctets == 900);
    CHECK(stats(h).templates == 2);
    CHECK(h.decoder.templates().templates() == 1);
    CHECK(stats(h).malformed_sets == 0);
}

TEST_CASE("v9: an exporter restart is a sequencer reset and its re-sent templates work",
          "[decoder][v9]") {
    DecoderHarness h;
    for (std::uint32_t seq = 0; seq < 3; ++seq) {
        auto b = v9_pdu(seq);
        v9_template(b);
        v9_data(b, {web_flow()});
        REQUIRE(feed(h, b.bytes()).accepted());
    }
    CHECK(h.counters.empty());
    h.take_lines();

    // Rebooted: sequence and sysUpTime start again; same template ID.
    constexpr std::uint32_t uptime = 5000;
    auto b = v9_pdu(0, uptime, export_secs + 60);
    v9_template(b);
    V9Flow f = web_flow();
    f.first = 1000;
    f.last = 4000;
    v9_data(b, {f});
    const auto r = feed(h, b.bytes(), router, router_port, export_secs + 60);
    REQUIRE(r.accepted());
    CHECK(r.counters.seq_resets == 1);
    CHECK(h.counters.seq_resets == 1);
    CHECK(h.counters.lost_flows == 0);
    CHECK(exporter_of(h, r).counters.reset == 1);
    REQUIRE(h.records.size() == 4);
    check_v9(h.records[3], f, uptime, export_secs + 60);
    const auto lines = h.take_lines();
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] ==
          "ftpdu_seq_check(): src_ip=192.0.2.1 dst_ip=127.0.0.1 d_version=9 expecting=3 "
          "received=0 lost=" +
              std::to_string(0xFFFFFFFFu - 3));

    // And it goes on in order from there.
    auto next = v9_pdu(1, uptime + 1000, export_secs + 61);
    v9_data(next, {f});
    REQUIRE(feed(h, next.bytes(), router, router_port, export_secs + 61).accepted());
    CHECK(h.counters.seq_resets == 1);
    CHECK(h.records.size() == 5);
}

TEST_CASE("two exporters with the same template IDs and different layouts", "[decoder][ipfix]") {
    const std::uint32_t other = ip(198, 51, 100, 7);
    const TimedFlow f;
    SECTION("different source addresses") {
        DecoderHarness h;
        auto a = ipfix_pdu(0);
        a2_template(a);
        REQUIRE(feed(h, a.bytes(), router).accepted());
        auto b = ipfix_pdu(0);
        timed_template(b);
        REQUIRE(feed(h, b.bytes(), other).accepted());

        auto da = ipfix_pdu(0);
        a3_data(da);
        REQUIRE(feed(h, da.bytes(), router).accepted());
        auto db = ipfix_pdu(0);
        timed_data(db, {f});
        REQUIRE(feed(h, db.bytes(), other).accepted());
        REQUIRE(h.records.size() == 4);
        check_a3(h.records[0], rfc7011_a3_records[0]);
        check_timed(h.records[3], f);
        CHECK(h.records[3].exaddr == other);
        CHECK(h.decoder.exporters().size() == 2);
        CHECK(h.counters.empty());
    }
    SECTION("one address, different UDP source ports") {
        DecoderHarness h;
        auto a = ipfix_pdu(0);
        a2_template(a);
        a3_data(a);
        REQUIRE(feed(h, a.bytes(), router, 4739).accepted());
        // Same observation domain too: only the port tells the sessions
        // apart, for templates and for sequence numbers (RFC 7011 numbers
        // messages per transport session).
        auto b = ipfix_pdu(0);
        timed_template(b);
        timed_data(b, {f});
        REQUIRE(feed(h, b.bytes(), router, 4740).accepted());

        // Each port's data is read with that port's template.
        auto da = ipfix_pdu(3);
        a3_data(da);
        REQUIRE(feed(h, da.bytes(), router, 4739).accepted());
        auto db = ipfix_pdu(1);
        timed_data(db, {f});
        REQUIRE(feed(h, db.bytes(), router, 4740).accepted());
        REQUIRE(h.records.size() == 8);
        check_a3(h.records[4], rfc7011_a3_records[0]);
        check_timed(h.records[7], f);
        CHECK(stats(h).malformed_sets == 0);
        CHECK(h.decoder.templates().scopes() == 2);
        // Each session's numbers follow on: no loss, no reset.
        CHECK(h.counters.empty());
        CHECK(h.decoder.exporters().size() == 2);
        const auto lines = h.take_lines();
        CHECK(lines_with(lines, "New exporter: ") == 2);
        CHECK(lines_with(lines, " d_version=10 src_port=4739") == 1);
        CHECK(lines_with(lines, " d_version=10 src_port=4740") == 1);
        CHECK(lines_with(lines, "ftpdu_seq_check()") == 0);
    }
}

TEST_CASE("IPFIX: two observation domains keep their own templates and sequence numbers",
          "[decoder][ipfix]") {
    DecoderHarness h;
    const TimedFlow f;
    auto d1 = ipfix_pdu(0, 1);
    a2_template(d1);
    a3_data(d1);
    auto d2 = ipfix_pdu(100, 2);
    timed_template(d2);
    timed_data(d2, {f, f});
    REQUIRE(feed(h, d1.bytes()).accepted());
    REQUIRE(feed(h, d2.bytes()).accepted());

    auto n1 = ipfix_pdu(3, 1);
    a3_data(n1);
    auto n2 = ipfix_pdu(102, 2);
    timed_data(n2, {f});
    const auto r1 = feed(h, n1.bytes());
    const auto r2 = feed(h, n2.bytes());
    REQUIRE(r1.accepted());
    REQUIRE(r2.accepted());
    REQUIRE(h.records.size() == 3 + 2 + 3 + 1);
    check_a3(h.records[5], rfc7011_a3_records[0]);
    check_timed(h.records[8], f);
    // Interleaved numbering of the two domains is no loss and no reset.
    CHECK(h.counters.empty());
    CHECK(r1.exporter == r2.exporter);
    CHECK(exporter_of(h, r1).sequence.engines() == 2);
    CHECK(h.decoder.templates().scopes() == 2);

    // Domain 2 loses 4 records; domain 1 is not affected.
    auto lost = ipfix_pdu(107, 2);
    timed_data(lost, {f});
    REQUIRE(feed(h, lost.bytes()).accepted());
    auto fine = ipfix_pdu(6, 1);
    a3_data(fine);
    REQUIRE(feed(h, fine.bytes()).accepted());
    CHECK(h.counters.lost_flows == 4);
    CHECK(h.counters.seq_resets == 0);
    const auto lines = h.take_lines();
    CHECK(lines_with(lines,
                     "ftpdu_seq_check(): src_ip=192.0.2.1 dst_ip=127.0.0.1 d_version=10 "
                     "expecting=103 received=107 lost=4") == 1);
}

TEST_CASE("sequence numbers: IPFIX counts data records, v9 counts packets", "[decoder]") {
    SECTION("IPFIX") {
        DecoderHarness h;
        auto b = ipfix_pdu(0);
        a2_template(b);
        a3_data(b);
        REQUIRE(feed(h, b.bytes()).accepted());
        auto in_order = ipfix_pdu(3);
        a3_data(in_order);
        REQUIRE(feed(h, in_order.bytes()).accepted());
        CHECK(h.counters.empty());
        // Records 6..9 never arrived.
        auto gap = ipfix_pdu(10);
        a3_data(gap, {rfc7011_a3_records[0]});
        const auto r = feed(h, gap.bytes());
        REQUIRE(r.accepted());
        CHECK(r.counters.lost_flows == 4);
        CHECK(h.counters.lost_flows == 4);
        CHECK(exporter_of(h, r).counters.lost == 4);
        CHECK(lines_with(h.take_lines(), "d_version=10 expecting=6 received=10 lost=4") == 1);
        // Continues from 11.
        auto after = ipfix_pdu(11);
        a3_data(after);
        REQUIRE(feed(h, after.bytes()).accepted());
        CHECK(h.counters.lost_flows == 4);
    }
    SECTION("v9") {
        DecoderHarness h;
        for (std::uint32_t seq = 0; seq < 2; ++seq) {
            auto b = v9_pdu(seq);
            v9_template(b);
            v9_data(b, {web_flow(), dns_flow(), web_flow()});
            REQUIRE(feed(h, b.bytes()).accepted());
        }
        CHECK(h.counters.empty());  // 3 records each, yet numbered 0, 1
        // Packets 2 and 3 never arrived.
        auto b = v9_pdu(4);
        v9_data(b, {web_flow()});
        const auto r = feed(h, b.bytes());
        REQUIRE(r.accepted());
        CHECK(r.counters.lost_flows == 2);
        CHECK(lines_with(h.take_lines(), "d_version=9 expecting=2 received=4 lost=2") == 1);
    }
}

TEST_CASE("IPFIX: a message with an unreadable set re-synchronises the sequence check",
          "[decoder][ipfix]") {
    DecoderHarness h;
    auto b = ipfix_pdu(0);
    a2_template(b);
    a3_data(b);
    REQUIRE(feed(h, b.bytes()).accepted());

    // 3 records of template 256 and 5 of an unknown 999: the next number is
    // 3 + 3 + 5, which the decoder cannot know.
    auto mixed = ipfix_pdu(3);
    a3_data(mixed);
    mixed.begin_set(999).zeros(5 * 12).end_set();
    REQUIRE(feed(h, mixed.bytes()).accepted());
    CHECK(stats(h).no_template_sets == 1);
    auto next = ipfix_pdu(11);
    a3_data(next);
    REQUIRE(feed(h, next.bytes()).accepted());
    CHECK(h.counters.empty());  // no false loss
    CHECK(lines_with(h.take_lines(), "ftpdu_seq_check") == 0);
    // And the check is back on.
    auto gap = ipfix_pdu(20);
    a3_data(gap);
    REQUIRE(feed(h, gap.bytes()).accepted());
    CHECK(h.counters.lost_flows == 6);
    CHECK(h.records.size() == 12);
}

// ---------------------------------------------------------------------------
// Encodings: padding, variable length, enterprise and unknown elements,
// reduced size, and what does not fit a v5 record

TEST_CASE("padding after the records of a set is skipped", "[decoder][ipfix][v9]") {
    SECTION("IPFIX data set padded by 3 bytes, template set by 4") {
        DecoderHarness h;
        auto b = ipfix_pdu(0);
        b.begin_set(2).template_record(256, rfc7011_a2_fields).end_set(4);
        b.begin_set(256);
        for (const A3Record& r : rfc7011_a3_records)
            b.record().u32(r.src).u32(r.dst).u32(r.nexthop).u32(r.packets).u32(r.octets);
        b.end_set(3);
        REQUIRE(feed(h, b.bytes()).accepted());
        REQUIRE(h.records.size() == 3);
        check_a3(h.records[2], rfc7011_a3_records[2]);
        CHECK(stats(h).malformed_sets == 0);
        CHECK(stats(h).malformed_templates == 0);
        CHECK(stats(h).withdrawn == 0);
    }
    SECTION("v9 record of 45 bytes padded to 48, and 3 bytes after the last set") {
        DecoderHarness h;
        auto b = v9_pdu(0);
        b.begin_set(0).template_record(256, v9_fields).end_set(4);
        v9_data(b, {web_flow()});
        b.zeros(3);
        REQUIRE(feed(h, b.bytes()).accepted());
        REQUIRE(h.records.size() == 1);
        check_v9(h.records[0], web_flow());
        CHECK(stats(h).malformed_sets == 0);
    }
}

TEST_CASE("IPFIX: variable-length, enterprise, unknown and reduced-size fields",
          "[decoder][ipfix]") {
    DecoderHarness h;
    auto b = ipfix_pdu(0);
    b.begin_set(2)
        .template_record(256,
                         {
                             {8, 4},                      // sourceIPv4Address
                             {82, variable_length},       // interfaceName
                             {12, 4},                     // destinationIPv4Address
                             {1, 8, 29305},               // enterprise 29305's element 1
                             {2, 1},                      // packetDeltaCount, 1 byte
                             {1, 3},                      // octetDeltaCount, 3 bytes
                             {210, 3},                    // paddingOctets: not read
                             {1000, variable_length, 9},  // enterprise, variable
                             {4, 1},                      // protocolIdentifier
                             {10, 2},                     // ingressInterface, 2 bytes
                         })
        .end_set();
    b.begin_set(256);
    // 1-byte length form.
    b.record()
        .u32(ip(10, 9, 0, 1))
        .varlen({'e', 't', 'h', '0'})
        .u32(ip(10, 9, 0, 2))
        .u64(0xFFFFFFFFFFFFFFFFull)
        .u8(200)
        .raw({0x12, 0x34, 0x56})
        .zeros(3)
        .varlen({1, 2, 3})
        .u8(17)
        .u16(7);
    // 3-byte length form, 300 bytes, and 255 in the long form too.
    b.record()
        .u32(ip(10, 9, 0, 3))
        .varlen(std::vector<std::uint8_t>(300, 'x'))
        .u32(ip(10, 9, 0, 4))
        .u64(1)
        .u8(1)
        .raw({0, 0, 40})
        .zeros(3)
        .varlen({9}, true)
        .u8(1)
        .u16(65535);
    b.end_set();
    REQUIRE(feed(h, b.bytes()).accepted());
    REQUIRE(h.records.size() == 2);
    const Record& a = h.records[0];
    CHECK(a.srcaddr == ip(10, 9, 0, 1));
    CHECK(a.dstaddr == ip(10, 9, 0, 2));
    CHECK(a.dpkts == 200);
    CHECK(a.doctets == 0x123456);  // not the enterprise element numbered 1
    CHECK(a.prot == 17);
    CHECK(a.input == 7);
    const Record& c = h.records[1];
    CHECK(c.srcaddr == ip(10, 9, 0, 3));
    CHECK(c.dstaddr == ip(10, 9, 0, 4));
    CHECK(c.dpkts == 1);
    CHECK(c.doctets == 40);
    CHECK(c.prot == 1);
    CHECK(c.input == 65535);
    CHECK(stats(h).fit.ifindex_clamped == 0);
    CHECK(stats(h).malformed_sets == 0);
}

TEST_CASE("IPFIX: 64-bit counters over 2^32-1 become records whose sums are exact",
          "[decoder][ipfix]") {
    DecoderHarness h;
    auto b = ipfix_pdu(0);
    b.begin_set(2)
        .template_record(256, {{8, 4}, {12, 4}, {2, 8}, {1, 8}, {152, 8}, {153, 8}})
        .end_set();
    const std::uint64_t octets = 3 * max32 + 5;  // 4 records' worth
    const std::uint64_t packets = 10;
    const std::int64_t start = export_ms - 60000, end = export_ms - 1000;
    const auto flow = [&](std::uint32_t src, std::uint64_t p, std::uint64_t o) {
        b.record()
            .u32(src)
            .u32(ip(10, 0, 0, 99))
            .u64(p)
            .u64(o)
            .u64(static_cast<std::uint64_t>(start))
            .u64(static_cast<std::uint64_t>(end));
    };
    b.begin_set(256);
    flow(ip(10, 0, 0, 1), 2, 100);
    flow(ip(10, 0, 0, 2), packets, octets);
    flow(ip(10, 0, 0, 3), 5 * max32, 5 * max32);  // exactly 5 full records
    flow(ip(10, 0, 0, 4), 1, 40);
    b.end_set();
    const auto r = feed(h, b.bytes());
    REQUIRE(r.accepted());
    REQUIRE(h.records.size() == 1 + 4 + 5 + 1);
    CHECK(r.records == 11);
    CHECK(h.records[0].srcaddr == ip(10, 0, 0, 1));
    std::uint64_t sum_octets = 0, sum_packets = 0;
    for (std::size_t i = 1; i <= 4; ++i) {
        const Record& part = h.records[i];
        CHECK(part.srcaddr == ip(10, 0, 0, 2));
        const flowfile::FlowTimes t = flowfile::flow_times(part);
        CHECK(t.start_ms == start);
        CHECK(t.end_ms == end);
        sum_octets += part.doctets;
        sum_packets += part.dpkts;
    }
    CHECK(sum_octets == octets);
    CHECK(sum_packets == packets);
    for (std::size_t i = 5; i <= 9; ++i) {
        CHECK(h.records[i].srcaddr == ip(10, 0, 0, 3));
        CHECK(h.records[i].doctets == max32);
        CHECK(h.records[i].dpkts == max32);
    }
    CHECK(h.records[10].srcaddr == ip(10, 0, 0, 4));
    CHECK(h.records[10].doctets == 40);
    CHECK(stats(h).fit.split_flows == 2);
    CHECK(stats(h).fit.extra_records == 3 + 4);
    CHECK(h.decoder.stats().flows == 4);  // flows as exported
    CHECK(exporter_of(h, r).counters.flows == 4);
}

TEST_CASE("IPFIX: one datagram cannot become more than max_records_per_datagram records",
          "[decoder][ipfix]") {
    DecoderHarness h;
    auto b = ipfix_pdu(0);
    b.begin_set(2).template_record(256, {{8, 4}, {12, 4}, {1, 8}}).end_set();
    // Each needs max_split_records records; the first ones use up the budget.
    const std::uint64_t octets = capture::max_split_records * max32;
    const std::size_t fitting = capture::max_records_per_datagram / capture::max_split_records;
    b.begin_set(256);
    for (std::size_t i = 0; i < fitting + 2; ++i)
        b.record().u32(ip(10, 0, 0, 1)).u32(ip(10, 0, 0, 2)).u64(octets);
    b.end_set();
    const auto r = feed(h, b.bytes());
    REQUIRE(r.accepted());
    CHECK(h.records.size() == capture::max_records_per_datagram);
    CHECK(stats(h).fit.oversized == 2);
    CHECK(lines_with(h.take_lines(), "counted as oversized_flows") == 1);
}

TEST_CASE("v9: AS numbers over 65535, ifIndex over 65535 and IPv6 flows", "[decoder][v9]") {
    DecoderHarness h;
    auto b = v9_pdu(0);
    b.begin_set(0)
        .template_record(256, {{8, 4}, {12, 4}, {16, 4}, {17, 4}, {10, 4}, {14, 4}, {2, 4}, {1, 4}})
        .template_record(257, {{27, 16}, {28, 16}, {2, 4}, {1, 4}})
        .end_set();
    b.begin_set(256)
        .record()
        .u32(ip(10, 0, 0, 1))
        .u32(ip(10, 0, 0, 2))
        .u32(4200000000u)  // 4-byte AS
        .u32(65535)        // the largest 2-byte AS stays
        .u32(70000)        // ifIndex beyond 16 bits
        .u32(12)
        .u32(1)
        .u32(64)
        .record()
        .u32(ip(10, 0, 0, 3))
        .u32(ip(10, 0, 0, 4))
        .u32(64512)
        .u32(65536)
        .u32(1)
        .u32(65536)
        .u32(1)
        .u32(64)
        .end_set();
    std::vector<std::uint8_t> v6(16, 0);
    v6[0] = 0x20;
    v6[1] = 0x01;
    v6[2] = 0x0d;
    v6[3] = 0xb8;
    b.begin_set(257).record().raw(v6).raw(v6).u32(1).u32(80).end_set();
    const auto r = feed(h, b.bytes());
    REQUIRE(r.accepted());
    REQUIRE(h.records.size() == 2);
    CHECK(h.records[0].src_as == 23456);
    CHECK(h.records[0].dst_as == 65535);
    CHECK(h.records[0].input == 65535);
    CHECK(h.records[0].output == 12);
    CHECK(h.records[1].src_as == 64512);
    CHECK(h.records[1].dst_as == 23456);
    CHECK(h.records[1].input == 1);
    CHECK(h.records[1].output == 65535);
    // Counted per flow, not per field.
    CHECK(stats(h).fit.as_trans == 2);
    CHECK(stats(h).fit.ifindex_clamped == 2);
    // The IPv6 flow goes to the IPv6 series, counted there and only there.
    REQUIRE(h.records6.size() == 1);
    CHECK(r.records == 2);
    CHECK(r.records6 == 1);
    CHECK(h.records6[0].srcaddr[0] == 0x20);
    CHECK(h.records6[0].dpkts == 1);
    CHECK(h.records6[0].doctets == 80);
    CHECK(h.records6[0].exaddr == flowfile::ipv4_mapped(router));
    CHECK(stats(h).fit.ipv6_flows == 1);
    CHECK(exporter_of(h, r).counters.ipv6_flows == 1);
    CHECK(h.decoder.stats().flows == 3);
    CHECK(lines_with(h.take_lines(), "IPv6") == 0);
    auto again = v9_pdu(1);
    again.begin_set(257).record().raw(v6).raw(v6).u32(1).u32(80).end_set();
    REQUIRE(feed(h, again.bytes()).accepted());
    CHECK(stats(h).fit.ipv6_flows == 2);
    CHECK(h.records6.size() == 2);
    CHECK(h.take_lines().empty());
}

TEST_CASE("v9: an options record's sampling interval is logged once", "[decoder][v9]") {
    DecoderHarness h;
    auto b = v9_pdu(0);
    // RFC 3954 §6.1: scope System (1), options SAMPLING_INTERVAL (34) and
    // SAMPLING_ALGORITHM (35).
    b.begin_set(1).options_template_record(300, {{1, 4}}, {{34, 4}, {35, 1}}).end_set(3);
    b.begin_set(300).record().u32(0).u32(100).u8(2).end_set(3);
    v9_template(b);
    v9_data(b, {web_flow()});
    REQUIRE(feed(h, b.bytes()).accepted());
    CHECK(stats(h).options_records == 1);
    REQUIRE(h.records.size() == 1);
    CHECK(h.records[0].dpkts == web_flow().packets);  // as received, not scaled
    const std::string line =
        "NetFlow v9 exporter 192.0.2.1 domain 258: samples 1 in 100 packets; flows are stored "
        "as received, not scaled";
    CHECK(lines_with(h.take_lines(), line) == 1);

    auto again = v9_pdu(1);
    again.begin_set(300).record().u32(0).u32(100).u8(2).end_set(3);
    REQUIRE(feed(h, again.bytes()).accepted());
    CHECK(stats(h).options_records == 2);
    CHECK(h.take_lines().empty());
}

// ---------------------------------------------------------------------------
// Hostile input: refused, counted and logged once, never a crash

TEST_CASE("malformed templates are refused, counted and logged once per exporter",
          "[decoder][ipfix][hostile]") {
    struct Case {
        std::string name;
        std::vector<std::uint8_t> set;  // a template set's body
        std::string problem;
    };
    const auto body = [](const std::vector<FieldSpec>& fields, std::uint16_t id,
                         std::uint16_t count) {
        std::vector<std::uint8_t> out = {
            static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id),
            static_cast<std::uint8_t>(count >> 8), static_cast<std::uint8_t>(count)};
        for (const FieldSpec& f : fields) {
            out.push_back(static_cast<std::uint8_t>(f.id >> 8));
            out.push_back(static_cast<std::uint8_t>(f.id));
            out.push_back(static_cast<std::uint8_t>(f.length >> 8));
            out.push_back(static_cast<std::uint8_t>(f.length));
        }
        return out;
    };
    const std::vector<Case> cases = {
        {"field count past the datagram", body({{8, 4}, {12, 4}}, 256, 1000),
         "template 256 refused: its field count runs past the set"},
        {"zero-length field", body({{8, 4}, {12, 0}}, 256, 2),
         "template 256 refused: field 12 has length 0"},
        {"template ID below 256", body({{8, 4}}, 255, 1),
         "template 255 refused: template ID below 256"},
    };
    for (const Case& c : cases) {
        DYNAMIC_SECTION(c.name) {
            DecoderHarness h;
            const auto pdu = [&](std::uint32_t seq) {
                auto b = ipfix_pdu(seq);
                b.begin_set(2).raw(c.set).end_set();
                return b.bytes();
            };
            const auto r = feed(h, pdu(0));
            REQUIRE(r.accepted());  // the framing is sound; the template is not
            CHECK(stats(h).malformed_templates == 1);
            CHECK(h.decoder.templates().templates() == 0);
            CHECK(lines_with(h.take_lines(),
                             ipfix_who + c.problem + " (counted; logged once per exporter)") == 1);
            REQUIRE(feed(h, pdu(0)).accepted());
            CHECK(stats(h).malformed_templates == 2);
            CHECK(h.take_lines().empty());
            CHECK(h.counters.corrupt_packets == 0);
        }
    }
}

TEST_CASE("datagrams with broken framing are rejected, counted and logged once a minute",
          "[decoder][ipfix][v9][hostile]") {
    struct Case {
        std::string name;
        std::vector<std::uint8_t> bytes;
        std::string line;
    };
    auto zero = ipfix_pdu(0);
    zero.begin_set(2).end_set(0, 0);
    auto beyond = ipfix_pdu(0);
    beyond.begin_set(256).zeros(20).end_set(0, 100);
    auto full = ipfix_pdu(0);
    a2_template(full);
    auto full_bytes = full.bytes();
    auto reserved = ipfix_pdu(0);
    reserved.begin_set(5).zeros(4).end_set();
    auto v9_reserved = v9_pdu(0);
    v9_reserved.begin_set(2).zeros(4).end_set();
    auto trailing = ipfix_pdu(0);
    a2_template(trailing);
    trailing.zeros(2);
    const std::vector<Case> cases = {
        {"set length 0", zero.bytes(),
         "IPFIX datagram from 192.0.2.1 rejected: set 2 at byte 16 has length 0"},
        {"set beyond the datagram", beyond.bytes(),
         "IPFIX datagram from 192.0.2.1 rejected: set 256 at byte 16 runs past the end (100 "
         "bytes, 24 left)"},
        {"IPFIX length field above the datagram",
         full.bytes(static_cast<std::uint16_t>(full_bytes.size() + 8)),
         "IPFIX datagram from 192.0.2.1 rejected: message length 52 but 44 bytes received"},
        {"IPFIX length field below the datagram",
         full.bytes(static_cast<std::uint16_t>(full_bytes.size() - 4)),
         "IPFIX datagram from 192.0.2.1 rejected: message length 40 but 44 bytes received"},
        {"bytes after the last IPFIX set", trailing.bytes(),
         "IPFIX datagram from 192.0.2.1 rejected: 2 bytes after the last set"},
        {"reserved IPFIX set ID", reserved.bytes(),
         "IPFIX datagram from 192.0.2.1 rejected: set ID 5 at byte 16 is reserved"},
        {"reserved v9 set ID", v9_reserved.bytes(),
         "NetFlow v9 datagram from 192.0.2.1 rejected: set ID 2 at byte 20 is reserved"},
    };
    for (const Case& c : cases) {
        DYNAMIC_SECTION(c.name) {
            DecoderHarness h;
            const auto r = feed(h, c.bytes);
            CHECK(r.reason == RejectReason::malformed);
            CHECK(r.exporter == capture::no_exporter);
            CHECK(h.counters.corrupt_packets == 1);
            CHECK(h.records.empty());
            CHECK(h.decoder.exporters().size() == 0);
            CHECK(h.take_lines() == std::vector<std::string>{c.line});
            // The same damage again within a minute: counted, not logged.
            CHECK(feed(h, c.bytes, router, router_port, export_secs + 59).reason ==
                  RejectReason::malformed);
            CHECK(h.take_lines().empty());
            CHECK(feed(h, c.bytes, router, router_port, export_secs + 60).reason ==
                  RejectReason::malformed);
            CHECK(h.take_lines() ==
                  std::vector<std::string>{
                      c.line + " (1 more malformed v9/IPFIX datagrams since the last such line)"});
            CHECK(h.counters.corrupt_packets == 3);
            CHECK(h.decoder.stats().rejected_for(RejectReason::malformed) == 3);
        }
    }
}

TEST_CASE("data records running past their set: the rest of the set is dropped and counted",
          "[decoder][ipfix][hostile]") {
    DecoderHarness h;
    auto b = ipfix_pdu(0);
    b.begin_set(2).template_record(256, {{8, 4}, {12, 4}, {82, variable_length}}).end_set();
    b.begin_set(256);
    b.record().u32(ip(10, 0, 0, 1)).u32(ip(10, 0, 0, 2)).varlen({'a'});
    // Claims 200 bytes of interface name; 3 follow.
    b.record().u32(ip(10, 0, 0, 3)).u32(ip(10, 0, 0, 4)).u8(200).raw({'b', 'c', 'd'});
    b.end_set();
    const auto r = feed(h, b.bytes());
    REQUIRE(r.accepted());
    REQUIRE(h.records.size() == 1);
    CHECK(h.records[0].srcaddr == ip(10, 0, 0, 1));
    CHECK(stats(h).malformed_sets == 1);
    CHECK(lines_with(h.take_lines(), ipfix_who +
                                         "data set 256: a record runs past the set (rest of the "
                                         "set dropped, counted; logged once)") == 1);
    // The message's record count is unknown: no sequence verdict next time.
    auto next = ipfix_pdu(57);
    a2_template(next);
    REQUIRE(feed(h, next.bytes()).accepted());
    CHECK(h.counters.empty());
    REQUIRE(feed(h, b.bytes()).accepted());
    CHECK(stats(h).malformed_sets == 2);
    CHECK(h.take_lines().empty());
}

TEST_CASE("template store caps hold against floods", "[decoder][ipfix][hostile]") {
    DecoderSettings settings;
    SECTION("template IDs beyond max_templates_per_scope") {
        settings.templates.max_templates_per_scope = 4;
        DecoderHarness h(settings);
        auto b = ipfix_pdu(0);
        b.begin_set(2);
        for (std::uint16_t id = 256; id < 266; ++id) b.template_record(id, rfc7011_a2_fields);
        b.end_set();
        REQUIRE(feed(h, b.bytes()).accepted());
        CHECK(stats(h).templates == 4);
        CHECK(stats(h).refused_templates == 6);
        CHECK(h.decoder.templates().templates() == 4);
        CHECK(lines_with(h.take_lines(), ipfix_who +
                                             "template 260 refused: too many templates in domain "
                                             "(counted; logged once per exporter)") == 1);
        // Accepted IDs decode, refused ones are data without template.
        auto d = ipfix_pdu(0);
        a3_data(d, rfc7011_a3_records, 259);
        a3_data(d, rfc7011_a3_records, 260);
        REQUIRE(feed(h, d.bytes()).accepted());
        CHECK(h.records.size() == 3);
        CHECK(stats(h).no_template_sets == 1);
        REQUIRE(feed(h, b.bytes()).accepted());
        CHECK(stats(h).refused_templates == 12);
        CHECK(lines_with(h.take_lines(), "refused") == 0);
    }
    SECTION("domains beyond max_domains_per_exporter") {
        settings.templates.max_domains_per_exporter = 2;
        DecoderHarness h(settings);
        for (std::uint32_t domain = 1; domain <= 3; ++domain) {
            auto b = ipfix_pdu(0, domain);
            a2_template(b);
            a3_data(b);
            REQUIRE(feed(h, b.bytes()).accepted());
        }
        CHECK(h.records.size() == 6);
        CHECK(stats(h).refused_templates == 1);
        CHECK(stats(h).no_template_sets == 1);
        CHECK(h.decoder.templates().scopes() == 2);
        CHECK(lines_with(h.take_lines(),
                         "IPFIX exporter 192.0.2.1 domain 3: template 256 refused: too many "
                         "domains for this exporter (counted; logged once per exporter)") == 1);
        // Another exporter has its own allowance.
        auto other = ipfix_pdu(0, 3);
        a2_template(other);
        a3_data(other);
        REQUIRE(feed(h, other.bytes(), ip(192, 0, 2, 2)).accepted());
        CHECK(h.records.size() == 9);
    }
    SECTION("spoofed exporters beyond max_scopes") {
        settings.templates.max_scopes = 3;
        DecoderHarness h(settings);
        for (unsigned host = 1; host <= 5; ++host) {
            auto b = ipfix_pdu(0);
            a2_template(b);
            a3_data(b);
            REQUIRE(feed(h, b.bytes(), ip(203, 0, 113, host)).accepted());
        }
        CHECK(h.records.size() == 9);
        CHECK(stats(h).refused_templates == 2);
        CHECK(h.decoder.templates().scopes() == 3);
        const auto lines = h.take_lines();
        CHECK(lines_with(lines, "template 256 refused: too many exporter domains") == 2);
        CHECK(lines_with(lines, "IPFIX exporter 203.0.113.4 domain 1: template 256 refused") == 1);
        // Known exporters keep working.
        auto d = ipfix_pdu(3);
        a3_data(d);
        REQUIRE(feed(h, d.bytes(), ip(203, 0, 113, 1)).accepted());
        CHECK(h.records.size() == 12);
    }
}

TEST_CASE("a template not refreshed within lifetime_seconds expires", "[decoder][v9]") {
    DecoderSettings settings;
    settings.templates.lifetime_seconds = 100;
    DecoderHarness h(settings);
    auto t = v9_pdu(0);
    v9_template(t);
    REQUIRE(feed(h, t.bytes(), router, router_port, export_secs).accepted());

    // Data does not refresh a template: only its announcement does.
    auto d1 = v9_pdu(1);
    v9_data(d1, {web_flow()});
    REQUIRE(feed(h, d1.bytes(), router, router_port, export_secs + 100).accepted());
    CHECK(h.records.size() == 1);
    auto d2 = v9_pdu(2);
    v9_data(d2, {web_flow()});
    const auto r = feed(h, d2.bytes(), router, router_port, export_secs + 101);
    REQUIRE(r.accepted());
    CHECK(h.records.size() == 1);
    CHECK(stats(h).no_template_sets == 1);
    CHECK(exporter_of(h, r).counters.no_template_sets == 1);
    CHECK(h.decoder.templates().templates() == 0);
    CHECK(lines_with(h.take_lines(),
                     "NetFlow v9 exporter 192.0.2.1 domain 258: data for template 256 before its "
                     "template") == 1);

    // Announced again, it works again.
    auto t2 = v9_pdu(3);
    v9_template(t2);
    v9_data(t2, {web_flow()});
    REQUIRE(feed(h, t2.bytes(), router, router_port, export_secs + 102).accepted());
    CHECK(h.records.size() == 2);
}
