#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "capture/decoder_harness.hpp"
#include "capture/pdu_builder.hpp"
#include "exporters/sequence_tracker.hpp"

using capture::SequenceTracker;
using capture::SequenceVerdict;
using flowkeep_test::build_pdu;
using flowkeep_test::DecoderHarness;
using flowkeep_test::ip;
using flowkeep_test::PduHeader;

namespace {

constexpr std::uint16_t engine(std::uint8_t type, std::uint8_t id) {
    return static_cast<std::uint16_t>(id * 256 + type);
}

}  // namespace

TEST_CASE("the gap arithmetic is flow-tools', quirks included", "[sequence]") {
    CHECK(capture::sequence_gap(104, 111) == 7);
    CHECK(capture::sequence_gap(113, 5000) == 4887);
    // Backwards: a huge number, not a negative one.
    CHECK(capture::sequence_gap(5002, 10) == 4294962303u);
    // Across 2^32 one short of the true distance (21).
    CHECK(capture::sequence_gap(0xFFFFFFF0u, 5) == 20);
    CHECK(capture::sequence_gap(4294967236u, 4) == 63);
    CHECK(capture::sequence_gap(73369837, 12) == 4221597470u);
}

TEST_CASE("the spec's verified sequence table, engine by engine", "[sequence]") {
    SequenceTracker t;
    struct Step {
        std::uint16_t engine;
        std::uint32_t seq;
        SequenceVerdict verdict;
        std::uint32_t expected;
        std::uint32_t lost;
    };
    const std::vector<Step> steps = {
        {engine(1, 2), 100, SequenceVerdict::first, 0, 0},
        {engine(1, 2), 102, SequenceVerdict::in_order, 0, 0},
        {engine(1, 2), 111, SequenceVerdict::lost, 104, 7},
        {engine(1, 2), 5000, SequenceVerdict::reset, 113, 4887},
        {engine(1, 2), 10, SequenceVerdict::reset, 5002, 4294962303u},
        {engine(3, 4), 999, SequenceVerdict::first, 0, 0},
        {engine(3, 4), 1001, SequenceVerdict::in_order, 0, 0},
        {engine(9, 9), 0xFFFFFFEEu, SequenceVerdict::first, 0, 0},
        {engine(9, 9), 5, SequenceVerdict::lost, 0xFFFFFFF0u, 20},
        {engine(8, 8), 0xFFFFFFFEu, SequenceVerdict::first, 0, 0},
        {engine(8, 8), 0, SequenceVerdict::in_order, 0, 0},  // expected wrapped to 0
        {engine(8, 8), 1000, SequenceVerdict::lost, 2, 998},
    };
    for (const Step& s : steps) {
        INFO("engine " << s.engine << " seq " << s.seq);
        const capture::SequenceCheck c = t.check(s.engine, s.seq, 2);
        CHECK(c.verdict == s.verdict);
        if (s.verdict == SequenceVerdict::lost || s.verdict == SequenceVerdict::reset) {
            CHECK(c.expected == s.expected);
            CHECK(c.received == s.seq);
            CHECK(c.lost == s.lost);
        }
    }
    CHECK(t.engines() == 4);
}

TEST_CASE("a gap of exactly 1000 is a reset, 999 is loss", "[sequence]") {
    SequenceTracker t;
    t.check(0, 0, 1);
    CHECK(t.check(0, 1000, 1).verdict == SequenceVerdict::lost);   // expected 1: gap 999
    CHECK(t.check(0, 2001, 1).verdict == SequenceVerdict::reset);  // expected 1001: gap 1000
    CHECK(t.check(0, 2002, 1).verdict == SequenceVerdict::in_order);
}

TEST_CASE("engines beyond the per-exporter limit are not checked", "[sequence]") {
    SequenceTracker t(2);
    CHECK(t.check(engine(0, 1), 10, 1).verdict == SequenceVerdict::first);
    CHECK(t.check(engine(0, 2), 10, 1).verdict == SequenceVerdict::first);
    CHECK(t.check(engine(0, 3), 10, 1).verdict == SequenceVerdict::untracked);
    CHECK(t.check(engine(0, 3), 5000, 1).verdict == SequenceVerdict::untracked);
    CHECK(t.engines() == 2);
    // The tracked ones are unaffected.
    CHECK(t.check(engine(0, 1), 11, 1).verdict == SequenceVerdict::in_order);
    CHECK(t.check(engine(0, 2), 11, 1).verdict == SequenceVerdict::in_order);
}

