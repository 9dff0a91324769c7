#pragma once

// A Decoder with its log lines, records and per-file counters collected, the
// way the daemon would use it, for tests that feed datagrams one by one.

#include <cstdint>
#include <string>
#include <vector>

#include "decode/pdu_decoder.hpp"
#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"
#include "pdu_builder.hpp"
#include "receive/flow_batch.hpp"

namespace flowkeep_test {

struct DecoderHarness {
    explicit DecoderHarness(capture::DecoderSettings settings = {})
        : decoder(settings, [this](const std::string& line) { lines.push_back(line); }) {}

    capture::DecodeResult feed(const std::vector<std::uint8_t>& bytes,
                               std::uint32_t source = ip(127, 0, 0, 2),
                               std::int64_t receive_time = 1255600000) {
        capture::Datagram d;
        d.bytes = bytes;
        d.source_ip = source;
        d.local_ip = local_ip;
        d.local_port = local_port;
        d.receive_time = receive_time;
        const capture::DecodeResult r = decoder.decode(d, records, records6);
        counters.add(r.counters);
        return r;
    }

    // The lines logged since the last call.
    std::vector<std::string> take_lines() {
        std::vector<std::string> out;
        out.swap(lines);
        return out;
    }

    std::uint32_t local_ip = ip(127, 0, 0, 1);
    std::uint16_t local_port = 9991;
    std::vector<std::string> lines;
    std::vector<flowfile::Record> records;
    std::vector<flowfile::Record6> records6;
    capture::FileCounters counters;
    capture::Decoder decoder;
};

}  // namespace flowkeep_test
