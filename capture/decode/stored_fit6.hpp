#pragma once

// A NetFlow v9 / IPFIX IPv6 flow as the record of the IPv6 series
// (flowfile::Record6): unlike a flow-tools record it holds every width an
// exporter sends, so nothing is split or clamped; only the times are worked
// out, by the same rules as for the v5 records (flow_times.hpp), and kept as
// absolute milliseconds.

#include <cstddef>
#include <vector>

#include "exported_flow.hpp"
#include "flowfile/record6.hpp"
#include "stored_fit.hpp"

namespace capture {

// Appends the record an IPv6 flow (ip_version 6) becomes when `budget`
// leaves room for one; returns 1, or 0 when not stored (its times cannot
// be placed, or the datagram's records are used up: counted oversized).
std::size_t fit_to_stored6(const ExportedFlow& flow, const ExportContext& context,
                           std::vector<flowfile::Record6>& out, FitCounters& counters,
                           std::size_t budget = 1);

}  // namespace capture
