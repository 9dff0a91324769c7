#pragma once

// When a NetFlow v9 / IPFIX flow started and ended, in milliseconds since
// 1970 UTC, whatever clock its template chose (flow-capture(8), "Times"):
// both series store these instants, the v5 records as First/Last of an
// uptime, the IPv6 records as they are, so the rules live once.

#include <cstdint>
#include <optional>

#include "exported_flow.hpp"

namespace capture {

struct ExportContext;
struct FitCounters;

struct FlowSpan {
    std::int64_t start_ms = 0;
    std::int64_t end_ms = 0;

    friend bool operator==(const FlowSpan&, const FlowSpan&) = default;
};

// The flow's start and end; a missing one comes from the other and the
// duration, or is the other; a flow without any time is at the export time
// (counted untimed).  Nothing when a time's clock has no known origin or is
// no flow's (counted unplaceable_time).
std::optional<FlowSpan> place_flow_times(const ExportedFlow& flow, const ExportContext& context,
                                         FitCounters& counters);

}  // namespace capture
