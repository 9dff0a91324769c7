// What flow-send puts on the wire, decoded by flow-capture's own Decoder: the
// v5, NetFlow v9 and IPFIX datagrams of a run (--dump keeps a copy of each)
// must give back the traffic model's flows field for field, in order, per
// exporter, with no sequence gap, no data before its template, templates as
// often as asked, and datagrams filled up to the MTU.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "decode/pdu_decoder.hpp"
#include "flowfile/ipv4_text.hpp"
#include "isp_traffic.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using flowfile::Record;

namespace {

constexpr std::uint64_t run_flows = 6000;
constexpr std::uint64_t run_seed = 7;
constexpr std::uint32_t run_start = 1767261600;  // 2026-01-01 10:00:00 UTC
constexpr std::size_t max_datagram = 1472;

struct Sent {
    std::uint32_t source = 0;
    std::vector<std::uint8_t> bytes;
};

std::uint32_t be16(const std::vector<std::uint8_t>& b, std::size_t at) {
    return std::uint32_t{b[at]} << 8 | b[at + 1];
}
std::uint32_t be32(const std::vector<std::uint8_t>& b, std::size_t at) {
    return be16(b, at) << 16 | be16(b, at + 2);
}

std::uint32_t parse_ipv4(const std::string& text) {
    std::uint32_t a = 0;
    std::size_t at = 0;
    for (int i = 0; i < 4; ++i) {
        const std::size_t dot = text.find('.', at);
        a = a << 8 | static_cast<std::uint32_t>(std::stoul(text.substr(at, dot - at)));
        at = dot + 1;
    }
    return a;
}

// Runs flow-send unpaced to a port where nothing listens and returns the
// datagrams it dumped, in sending order.
std::vector<Sent> run_flow_send(const flowkeep_test::TempDir& dir, const std::string& args) {
    const fs::path dump = dir / "dump";
    const std::string command = std::string("'") + FLOW_SEND_BIN +
                                "' 127.0.0.1:9 --rate max --flows " + std::to_string(run_flows) +
                                " --seed " + std::to_string(run_seed) + " --start-time " +
                                std::to_string(run_start) + " --dump '" + dump.string() + "' " +
                                args + " > '" + (dir / "out").string() + "' 2>&1";
    INFO(command);
    REQUIRE(std::system(command.c_str()) == 0);

    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dump)) files.push_back(e.path());
    std::sort(files.begin(), files.end());  // NUMBER- is zero-padded
    std::vector<Sent> out;
    for (const fs::path& f : files) {
        const std::string name = f.stem().string();
        Sent s;
        s.source = parse_ipv4(name.substr(name.find('-') + 1));
        std::ifstream in(f, std::ios::binary);
        s.bytes.assign(std::istreambuf_iterator<char>(in), {});
        out.push_back(std::move(s));
    }
    return out;
}

// The flows flow-send took from the model, per exporter address: whole
// packets, the last one cut to the flow count.
std::map<std::uint32_t, std::vector<Record>> model_flows() {
    flowkeep::bench::IspTrafficProfile profile;
    profile.seed = run_seed;
    profile.start_unix_secs = run_start;
    profile.flows_per_second = 1e6;  // flow-send's model clock when unpaced
    flowkeep::bench::IspTraffic traffic(profile);
    std::map<std::uint32_t, std::vector<Record>> out;
    std::uint64_t taken = 0;
    while (taken < run_flows) {
        const flowkeep::bench::ExportPacket p = traffic.next_packet();
        const std::size_t n = std::min<std::uint64_t>(p.flows.size(), run_flows - taken);
        auto& flows = out[profile.exporters[p.exporter].address];
        flows.insert(flows.end(), p.flows.begin(),
                     p.flows.begin() + static_cast<std::ptrdiff_t>(n));
        taken += n;
    }
    return out;
}

struct Decoded {
    std::map<std::uint32_t, std::vector<Record>> flows;  // per exporter
    capture::FileCounters counters;
    capture::DecoderStats stats;
    std::vector<std::string> log;
};

