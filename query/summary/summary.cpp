#include "summary/summary.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <stdexcept>
#include <type_traits>

#include "clients/client_map.hpp"
#include "filter/service_names.hpp"
#include "time/floor_div.hpp"

namespace flowquery {

namespace {

bool is_port_key(SummaryKey key) {
    return key == SummaryKey::src_port || key == SummaryKey::dst_port || key == SummaryKey::port;
}

// Keys whose values are numbers a Summary hands out itself.
bool is_numbered_key(SummaryKey key) {
    switch (key) {
        case SummaryKey::src_ip:
        case SummaryKey::dst_ip:
        case SummaryKey::ip:
        case SummaryKey::exporter:
        case SummaryKey::account:
        case SummaryKey::connection:
            return true;
        default:
            return false;
    }
}

std::int64_t flow_start_ms(const flowfile::Record& r) {
    return flowfile::flow_times(r).start_ms;
}
std::int64_t flow_start_ms(const flowfile::Record6& r) {
    return r.start_ms;
}

}  // namespace

Summary::Summary(SummarySpec spec, const ServiceNames& names, const ClientMap* clients)
    : spec_(std::move(spec)),
      names_(&names),
      clients_(clients),
      layout_(spec_.by, KeyFamily::ipv4),
      layout6_(spec_.by, KeyFamily::ipv6),
      table_(layout_.words()),
      table6_(layout6_.words()),
      intervals_(spec_.interval_seconds, spec_.zone) {
    for (SummaryKey key : spec_.by) {
        if (is_port_key(key)) needs_ports_ = true;
        if (key == SummaryKey::account || key == SummaryKey::connection) needs_client_ = true;
    }
    if (spec_.by.size() == 1 && spec_.by[0] == SummaryKey::protocol) direct_.resize(256);
    if (spec_.by.size() == 1 && is_port_key(spec_.by[0])) direct_.resize(65536);
}

void Summary::add(std::span<const flowfile::Record> records) {
    if (!direct_.empty()) return add_direct(records);
    for (const flowfile::Record& r : records) add_record(r);
}

void Summary::add(std::span<const flowfile::Record6> records) {
    if (!direct_.empty()) return add_direct(records);
    for (const flowfile::Record6& r : records) add_record(r);
}

void Summary::add_counted(std::span<const std::uint64_t> values, const SummaryCounters& counters) {
    if (values.size() != spec_.by.size())
        throw std::invalid_argument("Summary::add_counted: one value per key column");
    PackedSummaryKey key{};
    for (std::size_t column = 0; column < spec_.by.size(); ++column) {
        const SummaryKey k = spec_.by[column];
        if (k == SummaryKey::port || k == SummaryKey::ip || is_numbered_key(k))
            throw std::invalid_argument("Summary::add_counted: a key it cannot count");
        layout_.set(key, column, values[column]);
    }
    // Values of these keys mean the same in both families' layouts, so the
    // IPv4 table holds every counted row.
    if (!direct_.empty()) {
        if (values[0] >= direct_.size())
            throw std::invalid_argument("Summary::add_counted: a value wider than its key");
        direct_[values[0]].add(counters);
    } else if (!spec_.by.empty()) {
        table_.add(key, counters);
    }
    total_.add(counters);
}

template <typename R>
void Summary::add_direct(std::span<const R> records) {
    // One loop per key, so the choice is not made again for every record.
    auto count = [&](auto values_of) {
        for (const R& r : records) {
            if (needs_ports_ && !protocol_has_ports(r.prot)) continue;
            const SummaryCounters counters{1, r.dpkts, r.doctets};
            const auto [first, second] = values_of(r);
            direct_[first].add(counters);
            if (second != first) direct_[second].add(counters);
            total_.add(counters);
        }
    };
    using Values = std::pair<std::uint32_t, std::uint32_t>;
    switch (spec_.by[0]) {
        case SummaryKey::protocol:
            return count([](const R& r) { return Values{r.prot, r.prot}; });
        case SummaryKey::src_port:
            return count([](const R& r) { return Values{r.srcport, r.srcport}; });
        case SummaryKey::dst_port:
            return count([](const R& r) { return Values{r.dstport, r.dstport}; });
        case SummaryKey::port:
            return count([](const R& r) { return Values{r.srcport, r.dstport}; });
        default:
            for (const R& r : records) add_record(r);
    }
}

std::uint64_t Summary::exporter_value(const flowfile::Ipv6Address& address) {
    // An IPv4 router exporting IPv6 flows is the same exporter as in the
    // v5 series: one row for it.
    if (flowfile::is_ipv4_mapped(address)) return flowfile::mapped_ipv4(address);
    return address_value(address);
}

template <typename R>
void Summary::add_record(const R& r) {
    if (needs_ports_ && !protocol_has_ports(r.prot)) return;
    constexpr bool ipv6 = std::is_same_v<R, flowfile::Record6>;
    const SummaryKeyLayout& layout = ipv6 ? layout6_ : layout_;
    SummaryTable& table = ipv6 ? table6_ : table_;
    // A flow counts under up to four keys: `ip` and `port` each double the
    // keys built so far when the two sides differ.
    std::array<PackedSummaryKey, 4> keys{};
    std::size_t count = 1;
    auto set_all = [&](std::size_t column, std::uint64_t value) {
        for (std::size_t i = 0; i < count; ++i) layout.set(keys[i], column, value);
    };
    auto set_both = [&](std::size_t column, std::uint64_t a, std::uint64_t b) {
        if (a == b) return set_all(column, a);
        for (std::size_t i = 0; i < count; ++i) {
            keys[count + i] = keys[i];
            layout.set(keys[i], column, a);
            layout.set(keys[count + i], column, b);
        }
        count *= 2;
    };
    // Looked up once, for the account and the connection keys both.
    std::optional<FlowClient> client;
    if (needs_client_ && clients_ != nullptr) client = find_flow_client(*clients_, r);
    for (std::size_t column = 0; column < spec_.by.size(); ++column) {
        switch (spec_.by[column]) {
            case SummaryKey::protocol:
                set_all(column, r.prot);
                break;
            case SummaryKey::service:
                set_all(column,
                        service_key_value(spec_.service_ports, r.prot, r.srcport, r.dstport));
                break;
            case SummaryKey::src_port:
                set_all(column, r.srcport);
                break;
            case SummaryKey::dst_port:
                set_all(column, r.dstport);
                break;
            case SummaryKey::port:
                set_both(column, r.srcport, r.dstport);
                break;
            case SummaryKey::src_ip:
                set_all(column, address_value(r.srcaddr));
                break;
            case SummaryKey::dst_ip:
                set_all(column, address_value(r.dstaddr));
                break;
            case SummaryKey::ip:
                set_both(column, address_value(r.srcaddr), address_value(r.dstaddr));
                break;
            case SummaryKey::exporter:
                set_all(column, exporter_value(r.exaddr));
                break;
            case SummaryKey::account:
                set_all(column, client ? accounts_.number(client->identity.account) : 0);
                break;
            case SummaryKey::connection:
                set_all(column, client ? connections_.number(client->identity.connection) : 0);
                break;
            case SummaryKey::interval: {
                const std::int64_t start_s = floor_div(flow_start_ms(r), 1000);
                set_all(column, interval_key_value(intervals_.start_of(start_s)));
                break;
            }
        }
    }
    const SummaryCounters counters{1, r.dpkts, r.doctets};
    // Without keys the total is the whole report.
    if (!spec_.by.empty())
        for (std::size_t i = 0; i < count; ++i) table.add(keys[i], counters);
    total_.add(counters);
}

void Summary::merge(Summary&& other) {
    if (other.spec_.by != spec_.by || other.spec_.interval_seconds != spec_.interval_seconds ||
        other.spec_.zone != spec_.zone)
        throw std::invalid_argument("Summary::merge: the summaries have different keys");
    for (std::size_t value = 0; value < direct_.size(); ++value)
        direct_[value].add(other.direct_[value]);
    merge_table(other, layout_, other.table_, table_);
    merge_table(other, layout6_, other.table6_, table6_);
    total_.add(other.total_);
}

void Summary::merge_table(Summary& other, const SummaryKeyLayout& layout, const SummaryTable& from,
                          SummaryTable& to) {
    // Numbered values (names, IPv6 addresses) are the other summary's
    // numbers: each is renumbered into this one's.
    std::vector<std::size_t> renumbered_columns;
    for (std::size_t c = 0; c < spec_.by.size(); ++c)
        if (is_numbered_key(spec_.by[c])) renumbered_columns.push_back(c);
    from.for_each([&](const PackedSummaryKey& key, const SummaryCounters& counters) {
        PackedSummaryKey renumbered = key;
        for (std::size_t c : renumbered_columns) {
            const std::uint64_t value = layout.get(key, c);
            std::uint64_t mine = value;
            switch (spec_.by[c]) {
                case SummaryKey::account:
                    if (value != 0) mine = accounts_.intern(other.accounts_.name(value));
                    break;
                case SummaryKey::connection:
                    if (value != 0) mine = connections_.intern(other.connections_.name(value));
                    break;
                default:
                    if (&layout == &layout6_ && is_ipv6_address_key(value))
                        mine = address_value(other.ipv6_.address(value & ~ipv6_address_key_bit));
                    break;
            }
            layout.clear(renumbered, c);
            layout.set(renumbered, c, mine);
        }
        to.add(renumbered, counters);
    });
}

}  // namespace flowquery
