#include "flow_times.hpp"

#include "stored_fit.hpp"

namespace capture {

namespace {

// Absolute times further than this from 1970 (about 35 000 years) are no
// flow's: refusing them here keeps every later sum and difference far from
// 64-bit overflow, whatever an 8-byte field held.
constexpr std::int64_t time_limit_ms = std::int64_t{1} << 50;

bool plausible(std::int64_t ms) {
    return ms > -time_limit_ms && ms < time_limit_ms;
}

// Milliseconds since 1970, or nothing when the clock's origin is unknown or
// the time is no flow's.
std::optional<std::int64_t> absolute_ms(const FlowInstant& t, const ExportedFlow& flow,
                                        const ExportContext& c) {
    const std::int64_t export_ms = std::int64_t{c.unix_secs} * 1000;
    switch (t.clock) {
        case FlowClock::absolute_ms:
            if (!plausible(t.value)) return std::nullopt;
            return t.value;
        case FlowClock::before_export:
            return export_ms - t.value / 1000;
        case FlowClock::uptime_ms:
            // v9 and flow-tools alike: boot = export time - sysUpTime, with
            // no wrap correction (file-format.md §6.8).
            if (c.has_sysuptime) return export_ms - std::int64_t{c.sysuptime} + t.value;
            if (flow.system_init_ms >= 0 && plausible(flow.system_init_ms))
                return flow.system_init_ms + t.value;
            return std::nullopt;
        case FlowClock::none:
            break;
    }
    return std::nullopt;
}

}  // namespace

std::optional<FlowSpan> place_flow_times(const ExportedFlow& flow, const ExportContext& c,
                                         FitCounters& counters) {
    std::optional<std::int64_t> start, end;
    if (flow.start.clock != FlowClock::none) {
        start = absolute_ms(flow.start, flow, c);
        if (!start) {
            ++counters.unplaceable_time;
            return std::nullopt;
        }
    }
    if (flow.end.clock != FlowClock::none) {
        end = absolute_ms(flow.end, flow, c);
        if (!end) {
            ++counters.unplaceable_time;
            return std::nullopt;
        }
    }
    if (flow.duration_ms >= 0) {
        if (start && !end) end = *start + flow.duration_ms;
        if (end && !start) start = *end - flow.duration_ms;
    }
    if (!start && !end) {
        ++counters.untimed;
        start = end = std::int64_t{c.unix_secs} * 1000;
    }
    if (!start) start = end;
    if (!end) end = start;
    return FlowSpan{*start, *end};
}

}  // namespace capture