Decoded decode(const std::vector<Sent>& sent) {
    Decoded d;
    capture::Decoder decoder({}, [&](const std::string& line) { d.log.push_back(line); });
    for (const Sent& s : sent) {
        capture::Datagram datagram;
        datagram.bytes = s.bytes;
        datagram.source_ip = s.source;
        datagram.source_port = 40000;
        datagram.local_ip = 0x7f000001;
        datagram.local_port = 9995;
        datagram.receive_time = run_start;
        std::vector<Record> out;
        std::vector<flowfile::Record6> out6;
        const capture::DecodeResult r = decoder.decode(datagram, out, out6);
        INFO("datagram of " << s.bytes.size() << " bytes from " << flowfile::ipv4_text(s.source));
        REQUIRE(r.accepted());
        d.counters.add(r.counters);
        auto& flows = d.flows[s.source];
        flows.insert(flows.end(), out.begin(), out.end());
    }
    d.stats = decoder.stats();
    return d;
}

// Milliseconds since 1970 of a time a record gives in its exporter's uptime.
std::int64_t unix_ms(const Record& r, std::uint32_t uptime_ms) {
    return std::int64_t{r.unix_secs} * 1000 + r.unix_nsecs / 1000000 - r.sysuptime + uptime_ms;
}

enum class Clock { v5_header, uptime, absolute };

// Every flow of every exporter against the model, naming the first field
// that differs.
void require_model_flows(const Decoded& d, Clock clock, bool engine_kept) {
    const auto model = model_flows();
    REQUIRE(d.flows.size() == model.size());
    for (const auto& [source, expected] : model) {
        INFO("exporter " << flowfile::ipv4_text(source));
        REQUIRE(d.flows.count(source) == 1);
        const std::vector<Record>& got = d.flows.at(source);
        REQUIRE(got.size() == expected.size());
        for (std::size_t i = 0; i < got.size(); ++i) {
            const Record& g = got[i];
            const Record& m = expected[i];
            INFO("flow " << i);
            CHECK(g.exaddr == source);
            CHECK(g.srcaddr == m.srcaddr);
            CHECK(g.dstaddr == m.dstaddr);
            CHECK(g.nexthop == m.nexthop);
            CHECK(g.input == m.input);
            CHECK(g.output == m.output);
            CHECK(g.dpkts == m.dpkts);
            CHECK(g.doctets == m.doctets);
            CHECK(g.srcport == m.srcport);
            CHECK(g.dstport == m.dstport);
            CHECK(g.prot == m.prot);
            CHECK(g.tos == m.tos);
            CHECK(g.tcp_flags == m.tcp_flags);
            CHECK(g.src_as == m.src_as);
            CHECK(g.dst_as == m.dst_as);
            CHECK(g.src_mask == m.src_mask);
            CHECK(g.dst_mask == m.dst_mask);
            CHECK(g.engine_type == (engine_kept ? m.engine_type : 0));
            CHECK(g.engine_id == (engine_kept ? m.engine_id : 0));
            switch (clock) {
                case Clock::v5_header:
                    CHECK(g.unix_secs == m.unix_secs);
                    CHECK(g.unix_nsecs == m.unix_nsecs);
                    CHECK(g.sysuptime == m.sysuptime);
                    CHECK(g.first == m.first);
                    CHECK(g.last == m.last);
                    break;
                case Clock::uptime:
                    // The router's own uptime values, as it sent them.
                    CHECK(g.first == m.first);
                    CHECK(g.last == m.last);
                    break;
                case Clock::absolute:
                    CHECK(unix_ms(g, g.first) == unix_ms(m, m.first));
                    CHECK(unix_ms(g, g.last) == unix_ms(m, m.last));
                    break;
            }
            if (Catch::getResultCapture().lastAssertionPassed() == false) break;
        }
    }
}

// Per exporter, the datagrams in order.
std::map<std::uint32_t, std::vector<const Sent*>> by_exporter(const std::vector<Sent>& sent) {
    std::map<std::uint32_t, std::vector<const Sent*>> out;
    for (const Sent& s : sent) out[s.source].push_back(&s);
    return out;
}

