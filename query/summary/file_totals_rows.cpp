#include "summary/file_totals_rows.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <utility>

#include "summary/summary_key.hpp"

namespace flowquery {

namespace {

SummaryCounters counters_of(const flowfile::FlowCounts& c) {
    return {c.flows, c.packets, c.octets};
}

// A key column's values over the file's flows with their counts.
using ColumnCounts = std::vector<std::pair<std::uint64_t, SummaryCounters>>;

template <typename Value>
ColumnCounts column_counts(const std::map<Value, flowfile::FlowCounts>& by_value) {
    ColumnCounts out;
    for (const auto& [value, counts] : by_value)
        if (counts.flows != 0) out.emplace_back(value, counters_of(counts));
    return out;
}

const ColumnCounts& counts_of_key(SummaryKey key, const ColumnCounts& protocols,
                                  const ColumnCounts& src_ports, const ColumnCounts& dst_ports) {
    if (key == SummaryKey::protocol) return protocols;
    return key == SummaryKey::src_port ? src_ports : dst_ports;
}

std::uint64_t flows_of(const ColumnCounts& column) {
    std::uint64_t flows = 0;
    for (const auto& entry : column) flows += entry.second.flows;
    return flows;
}

}  // namespace

bool report_fits_file_totals(const std::vector<SummaryKey>& by) {
    return std::all_of(by.begin(), by.end(), [](SummaryKey key) {
        return key == SummaryKey::protocol || key == SummaryKey::src_port ||
               key == SummaryKey::dst_port;
    });
}

bool add_file_totals(Summary& summary, const std::vector<SummaryKey>& by,
                     const flowfile::FileTotals& totals) {
    if (!report_fits_file_totals(by)) return false;
    if (totals.all.flows == 0) return true;
    if (by.empty()) {
        summary.add_counted({}, counters_of(totals.all));
        return true;
    }
    // A report with a port key counts TCP, UDP and SCTP flows alone.
    const bool port_key = std::any_of(by.begin(), by.end(), [](SummaryKey key) {
        return key == SummaryKey::src_port || key == SummaryKey::dst_port;
    });
    std::map<std::uint8_t, flowfile::FlowCounts> counted_protocols = totals.protocols;
    if (port_key)
        std::erase_if(counted_protocols,
                      [](const auto& p) { return !protocol_has_ports(p.first); });
    const ColumnCounts protocols = column_counts(counted_protocols);
    const std::uint64_t counted = flows_of(protocols);
    if (!port_key && counted != totals.all.flows) return false;  // not these flows' counts
    if (counted == 0) return true;                // the report counts none of the file's flows
    if (port_key && !totals.ports) return false;  // left out of this file's index

    const ColumnCounts src_ports = column_counts(totals.src_ports);
    const ColumnCounts dst_ports = column_counts(totals.dst_ports);
    // The row values of every column but one are fixed; that one (the first
    // column when all are fixed) gives the rows.
    std::size_t varying = 0;
    std::size_t varying_columns = 0;
    for (std::size_t column = 0; column < by.size(); ++column) {
        const ColumnCounts& counts = counts_of_key(by[column], protocols, src_ports, dst_ports);
        // Each column must count the very flows the report counts: port
        // counts that also hold other protocols' port fields (ICMP's type
        // and code) cannot be told apart from the ports.
        if (flows_of(counts) != counted) return false;
        if (counts.size() > 1) {
            varying = column;
            ++varying_columns;
        }
    }
    if (varying_columns > 1) return false;

    std::vector<std::uint64_t> values(by.size());
    for (std::size_t column = 0; column < by.size(); ++column)
        values[column] = counts_of_key(by[column], protocols, src_ports, dst_ports)[0].first;
    for (const auto& [value, counters] :
         counts_of_key(by[varying], protocols, src_ports, dst_ports)) {
        values[varying] = value;
        summary.add_counted(values, counters);
    }
    return true;
}

}  // namespace flowquery
