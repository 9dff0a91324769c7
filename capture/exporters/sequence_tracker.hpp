#pragma once

// flow_sequence accounting of one exporter entry, per engine (per source ID
// or observation domain for v9 and IPFIX), exactly as flow-capture does it
// (netflow-pdus.md §6.2), including its arithmetic
// quirks: a wrap of the 32-bit counter is undercounted by one and any
// backward step turns into a huge number, which the 1000 threshold then files
// as a sequencer reset rather than as lost flows.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace capture {

enum class SequenceVerdict {
    first,      // first PDU of this engine: nothing to compare with
    in_order,   // flow_sequence was the expected one
    lost,       // gap below the threshold: `lost` flows missing
    reset,      // gap at or above the threshold (or backwards): exporter restarted
    untracked,  // engine beyond the per-exporter limit: not checked
};

struct SequenceCheck {
    SequenceVerdict verdict = SequenceVerdict::first;
    // For lost and reset, what flow-capture's log line prints.
    std::uint32_t expected = 0;
    std::uint32_t received = 0;
    std::uint32_t lost = 0;
};

// flow-capture's gap between the expected and a different received
// flow_sequence (received != expected).
std::uint32_t sequence_gap(std::uint32_t expected, std::uint32_t received);

class SequenceTracker {
  public:
    // Gaps of this many flows or more count as a sequencer reset.
    static constexpr std::uint32_t reset_threshold = 1000;

    // flow-tools keeps state for all 65536 engine indices of an exporter;
    // that is 320 KiB per entry, so only `max_engines` distinct indices are
    // followed here (real exporters have a handful).
    explicit SequenceTracker(std::size_t max_engines = 256);

    // Accounts one valid PDU of `count` flows from engine `engine_index`
    // (v5-v8: engine_id * 256 + engine_type; v9: source ID; IPFIX:
    // observation domain).
    SequenceCheck check(std::uint32_t engine_index, std::uint32_t flow_sequence,
                        std::uint32_t count);

    // The engine's next number is unknown (an IPFIX message whose data
    // records could not all be counted): its next PDU is taken as a first.
    void resync(std::uint32_t engine_index);

    std::size_t engines() const { return engines_.size(); }
    std::size_t max_engines() const { return max_engines_; }

  private:
    struct Engine {
        std::uint32_t index;
        std::uint32_t expected;
    };

    std::vector<Engine> engines_;
    std::size_t max_engines_;
    // Consecutive PDUs mostly come from the same engine.
    std::size_t last_ = 0;
};

}  // namespace capture