// The wire itself: versions, sizes, sequence numbers and where the
// templates are.
void require_templated_wire(const std::vector<Sent>& sent, bool ipfix, std::size_t refresh) {
    const std::size_t header = ipfix ? 16 : 20;
    const std::uint32_t template_set = ipfix ? 2 : 0;
    const std::size_t record = ipfix ? 70 : 45;
    for (const auto& [source, datagrams] : by_exporter(sent)) {
        INFO("exporter " << flowfile::ipv4_text(source));
        std::uint32_t records_before = 0;
        for (std::size_t i = 0; i < datagrams.size(); ++i) {
            const std::vector<std::uint8_t>& b = datagrams[i]->bytes;
            INFO("datagram " << i << " of " << datagrams.size() << ", " << b.size() << " bytes");
            REQUIRE(b.size() <= max_datagram);
            REQUIRE(b.size() > header + 4);
            CHECK(be16(b, 0) == (ipfix ? 10u : 9u));
            const bool with_template = be16(b, header) == template_set;
            CHECK(with_template == (i % refresh == 0));
            // RFC 3954 numbers export packets, RFC 7011 the data records
            // sent before the message.
            CHECK(be32(b, ipfix ? 8 : 12) == (ipfix ? records_before : i));
            CHECK(be32(b, ipfix ? 12 : 16) != 0);  // one source ID / domain per router
            const std::size_t data_set = header + (with_template ? 80 : 0);
            const std::size_t records = (be16(b, data_set + 2) - 4) / record;
            records_before += static_cast<std::uint32_t>(records);
            // Filled up to the MTU, except the last one of the run.
            if (i + 1 < datagrams.size()) CHECK(b.size() + record > max_datagram - 4);
        }
    }
}

}  // namespace

TEST_CASE("flow-send's v5 packets decode to the traffic model's flows", "[flow-send]") {
    flowkeep_test::TempDir dir;
    const std::vector<Sent> sent = run_flow_send(dir, "");
    for (const Sent& s : sent) CHECK(be16(s.bytes, 0) == 5);
    const Decoded d = decode(sent);
    CHECK(d.counters.lost_flows == 0);
    CHECK(d.counters.seq_resets == 0);
    require_model_flows(d, Clock::v5_header, true);
}

TEST_CASE("flow-send --version 9 sends the model's flows as NetFlow v9 that decodes",
          "[flow-send]") {
    flowkeep_test::TempDir dir;
    const std::vector<Sent> sent = run_flow_send(dir, "--version 9");
    require_templated_wire(sent, false, 20);
    const Decoded d = decode(sent);
    CHECK(d.counters.lost_flows == 0);
    CHECK(d.counters.seq_resets == 0);
    CHECK(d.stats.template_pdus.no_template_sets == 0);
    CHECK(d.stats.template_pdus.malformed_sets == 0);
    CHECK(d.stats.template_pdus.malformed_templates == 0);
    CHECK(d.stats.flows == run_flows);
    // The v9 source ID carries the engine fields, as Cisco's do.
    require_model_flows(d, Clock::uptime, true);
    CHECK(d.log.size() == 2);  // one "New exporter" line each, nothing else
}

TEST_CASE("flow-send --version 10 sends the model's flows as IPFIX that decodes", "[flow-send]") {
    flowkeep_test::TempDir dir;
    const std::vector<Sent> sent = run_flow_send(dir, "--version 10 --template-refresh 7");
    require_templated_wire(sent, true, 7);
    const Decoded d = decode(sent);
    CHECK(d.counters.lost_flows == 0);
    CHECK(d.counters.seq_resets == 0);
    CHECK(d.stats.template_pdus.no_template_sets == 0);
    CHECK(d.stats.template_pdus.malformed_sets == 0);
    CHECK(d.stats.template_pdus.malformed_templates == 0);
    CHECK(d.stats.flows == run_flows);
    // An IPFIX domain is not an engine (flow-capture reads it as nfdump does).
    require_model_flows(d, Clock::absolute, false);
    CHECK(d.log.size() == 2);
}
