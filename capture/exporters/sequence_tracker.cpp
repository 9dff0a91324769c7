#include "sequence_tracker.hpp"

namespace capture {

std::uint32_t sequence_gap(std::uint32_t expected, std::uint32_t received) {
    if (received > expected) return received - expected;
    // flow-tools' wrap formula, one short of the true modular distance; kept
    // because the lost-flows header field of existing archives counts this way.
    return (0xFFFFFFFFu - expected) + received;
}

SequenceTracker::SequenceTracker(std::size_t max_engines) : max_engines_(max_engines) {}

void SequenceTracker::resync(std::uint32_t engine_index) {
    for (std::size_t i = 0; i < engines_.size(); ++i) {
        if (engines_[i].index == engine_index) {
            engines_.erase(engines_.begin() + static_cast<std::ptrdiff_t>(i));
            last_ = 0;
            return;
        }
    }
}

SequenceCheck SequenceTracker::check(std::uint32_t engine_index, std::uint32_t flow_sequence,
                                     std::uint32_t count) {
    Engine* engine = nullptr;
    if (last_ < engines_.size() && engines_[last_].index == engine_index) {
        engine = &engines_[last_];
    } else {
        for (std::size_t i = 0; i < engines_.size(); ++i) {
            if (engines_[i].index == engine_index) {
                engine = &engines_[i];
                last_ = i;
                break;
            }
        }
    }

    SequenceCheck result;
    if (engine == nullptr) {
        if (engines_.size() >= max_engines_) {
            result.verdict = SequenceVerdict::untracked;
            return result;
        }
        engines_.push_back({engine_index, flow_sequence + count});
        last_ = engines_.size() - 1;
        result.verdict = SequenceVerdict::first;
        return result;
    }

    if (flow_sequence == engine->expected) {
        engine->expected += count;
        result.verdict = SequenceVerdict::in_order;
        return result;
    }

    result.expected = engine->expected;
    result.received = flow_sequence;
    result.lost = sequence_gap(engine->expected, flow_sequence);
    result.verdict = result.lost < reset_threshold ? SequenceVerdict::lost : SequenceVerdict::reset;
    engine->expected = flow_sequence + count;
    return result;
}

}  // namespace capture
