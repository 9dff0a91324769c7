#include "output/flow_listing.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <vector>

#include "flowfile/archive.hpp"
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

// Whether a listing read file by file may meet IPv6 flows before its first
// line is printed: an IPv6 series file among the inputs, by its name.  A
// file of another name that holds them widens the table when it comes
// first (TableSink::write6), else its wider addresses push their rows out.
bool may_hold_ipv6(const InputSelection& inputs) {
    return std::any_of(inputs.sources.begin(), inputs.sources.end(), [](const InputSource& s) {
        const auto name =
            flowfile::parse_file_name(std::filesystem::path(s.path).filename().string());
        return name && name->ipv6_series();
    });
}

}  // namespace

ScanReport list_flows(const Query& query, FlowSink& sink, ListingOrder order,
                      const SortLimits& sort) {
    const RecordSelector select = query.selector();
    ScanOptions scan = query.scan;
    // Flows printed while the scan runs would share a terminal line with
    // the progress line.
    if (order == ListingOrder::files)
        scan.progress = scan.progress && draw_progress(OutputTiming::during_scan);
    if (order == ListingOrder::files) {
        if (may_hold_ipv6(query.inputs)) sink.expect_ipv6();
        ScanReport report =
            scan_in_order(query.inputs.sources, select, scan, [&](const SourceBatch& b) {
                if (!b.records.empty()) sink.write(b.header, b.records);
                if (!b.records6.empty()) sink.write6(b.header, b.records6);
            });
        finish_listing(query, report, sink);
        return report;
    }

    // Within one file flows are nearly in start order already, and files
    // come oldest first: each file is sorted on its own, kept packed (in
    // temporary files beyond the memory allowed), and the files merged
    // (StartOrderedFlows), IPv4 and IPv6 files alike.
    StartOrderedFlows flows(sort);
    std::vector<flowfile::Record> file_flows;
    std::vector<flowfile::Record6> file_flows6;
    std::optional<std::size_t> file_index;
    std::optional<flowfile::Header> first_header;
    std::optional<flowfile::Header> first_header6;
    const auto end_file = [&] {
        flows.add_file(file_flows);
        flows.add_file(file_flows6);
        file_flows.clear();
        file_flows6.clear();
    };
    ScanReport report =
        scan_in_order(query.inputs.sources, select, scan, [&](const SourceBatch& b) {
            if (!b.records6.empty()) {
                if (!first_header6) first_header6 = b.header;
            } else if (!first_header) {
                first_header = b.header;
            }
            if (file_index != b.source_index) {
                end_file();
                file_index = b.source_index;
            }
            file_flows.insert(file_flows.end(), b.records.begin(), b.records.end());
            file_flows6.insert(file_flows6.end(), b.records6.begin(), b.records6.end());
        });
    end_file();
    file_flows = {};
    file_flows6 = {};
    if (first_header6) sink.expect_ipv6();
    flows.drain(
        flowfile::Reader::batch_records,
        [&](std::span<const flowfile::Record> batch) { sink.write(*first_header, batch); },
        [&](std::span<const flowfile::Record6> batch) { sink.write6(*first_header6, batch); });
    finish_listing(query, report, sink);
    return report;
}

}  // namespace flowquery
