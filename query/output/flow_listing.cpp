#include "output/flow_listing.hpp"

#include <optional>
#include <vector>

#include "flowfile/reader.hpp"
#include "inputs/progress_policy.hpp"
#include "inputs/read_completeness.hpp"
#include "output/start_ordered_flows.hpp"

namespace flowquery {

namespace {

// A query that could read none of its inputs prints nothing: no title, no
// CSV header, nothing that reads as "no flows".
void finish_listing(const Query& query, const ScanReport& report, FlowSink& sink) {
    const ReadCompleteness read = read_completeness(query.inputs, report);
    if (read.nothing_read) return;
    if (!read.complete()) sink.note_incomplete(read.failed_inputs);
    sink.finish();
}

}  // namespace

ScanReport list_flows(const Query& query, FlowSink& sink, ListingOrder order) {
    const RecordSelector select = query.selector();
    ScanOptions scan = query.scan;
    // Flows printed while the scan runs would share a terminal line with
    // the progress line.
    if (order == ListingOrder::files)
        scan.progress = scan.progress && draw_progress(OutputTiming::during_scan);
    if (order == ListingOrder::files) {
        ScanReport report =
            scan_in_order(query.inputs.sources, select, scan,
                          [&](const SourceBatch& b) { sink.write(b.header, b.records); });
        finish_listing(query, report, sink);
        return report;
    }

    // Within one file flows are nearly in start order already, and files
    // come oldest first: each file is sorted on its own, kept packed, and
    // the files merged (StartOrderedFlows).
    StartOrderedFlows flows;
    std::vector<flowfile::Record> file_flows;
    std::optional<std::size_t> file_index;
    std::optional<flowfile::Header> first_header;
    ScanReport report =
        scan_in_order(query.inputs.sources, select, scan, [&](const SourceBatch& b) {
            if (!first_header) first_header = b.header;
            if (file_index != b.source_index) {
                flows.add_file(file_flows);
                file_flows.clear();
                file_index = b.source_index;
            }
            file_flows.insert(file_flows.end(), b.records.begin(), b.records.end());
        });
    flows.add_file(file_flows);
    file_flows = {};
    flows.drain(flowfile::Reader::batch_records,
                [&](std::span<const flowfile::Record> batch) { sink.write(*first_header, batch); });
    finish_listing(query, report, sink);
    return report;
}

}  // namespace flowquery
