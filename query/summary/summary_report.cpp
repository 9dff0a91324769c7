// Ordering a Summary's rows and turning them into text.
#include <algorithm>
#include <optional>

#include "filter/service_names.hpp"
#include "flowfile/ipv4_text.hpp"
#include "flowfile/ipv6_text.hpp"
#include "summary/summary.hpp"

namespace flowquery {

namespace {

std::string protocol_text(const ServiceNames& names, std::uint8_t protocol) {
    const std::string_view name = names.protocol_name(protocol);
    return name.empty() ? std::to_string(protocol) : std::string(name);
}

std::uint64_t metric_of(const SummaryCounters& c, SummaryMetric metric) {
    switch (metric) {
        case SummaryMetric::flows:
            return c.flows;
        case SummaryMetric::packets:
            return c.packets;
        case SummaryMetric::octets:
            return c.octets;
    }
    return c.octets;
}

bool is_numeric(SummaryKey key) {
    return key == SummaryKey::src_port || key == SummaryKey::dst_port || key == SummaryKey::port;
}

}  // namespace

std::string Summary::cell_text(std::size_t column, std::uint64_t value, TimeZoneStyle zone) const {
    switch (spec_.by[column]) {
        case SummaryKey::protocol:
            return protocol_text(*names_, static_cast<std::uint8_t>(value));
        case SummaryKey::service: {
            const auto protocol = static_cast<std::uint8_t>(value >> 17);
            const std::uint64_t port_plus_one = value & 0x1FFFF;
            if (port_plus_one == 0) return protocol_text(*names_, protocol);
            const auto port = static_cast<std::uint16_t>(port_plus_one - 1);
            const std::string_view name = names_->port_name(port, protocol);
            return (name.empty() ? std::to_string(port) : std::string(name)) + '/' +
                   protocol_text(*names_, protocol);
        }
        case SummaryKey::src_port:
        case SummaryKey::dst_port:
        case SummaryKey::port:
            return std::to_string(value);
        case SummaryKey::src_ip:
        case SummaryKey::dst_ip:
        case SummaryKey::ip:
        case SummaryKey::exporter:
            if (is_ipv6_address_key(value))
                return flowfile::ipv6_text(ipv6_.address(value & ~ipv6_address_key_bit));
            return flowfile::ipv4_text(static_cast<std::uint32_t>(value));
        case SummaryKey::account:
            return std::string(accounts_.name(value));
        case SummaryKey::connection:
            return std::string(connections_.name(value));
        case SummaryKey::interval:
            return format_time(interval_key_start(value) * 1000, zone, false);
    }
    return {};
}

SummaryReport Summary::report(TimeZoneStyle zone) const {
    const std::size_t columns = spec_.by.size();
    std::optional<std::size_t> interval_column;
    for (std::size_t c = 0; c < columns; ++c)
        if (spec_.by[c] == SummaryKey::interval) interval_column = c;

    // Numbered values follow arrival order, which differs between runs
    // with threads; rows compare them by rank instead: names by name, IPv6
    // addresses by address after every IPv4 address.
    const std::vector<std::uint64_t> account_rank = accounts_.ranks();
    const std::vector<std::uint64_t> connection_rank = connections_.ranks();
    const std::vector<std::uint64_t> ipv6_rank = ipv6_.ranks();
    auto order_of = [&](SummaryKey key, std::uint64_t value) -> std::uint64_t {
        switch (key) {
            case SummaryKey::account:
                return account_rank[value];
            case SummaryKey::connection:
                return connection_rank[value];
            case SummaryKey::src_ip:
            case SummaryKey::dst_ip:
            case SummaryKey::ip:
            case SummaryKey::exporter:
                if (!is_ipv6_address_key(value)) return value;
                return ipv6_address_key_bit | ipv6_rank[value & ~ipv6_address_key_bit];
            default:
                return value;
        }
    };

    struct Row {
        std::vector<std::uint64_t> values;  // per column, as stored
        std::vector<std::uint64_t> order;   // per column, comparable
        SummaryCounters counters;
    };
    std::vector<Row> rows;
    bool both_families = false;
    for_each_row([&](const SummaryKeyLayout& layout, const PackedSummaryKey& key,
                     const SummaryCounters& counters) {
        both_families = both_families || &layout == &layout6_;
        Row row{std::vector<std::uint64_t>(columns), std::vector<std::uint64_t>(columns), counters};
        for (std::size_t c = 0; c < columns; ++c) {
            row.values[c] = layout.get(key, c);
            row.order[c] = order_of(spec_.by[c], row.values[c]);
        }
        rows.push_back(std::move(row));
    });
    // A row of IPv4 and IPv6 flows (a port, an exporter) was counted in
    // both tables: one row of their sums.
    if (both_families) {
        std::sort(rows.begin(), rows.end(),
                  [](const Row& a, const Row& b) { return a.values < b.values; });
        std::vector<Row> merged;
        for (Row& row : rows) {
            if (!merged.empty() && merged.back().values == row.values)
                merged.back().counters.add(row.counters);
            else
                merged.push_back(std::move(row));
        }
        rows = std::move(merged);
    }

    const SummaryMetric metric = spec_.sort;
    std::sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
        if (interval_column && a.order[*interval_column] != b.order[*interval_column])
            return a.order[*interval_column] < b.order[*interval_column];
        const std::uint64_t ma = metric_of(a.counters, metric);
        const std::uint64_t mb = metric_of(b.counters, metric);
        if (ma != mb) return ma > mb;
        return a.order < b.order;
    });

    SummaryReport report;
    for (SummaryKey key : spec_.by)
        report.columns.push_back({std::string(summary_key_name(key)), is_numeric(key)});
    report.total = total_;
    std::size_t in_group = 0;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const bool new_group =
            r == 0 || (interval_column &&
                       rows[r].order[*interval_column] != rows[r - 1].order[*interval_column]);
        in_group = new_group ? 1 : in_group + 1;
        if (spec_.top != 0 && in_group > spec_.top) continue;
        SummaryTextRow text{{}, rows[r].counters};
        for (std::size_t c = 0; c < columns; ++c)
            text.cells.push_back(cell_text(c, rows[r].values[c], zone));
        report.rows.push_back(std::move(text));
    }
    return report;
}

void Summary::write(std::ostream& out, SummaryFormat format, TimeZoneStyle zone) const {
    render_summary(out, report(zone), format);
}

}  // namespace flowquery
