#include <catch2/catch.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "capture/decoder_harness.hpp"
#include "capture/export_f2_row.hpp"
#include "capture/pdu_builder.hpp"
#include "decode/pdu_decoder.hpp"
#include "decode/pdu_family.hpp"
#include "support/hex.hpp"

using capture::DecoderSettings;
using capture::RejectReason;
using flowfile::Record;
using flowkeep_test::build_pdu;
using flowkeep_test::DecoderHarness;
using flowkeep_test::example_flow;
using flowkeep_test::example_header;
using flowkeep_test::ip;
using flowkeep_test::PduHeader;

namespace {

const std::string verify_failed = "ftpdu_verify(): src_ip=127.0.0.2 failed.";

DecoderSettings stored_as(std::uint16_t version) {
    DecoderSettings s;
    s.stored_version = version;
    return s;
}

// The spec's example PDU (§3.2.1) in the given version, captured into a file
// of `stored` version, rendered as flow-export -f2 renders that version.
std::string example_row(std::uint16_t pdu_version, std::uint16_t stored, const std::string& cols) {
    DecoderHarness h(stored_as(stored));
    const auto r = h.feed(build_pdu(example_header(pdu_version), 1));
    REQUIRE(r.accepted());
    REQUIRE(h.records.size() == 1);
    return flowkeep_test::render_f2_row(flowkeep_test::split_csv(cols), h.records[0]);
}

const std::string v1_cols =
    "unix_secs,unix_nsecs,sysuptime,exaddr,dpkts,doctets,first,last,srcaddr,dstaddr,nexthop,input,"
    "output,srcport,dstport,prot,tos,tcp_flags";
const std::string v5_cols =
    "unix_secs,unix_nsecs,sysuptime,exaddr,dpkts,doctets,first,last,engine_type,engine_id,srcaddr,"
    "dstaddr,nexthop,input,output,srcport,dstport,prot,tos,tcp_flags,src_mask,dst_mask,src_as,"
    "dst_as";
const std::string v6_cols = v5_cols + ",in_encaps,out_encaps,nexthop";
const std::string v7_cols = v5_cols + ",router_sc";

}  // namespace

