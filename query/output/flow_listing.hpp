#pragma once

#include "inputs/flow_scan.hpp"
#include "output/flow_sinks.hpp"
#include "output/start_ordered_flows.hpp"
#include "tools/query_options.hpp"

namespace flowquery {

enum class ListingOrder {
    files,  // as read: file after file, each in its stored order (streams)
    start,  // chronological by flow start, in `sort` memory (StartOrderedFlows)
};

// Runs the query and writes the selected flows to `sink`, then finishes it.
// Throws OutputError when the output (or --sort start's TMPDIR) fails.
ScanReport list_flows(const Query& query, FlowSink& sink, ListingOrder order,
                      const SortLimits& sort = {});

}  // namespace flowquery
