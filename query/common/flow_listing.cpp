#include "common/flow_listing.hpp"

#include <algorithm>
#include <optional>

#include "flowfile/reader.hpp"

namespace flowquery {

ScanReport list_flows(const Query& query, FlowSink& sink, ListingOrder order) {
    const RecordSelector select = query.selector();
    if (order == ListingOrder::files) {
        ScanReport report =
            scan_in_order(query.inputs.sources, select, query.scan,
                          [&](const SourceBatch& b) { sink.write(b.header, b.records); });
        sink.finish();
        return report;
    }

    // Within one file flows are nearly in start order already, and files
    // come oldest first, so a stable sort of the whole keeps ties (same
    // millisecond) in the order they were stored.
    std::vector<flowfile::Record> flows;
    std::optional<flowfile::Header> first_header;
    ScanReport report =
        scan_in_order(query.inputs.sources, select, query.scan, [&](const SourceBatch& b) {
            if (!first_header) first_header = b.header;
            flows.insert(flows.end(), b.records.begin(), b.records.end());
        });
    std::vector<std::pair<std::int64_t, std::uint32_t>> keys;
    keys.reserve(flows.size());
    for (std::uint32_t i = 0; i < flows.size(); ++i)
        keys.emplace_back(flowfile::flow_times(flows[i]).start_ms, i);
    std::stable_sort(keys.begin(), keys.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<flowfile::Record> batch;
    batch.reserve(flowfile::Reader::batch_records);
    for (const auto& k : keys) {
        batch.push_back(flows[k.second]);
        if (batch.size() == batch.capacity()) {
            sink.write(*first_header, batch);
            batch.clear();
        }
    }
    if (!batch.empty()) sink.write(*first_header, batch);
    sink.finish();
    return report;
}

}  // namespace flowquery