TEST_CASE("the test PDU builder reproduces the spec's example v5 datagram", "[decoder]") {
    const auto spec = flowkeep_test::from_xxd(R"(
00000000: 0005 0001 000f 4240 4ad6 ef80 075b cd15  ......B@J....[..
00000010: 0000 0064 0102 4005 0a00 0001 c0a8 0102  ...d..@.........
00000020: 0a00 00fe 0003 0004 0000 000a 0000 05dc  ................
00000030: 000f 2eb8 000f 3e58 04d2 0050 aa1b 0610  ......>X...P....
00000040: fde9 fdea 1810 bbbb                      ........
)");
    CHECK(build_pdu(example_header(5), {example_flow()}) == spec);
}

TEST_CASE("a v5 PDU becomes a v5 record without pad, sampling or sequence", "[decoder]") {
    DecoderHarness h(stored_as(5));
    const auto r = h.feed(build_pdu(example_header(5), {example_flow()}), ip(127, 0, 0, 2));
    REQUIRE(r.accepted());
    CHECK(r.records == 1);
    CHECK(r.counters.empty());
    REQUIRE(h.records.size() == 1);

    // file-format.md §6.2's decoded example, field for field.
    Record want;
    want.unix_secs = 1255600000;
    want.unix_nsecs = 123456789;
    want.sysuptime = 1000000;
    want.exaddr = ip(127, 0, 0, 2);
    want.srcaddr = ip(10, 0, 0, 1);
    want.dstaddr = ip(192, 168, 1, 2);
    want.nexthop = ip(10, 0, 0, 254);
    want.input = 3;
    want.output = 4;
    want.dpkts = 10;
    want.doctets = 1500;
    want.first = 995000;
    want.last = 999000;
    want.srcport = 1234;
    want.dstport = 80;
    want.prot = 6;
    want.tos = 0x10;
    want.tcp_flags = 0x1b;
    want.pad = 0;
    want.engine_type = 1;
    want.engine_id = 2;
    want.src_mask = 24;
    want.dst_mask = 16;
    want.src_as = 65001;
    want.dst_as = 65002;
    CHECK(h.records[0] == want);
    CHECK(h.take_lines() == std::vector<std::string>{
                                "New exporter: time=1255600000 src_ip=127.0.0.2 dst_ip=127.0.0.1 "
                                "d_version=5"});
}

TEST_CASE("each validation failure is rejected with flow-tools' exact log lines", "[decoder]") {
    struct Case {
        const char* what;
        std::vector<std::uint8_t> bytes;
        RejectReason reason;
        std::vector<std::string> lines;
    };
    auto v5 = [](std::size_t flows) { return build_pdu(example_header(5), flows); };
    auto with_count = [](std::uint16_t version, std::uint16_t count, std::size_t flows) {
        PduHeader hd = example_header(version);
        hd.count = count;
        return build_pdu(hd, flows);
    };
    auto plus_bytes = [](std::vector<std::uint8_t> b, std::size_t n) {
        b.insert(b.end(), n, 0);
        return b;
    };
    auto minus_bytes = [](std::vector<std::uint8_t> b, std::size_t n) {
        b.resize(b.size() - n);
        return b;
    };
    auto v8 = [](std::uint8_t method, std::uint8_t agg_version) {
        PduHeader hd = example_header(8);
        hd.aggregation = method;
        hd.agg_version = agg_version;
        return build_pdu(hd, 1);
    };
    auto version_field = [](std::uint16_t version) {
        auto b = build_pdu(example_header(5), 1);
        b[0] = static_cast<std::uint8_t>(version >> 8);
        b[1] = static_cast<std::uint8_t>(version);
        return b;
    };
    const std::string short_line = "not enough bytes to decode the count and version.";
    const std::string version_line = "ftpdu version not set.";
    std::vector<std::uint8_t> v8_short = v8(1, 2);
    v8_short.resize(23);

    const std::vector<Case> cases = {
        {"empty datagram", {}, RejectReason::too_short, {short_line, verify_failed}},
        {"3 bytes", {0, 5, 0}, RejectReason::too_short, {short_line, verify_failed}},
        {"version 0",
         version_field(0),
         RejectReason::unknown_version,
         {version_line, verify_failed}},
        {"version 11",
         version_field(11),
         RejectReason::unknown_version,
         {version_line, verify_failed}},
        {"v5 with 31 records",
         v5(31),
         RejectReason::malformed,
         {"too many pdus (31) in record, max 30", verify_failed}},
        {"v5 claiming 3 records, carrying 2",
         with_count(5, 3, 2),
         RejectReason::malformed,
         {"pdu received size was wrong.  expected 120 got 168", verify_failed}},
        {"v5 with one byte too many",
         plus_bytes(v5(2), 1),
         RejectReason::malformed,
         {"pdu received size was wrong.  expected 121 got 120", verify_failed}},
        {"v5 header only, count 1",
         with_count(5, 1, 0),
         RejectReason::malformed,
         {"pdu received size was wrong.  expected 24 got 72", verify_failed}},
        {"v5 cut to 2048 bytes like flow-tools' receive buffer",
         plus_bytes(v5(2), 3000),
         RejectReason::malformed,
         {"pdu received size was wrong.  expected 2048 got 120", verify_failed}},
        {"v1 with 25 records (silent)",
         build_pdu(example_header(1), 25),
         RejectReason::malformed,
         {verify_failed}},
        {"v1 with trailing bytes (silent)",
         plus_bytes(build_pdu(example_header(1), 2), 4),
         RejectReason::malformed,
         {verify_failed}},
        {"v6 with 28 records (silent)",
         build_pdu(example_header(6), 28),
         RejectReason::malformed,
         {verify_failed}},
        {"v7 4 bytes short (silent)",
         minus_bytes(build_pdu(example_header(7), 2), 4),
         RejectReason::malformed,
         {verify_failed}},
        {"v7 with 28 records (silent)",
         build_pdu(example_header(7), 28),
         RejectReason::malformed,
         {verify_failed}},
        {"v8 shorter than 24 bytes", v8_short, RejectReason::malformed, {verify_failed}},
        {"v8 aggregation version 3", v8(1, 3), RejectReason::malformed, {verify_failed}},
        {"v8 aggregation method 15", v8(15, 2), RejectReason::malformed, {verify_failed}},
        {"v8 method 1 with a padding byte",
         plus_bytes(v8(1, 2), 1),
         RejectReason::malformed,
         {verify_failed}},
        {"well-formed v8 into a v5 file",
         v8(1, 2),
         RejectReason::untranslatable,
         {"Unexpected PDU: src_ip=127.0.0.1 no v8 translation"}},
        {"v8 aggregation version 0 counts as 2",
         v8(1, 0),
         RejectReason::untranslatable,
         {"Unexpected PDU: src_ip=127.0.0.1 no v8 translation"}},
    };

    for (const Case& c : cases) {
        DYNAMIC_SECTION(c.what) {
            DecoderHarness h(stored_as(5));
            h.records.resize(3);  // earlier records of the batch stay as they are
            const auto r = h.feed(c.bytes);
            CHECK(r.reason == c.reason);
            CHECK_FALSE(r.accepted());
            CHECK(r.records == 0);
            CHECK(r.exporter == capture::no_exporter);
            CHECK(r.counters.corrupt_packets == 1);
            CHECK(r.counters.lost_flows == 0);
            CHECK(r.counters.seq_resets == 0);
            CHECK(h.records.size() == 3);
            CHECK(h.take_lines() == c.lines);
            CHECK(h.decoder.exporters().size() == 0);
            CHECK(h.decoder.stats().rejected_for(c.reason) == 1);
            CHECK(h.decoder.stats().accepted == 0);
        }
    }
}

TEST_CASE("Catalyst v8 methods may pad their datagrams, others may not", "[decoder]") {
    for (std::uint8_t method : {6, 7, 8}) {
        PduHeader hd = example_header(8);
        hd.aggregation = method;
        // Record sizes of methods 6, 7, 8: 32, 40, 44 bytes.
        const std::size_t size = method == 6 ? 32 : method == 7 ? 40 : 44;
        hd.count = 1;
        std::vector<std::uint8_t> b = build_pdu(hd, 0);
        b.resize(28 + size + 4);
        DecoderHarness h(stored_as(5));
        CHECK(h.feed(b).reason == RejectReason::untranslatable);
        b.resize(28 + size - 1);
        CHECK(h.feed(b).reason == RejectReason::malformed);
    }
}

TEST_CASE(
    "the spec's verified validation run: 7 corrupt (a v5 PDU labelled v9 too), valid v5 stored",
    "[decoder]") {
    DecoderHarness h(stored_as(5));
    auto v5 = [](std::size_t flows) { return build_pdu(example_header(5), flows); };
    PduHeader three = example_header(5);
    three.count = 3;
    auto extra = v5(2);
    extra.push_back(0);
    auto v9 = v5(1);
    v9[1] = 9;

    h.feed({1, 2, 3});
    h.feed(v9);
    h.feed(v5(31));
    h.feed(build_pdu(three, 2));
    h.feed(extra);
    h.feed(v5(1), ip(127, 0, 0, 2), 1795895855);
    h.feed(build_pdu(example_header(8), 1));
    h.feed(build_pdu(example_header(1), 25));

    // flow-tools counted the v9 datagram as corrupt, and so does flowkeep now
    // that it reads v9: a v5 PDU under version 9 is no valid set sequence.
    CHECK(h.counters.corrupt_packets == 7);
    CHECK(h.records.size() == 1);
    CHECK(h.take_lines() ==
          std::vector<std::string>{
              "not enough bytes to decode the count and version.",
              verify_failed,
              "NetFlow v9 datagram from 127.0.0.2 rejected: set 258 at byte 20 runs past the end "
              "(16389 bytes, 52 left)",
              "too many pdus (31) in record, max 30",
              verify_failed,
              "pdu received size was wrong.  expected 120 got 168",
              verify_failed,
              "pdu received size was wrong.  expected 121 got 120",
              verify_failed,
              "New exporter: time=1795895855 src_ip=127.0.0.2 dst_ip=127.0.0.1 d_version=5",
              "Unexpected PDU: src_ip=127.0.0.1 no v8 translation",
              verify_failed,
          });
}

TEST_CASE("a rejected datagram changes no exporter, sequence or STAT state", "[decoder]") {
    DecoderHarness h(stored_as(5));
    PduHeader hd = example_header(5);
    hd.flow_sequence = 100;
    REQUIRE(h.feed(build_pdu(hd, 2)).accepted());

    // Malformed (one trailing byte) with a sequence number far ahead.
    hd.flow_sequence = 5000;
    auto bad = build_pdu(hd, 2);
    bad.push_back(0);
    REQUIRE(h.feed(bad).reason == RejectReason::malformed);

    hd.flow_sequence = 102;
    const auto r = h.feed(build_pdu(hd, 2));
    REQUIRE(r.accepted());
    CHECK(r.counters.empty());
    const capture::Exporter& e = h.decoder.exporters().at(r.exporter);
    CHECK(e.counters.pkts == 2);
    CHECK(e.counters.flows == 4);
    CHECK(e.counters.lost == 0);
    CHECK(e.counters.reset == 0);
    CHECK(h.counters.corrupt_packets == 1);
}

TEST_CASE("the remote IP filter rejects other sources as corrupt", "[decoder]") {
    DecoderSettings s = stored_as(5);
    s.remote_ip = ip(127, 0, 0, 2);
    DecoderHarness h(s);

    CHECK(h.feed(build_pdu(example_header(5), 3), ip(127, 0, 0, 2)).accepted());
    h.take_lines();
    const auto r = h.feed(build_pdu(example_header(5), 3), ip(127, 0, 0, 4));
    CHECK(r.reason == RejectReason::unexpected_source);
    CHECK(r.counters.corrupt_packets == 1);
    CHECK(h.take_lines() ==
          std::vector<std::string>{"Unexpected PDU: src_ip=127.0.0.4 not configured"});
    CHECK(h.decoder.exporters().size() == 1);

    SECTION("a malformed datagram from another source is reported as malformed first") {
        auto bad = build_pdu(example_header(5), 1);
        bad.push_back(0);
        CHECK(h.feed(bad, ip(127, 0, 0, 4)).reason == RejectReason::malformed);
        CHECK(h.take_lines() ==
              std::vector<std::string>{"pdu received size was wrong.  expected 73 got 72",
                                       "ftpdu_verify(): src_ip=127.0.0.4 failed."});
    }
}

TEST_CASE("without -V the first valid PDU fixes the stored version", "[decoder]") {
    DecoderHarness h;  // no -V
    CHECK(h.decoder.stored_version() == 0);

    SECTION("rejected datagrams do not fix it") {
        h.feed({0, 1});
        auto bad = build_pdu(example_header(1), 1);
        bad.push_back(0);
        h.feed(bad);
        CHECK(h.feed(build_pdu(example_header(8), 1)).reason == RejectReason::untranslatable);
        CHECK(h.decoder.stored_version() == 0);
        CHECK(h.counters.corrupt_packets == 3);
    }

    SECTION("a v1 PDU makes a v1 capture and later v5 PDUs are translated") {
        REQUIRE(h.feed(build_pdu(example_header(1), 1)).accepted());
        CHECK(h.decoder.stored_version() == 1);
        REQUIRE(h.feed(build_pdu(example_header(5), 1)).accepted());
        CHECK(h.decoder.stored_version() == 1);
        REQUIRE(h.records.size() == 2);
        CHECK(h.records[1].engine_type == 0);
        CHECK(h.records[1].src_as == 0);
        CHECK(h.records[1].output == 4);
    }

    SECTION("a v7 PDU makes a v7 capture") {
        REQUIRE(h.feed(build_pdu(example_header(7), 1)).accepted());
        CHECK(h.decoder.stored_version() == 7);
        CHECK(h.records[0].router_sc == ip(1, 2, 3, 4));
    }

    SECTION("the remote filter is applied before the version is fixed") {
        DecoderSettings s;
        s.remote_ip = ip(127, 0, 0, 2);
        DecoderHarness filtered(s);
        filtered.feed(build_pdu(example_header(7), 1), ip(127, 0, 0, 9));
        CHECK(filtered.decoder.stored_version() == 0);
        filtered.feed(build_pdu(example_header(5), 1), ip(127, 0, 0, 2));
        CHECK(filtered.decoder.stored_version() == 5);
    }
}

TEST_CASE("the stored version (-V) must be one flowkeep can store", "[decoder]") {
    for (std::uint16_t v : {0, 1, 5, 6, 7, 1005}) CHECK_NOTHROW(capture::Decoder(stored_as(v), {}));
    for (std::uint16_t v : {2, 8, 9, 10})
        CHECK_THROWS_AS(capture::Decoder(stored_as(v), {}), std::invalid_argument);
}

TEST_CASE("translations reproduce the spec's flow-export rows", "[decoder]") {
    // netflow-pdus.md §5.3, exaddr 127.0.0.2.
    SECTION("v1 PDU into a v5 file: output is lost (flow-tools bug)") {
        CHECK(example_row(1, 5, v5_cols) ==
              "1255600000,123456789,1000000,127.0.0.2,10,1500,995000,999000,0,0,10.0.0.1,"
              "192.168.1.2,10.0.0.254,3,0,1234,80,6,16,27,0,0,0,0");
    }
    SECTION("v5 PDU into a v1 file") {
        CHECK(example_row(5, 1, v1_cols) ==
              "1255600000,123456789,1000000,127.0.0.2,10,1500,995000,999000,10.0.0.1,"
              "192.168.1.2,10.0.0.254,3,4,1234,80,6,16,27");
    }
    SECTION("v7 PDU into a v5 file: engine_type is the header's engine_id") {
        CHECK(example_row(7, 5, v5_cols) ==
              "1255600000,123456789,1000000,127.0.0.2,10,1500,995000,999000,2,0,10.0.0.1,"
              "192.168.1.2,10.0.0.254,3,4,1234,80,6,16,27,24,16,65001,65002");
    }
    SECTION("v7 PDU into a v7 file keeps router_sc") {
        CHECK(example_row(7, 7, v7_cols) ==
              "1255600000,123456789,1000000,127.0.0.2,10,1500,995000,999000,2,0,10.0.0.1,"
              "192.168.1.2,10.0.0.254,3,4,1234,80,6,16,27,24,16,65001,65002,1.2.3.4");
    }
    SECTION("v6 PDU into a v6 file drops the encapsulation and peer next hop") {
        CHECK(example_row(6, 6, v6_cols) ==
              "1255600000,123456789,1000000,127.0.0.2,10,1500,995000,999000,2,0,10.0.0.1,"
              "192.168.1.2,10.0.0.254,3,4,1234,80,6,16,27,24,16,65001,65002,0,0,0.0.0.0");
    }
}

TEST_CASE("translated records hold nothing their stored version lacks", "[decoder]") {
    auto decode_one = [](std::uint16_t pdu_version, std::uint16_t stored) {
        DecoderHarness h(stored_as(stored));
        REQUIRE(h.feed(build_pdu(example_header(pdu_version), 1)).accepted());
        REQUIRE(h.records.size() == 1);
        return h.records[0];
    };
    // Every field a v1 file has, from the example flow.
    Record v1;
    v1.unix_secs = 1255600000;
    v1.unix_nsecs = 123456789;
    v1.sysuptime = 1000000;
    v1.exaddr = ip(127, 0, 0, 2);
    v1.srcaddr = ip(10, 0, 0, 1);
    v1.dstaddr = ip(192, 168, 1, 2);
    v1.nexthop = ip(10, 0, 0, 254);
    v1.input = 3;
    v1.output = 4;
    v1.dpkts = 10;
    v1.doctets = 1500;
    v1.first = 995000;
    v1.last = 999000;
    v1.srcport = 1234;
    v1.dstport = 80;
    v1.prot = 6;
    v1.tos = 0x10;
    v1.tcp_flags = 0x1b;
    Record v5 = v1;
    v5.engine_type = 1;
    v5.engine_id = 2;
    v5.src_mask = 24;
    v5.dst_mask = 16;
    v5.src_as = 65001;
    v5.dst_as = 65002;
    Record v7 = v5;  // v6/v7 engine quirk
    v7.engine_type = 2;
    v7.engine_id = 0;
    Record v1_widened = v1;
    v1_widened.output = 0;

    CHECK(decode_one(1, 1) == v1);
    CHECK(decode_one(5, 1) == v1);
    CHECK(decode_one(6, 1) == v1);
    CHECK(decode_one(7, 1) == v1);
    CHECK(decode_one(1, 5) == v1_widened);
    CHECK(decode_one(1, 6) == v1_widened);
    CHECK(decode_one(1, 7) == v1_widened);
    // Through flow-tools' v5->v1005 routine output survives (netflow-pdus.md
    // §5.3 "avoid"); flowkeep keeps it and zeroes what that routine would
    // have read beyond the v1 record.
    CHECK(decode_one(1, 1005) == v1);
    CHECK(decode_one(5, 5) == v5);
    CHECK(decode_one(5, 6) == v5);
    CHECK(decode_one(5, 7) == v5);
    CHECK(decode_one(5, 1005) == v5);
    CHECK(decode_one(6, 5) == v7);
    CHECK(decode_one(6, 6) == v7);
    CHECK(decode_one(6, 7) == v7);
    CHECK(decode_one(7, 5) == v7);
    CHECK(decode_one(7, 6) == v7);
    CHECK(decode_one(7, 1005) == v7);
    Record v7_stored = v7;
    v7_stored.router_sc = ip(1, 2, 3, 4);
    CHECK(decode_one(7, 7) == v7_stored);
}

TEST_CASE("a PDU with count 0 is valid: exporter and sequence, no records", "[decoder]") {
    DecoderHarness h(stored_as(5));
    PduHeader hd = example_header(5);
    hd.flow_sequence = 500;
    const auto empty = build_pdu(hd, 0);
    REQUIRE(empty.size() == 24);
    const auto r = h.feed(empty);
    CHECK(r.accepted());
    CHECK(r.records == 0);
    CHECK(h.records.empty());
    CHECK(h.decoder.exporters().size() == 1);
    CHECK(h.take_lines().size() == 1);  // New exporter
    CHECK(h.decoder.exporters().at(r.exporter).counters.pkts == 1);

    // The sequence state exists: 500 is expected next, 510 is 10 lost.
    hd.flow_sequence = 510;
    const auto next = h.feed(build_pdu(hd, 1));
    CHECK(next.counters.lost_flows == 10);

    SECTION("v1 too") {
        DecoderHarness v1(stored_as(1));
        const auto e = build_pdu(example_header(1), 0);
        REQUIRE(e.size() == 16);
        CHECK(v1.feed(e).accepted());
    }
}

TEST_CASE("records are appended to the caller's buffer without reallocation", "[decoder]") {
    DecoderHarness h(stored_as(5));
    h.records.reserve(4 * capture::max_records_per_pdu);
    h.records.resize(1);
    const Record* data = h.records.data();
    for (int i = 0; i < 3; ++i) {
        PduHeader hd = example_header(5);
        hd.flow_sequence = 100 + 30 * static_cast<std::uint32_t>(i);
        CHECK(h.feed(build_pdu(hd, 30)).records == 30);
    }
    CHECK(h.records.size() == 91);
    CHECK(h.records.data() == data);
    CHECK(h.records[0] == Record{});
    CHECK(h.decoder.stats().flows == 90);
    CHECK(h.decoder.stats().accepted == 3);
}

TEST_CASE("exporters are told apart by source, local address, version and port", "[decoder]") {
    DecoderHarness h(stored_as(5));
    h.feed(build_pdu(example_header(5), 1), ip(127, 0, 0, 2));
    h.feed(build_pdu(example_header(1), 1), ip(127, 0, 0, 2));
    h.feed(build_pdu(example_header(5), 1), ip(127, 0, 0, 3));
    h.local_ip = ip(10, 0, 0, 1);
    h.feed(build_pdu(example_header(5), 1), ip(127, 0, 0, 2));
    h.local_port = 2055;
    h.feed(build_pdu(example_header(5), 1), ip(127, 0, 0, 2));
    PduHeader next = example_header(5);
    next.flow_sequence = 101;
    h.feed(build_pdu(next, 1), ip(127, 0, 0, 2));  // known by now, in sequence
    CHECK(h.decoder.exporters().size() == 5);
    CHECK(h.take_lines() ==
          std::vector<std::string>{
              "New exporter: time=1255600000 src_ip=127.0.0.2 dst_ip=127.0.0.1 d_version=5",
              "New exporter: time=1255600000 src_ip=127.0.0.2 dst_ip=127.0.0.1 d_version=1",
              "New exporter: time=1255600000 src_ip=127.0.0.3 dst_ip=127.0.0.1 d_version=5",
              "New exporter: time=1255600000 src_ip=127.0.0.2 dst_ip=10.0.0.1 d_version=5",
              "New exporter: time=1255600000 src_ip=127.0.0.2 dst_ip=10.0.0.1 d_version=5",
          });
}

TEST_CASE("beyond the exporter limit new exporters are rejected, logged once", "[decoder]") {
    DecoderSettings s = stored_as(5);
    s.max_exporters = 2;
    DecoderHarness h(s);
    CHECK(h.feed(build_pdu(example_header(5), 1), ip(10, 0, 0, 1)).accepted());
    CHECK(h.feed(build_pdu(example_header(5), 1), ip(10, 0, 0, 2)).accepted());
    h.take_lines();

    const auto r = h.feed(build_pdu(example_header(5), 1), ip(10, 0, 0, 3));
    CHECK(r.reason == RejectReason::exporter_limit);
    CHECK(r.counters.corrupt_packets == 1);
    CHECK(h.take_lines() == std::vector<std::string>{
                                "exporter limit of 2 reached: ignoring datagrams from new "
                                "exporters, first src_ip=10.0.0.3 dst_ip=127.0.0.1 d_version=5"});
    for (std::uint32_t i = 4; i < 100; ++i)
        CHECK(h.feed(build_pdu(example_header(5), 1), ip(10, 0, 0, i)).reason ==
              RejectReason::exporter_limit);
    CHECK(h.take_lines().empty());
    CHECK(h.decoder.exporters().size() == 2);
    CHECK(h.decoder.stats().rejected_for(RejectReason::exporter_limit) == 97);

    // Known exporters carry on.
    CHECK(h.feed(build_pdu(example_header(5), 1), ip(10, 0, 0, 1)).accepted());
    CHECK(h.records.size() == 3);
}

TEST_CASE("random datagrams are either rejected or decoded exactly", "[decoder]") {
    // A fixed-seed generator so a failure reproduces; run under the sanitizers
    // this also shows the decoder never reads outside the datagram.
    std::uint64_t state = 20091015;
    auto next = [&state]() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    const std::uint16_t versions[] = {1, 5, 6, 7, 8, 9, 0};
    const std::size_t header_size[] = {16, 24, 24, 24, 28, 24, 24};
    const std::size_t record_size[] = {48, 48, 52, 52, 28, 48, 48};

    DecoderHarness h;  // no -V: whichever valid version comes first
    std::size_t accepted = 0;
    for (int i = 0; i < 20000; ++i) {
        const std::size_t v = next() % 7;
        const std::uint16_t count = static_cast<std::uint16_t>(next() % 34);
        std::size_t length = header_size[v] + count * record_size[v];
        if (next() % 2 == 0) length = next() % 2100;
        std::vector<std::uint8_t> bytes(length);
        for (auto& b : bytes) b = static_cast<std::uint8_t>(next());
        // Version and count fields as chosen (the upper bytes zero).
        if (length >= 2) bytes[1] = static_cast<std::uint8_t>(versions[v]);
        if (length >= 4) bytes[3] = static_cast<std::uint8_t>(count);
        if (length >= 1) bytes[0] = 0;
        if (length >= 3) bytes[2] = 0;
        if (length >= 24 && versions[v] == 8) {
            bytes[22] = 1;  // aggregation method 1
            bytes[23] = 2;  // aggregation version
        }

        const std::size_t before = h.records.size();
        const auto r = h.feed(bytes, ip(10, 0, static_cast<unsigned>(next() % 4), 1));
        if (r.accepted() && versions[v] == 9) {
            // Random bytes can frame as v9 sets (or as none at all); what
            // they hold is decoded through whatever templates they define.
            ++accepted;
            CHECK(h.records.size() == before + r.records);
        } else if (r.accepted()) {
            ++accepted;
            CHECK(r.records == count);
            CHECK(length == header_size[v] + count * record_size[v]);
            CHECK(h.records.size() == before + count);
        } else {
            CHECK(r.records == 0);
            CHECK(h.records.size() == before);
        }
        if (h.records.size() > 10000) h.records.clear();
    }
    CHECK(accepted > 1000);
    CHECK(h.decoder.stats().datagrams == 20000);
    CHECK(h.decoder.stats().accepted == accepted);
}