TEST_CASE("the spec's verified sequence run through the decoder", "[sequence][decoder]") {
    capture::DecoderSettings s;
    s.stored_version = 5;
    DecoderHarness h(s);
    const std::int64_t t = 1795895844;
    auto v5 = [&](std::uint8_t type, std::uint8_t id, std::uint32_t seq,
                  std::uint32_t source = ip(127, 0, 0, 2)) {
        PduHeader hd = flowkeep_test::example_header(5);
        hd.engine_type = type;
        hd.engine_id = id;
        hd.flow_sequence = seq;
        h.feed(build_pdu(hd, 2), source, t);
    };
    v5(1, 2, 100);
    v5(1, 2, 102);
    v5(1, 2, 111);
    v5(1, 2, 5000);
    v5(1, 2, 10);
    v5(3, 4, 999);
    v5(3, 4, 1001);
    v5(9, 9, 0xFFFFFFEEu);
    v5(9, 9, 5);
    v5(8, 8, 0xFFFFFFFEu);
    v5(8, 8, 0);
    v5(8, 8, 1000);
    v5(0, 0, 0, ip(127, 0, 0, 3));
    v5(0, 0, 2, ip(127, 0, 0, 3));
    for (int i = 0; i < 2; ++i) {
        // v1 has no sequence number: never checked.
        h.feed(build_pdu(flowkeep_test::example_header(1), 2), ip(127, 0, 0, 3), t);
    }

    CHECK(h.counters.lost_flows == 1025);
    CHECK(h.counters.seq_resets == 2);
    CHECK(h.counters.corrupt_packets == 0);
    CHECK(h.records.size() == 32);
    const std::string seq = "ftpdu_seq_check(): src_ip=127.0.0.2 dst_ip=127.0.0.1 d_version=5 ";
    CHECK(h.take_lines() ==
          std::vector<std::string>{
              "New exporter: time=1795895844 src_ip=127.0.0.2 dst_ip=127.0.0.1 d_version=5",
              seq + "expecting=104 received=111 lost=7",
              seq + "expecting=113 received=5000 lost=4887",
              seq + "expecting=5002 received=10 lost=4294962303",
              seq + "expecting=4294967280 received=5 lost=20",
              seq + "expecting=2 received=1000 lost=998",
              "New exporter: time=1795895844 src_ip=127.0.0.3 dst_ip=127.0.0.1 d_version=5",
              "New exporter: time=1795895844 src_ip=127.0.0.3 dst_ip=127.0.0.1 d_version=1",
          });

    // STAT counters of 127.0.0.2 v5.
    const auto& table = h.decoder.exporters();
    const capture::Exporter& a =
        table.at(table.find({ip(127, 0, 0, 2), ip(127, 0, 0, 1), 5, 9991}));
    CHECK(a.counters.pkts == 12);
    CHECK(a.counters.flows == 24);
    CHECK(a.counters.lost == 1025);
    CHECK(a.counters.reset == 2);
}

TEST_CASE("the decoder logs the engine limit once per exporter", "[sequence][decoder]") {
    capture::DecoderSettings s;
    s.stored_version = 5;
    s.max_engines_per_exporter = 1;
    DecoderHarness h(s);
    for (std::uint8_t id : {1, 2, 3}) {
        PduHeader hd = flowkeep_test::example_header(5);
        hd.engine_type = 0;
        hd.engine_id = id;
        CHECK(h.feed(build_pdu(hd, 1)).accepted());
    }
    CHECK(h.take_lines() ==
          std::vector<std::string>{
              "New exporter: time=1255600000 src_ip=127.0.0.2 dst_ip=127.0.0.1 d_version=5",
              "sequence check limited to 1 engines: src_ip=127.0.0.2 dst_ip=127.0.0.1 "
              "d_version=5 engine_type=0 engine_id=2 not checked",
          });
    CHECK(h.counters.empty());
    CHECK(h.records.size() == 3);
}
