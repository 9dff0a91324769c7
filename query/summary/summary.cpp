#include "summary/summary.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "clients/client_map.hpp"
#include "filter/service_names.hpp"
#include "time/floor_div.hpp"

namespace flowquery {

namespace {

bool is_port_key(SummaryKey key) {
    return key == SummaryKey::src_port || key == SummaryKey::dst_port || key == SummaryKey::port;
}

}  // namespace

Summary::Summary(SummarySpec spec, const ServiceNames& names, const ClientMap* clients)
    : spec_(std::move(spec)),
      names_(&names),
      clients_(clients),
      layout_(spec_.by),
      table_(layout_.words()),
      intervals_(spec_.interval_seconds, spec_.zone) {
    for (SummaryKey key : spec_.by)
        if (is_port_key(key)) needs_ports_ = true;
    if (spec_.by.size() == 1 && spec_.by[0] == SummaryKey::protocol) direct_.resize(256);
    if (spec_.by.size() == 1 && is_port_key(spec_.by[0])) direct_.resize(65536);
}

void Summary::add(std::span<const flowfile::Record> records) {
    if (!direct_.empty()) return add_direct(records);
    for (const flowfile::Record& r : records) add_record(r);
}

void Summary::add_direct(std::span<const flowfile::Record> records) {
    // One loop per key, so the choice is not made again for every record.
    auto count = [&](auto values_of) {
        for (const flowfile::Record& r : records) {
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
            return count([](const flowfile::Record& r) { return Values{r.prot, r.prot}; });
        case SummaryKey::src_port:
            return count([](const flowfile::Record& r) { return Values{r.srcport, r.srcport}; });
        case SummaryKey::dst_port:
            return count([](const flowfile::Record& r) { return Values{r.dstport, r.dstport}; });
        case SummaryKey::port:
            return count([](const flowfile::Record& r) { return Values{r.srcport, r.dstport}; });
        default:
            for (const flowfile::Record& r : records) add_record(r);
    }
}

void Summary::add_record(const flowfile::Record& r) {
    if (needs_ports_ && !protocol_has_ports(r.prot)) return;
    // A flow counts under up to four keys: `ip` and `port` each double the
    // keys built so far when the two sides differ.
    std::array<PackedSummaryKey, 4> keys{};
    std::size_t count = 1;
    auto set_all = [&](std::size_t column, std::uint64_t value) {
        for (std::size_t i = 0; i < count; ++i) layout_.set(keys[i], column, value);
    };
    auto set_both = [&](std::size_t column, std::uint64_t a, std::uint64_t b) {
        if (a == b) return set_all(column, a);
        for (std::size_t i = 0; i < count; ++i) {
            keys[count + i] = keys[i];
            layout_.set(keys[i], column, a);
            layout_.set(keys[count + i], column, b);
        }
        count *= 2;
    };
    for (std::size_t column = 0; column < spec_.by.size(); ++column) {
        switch (spec_.by[column]) {
            case SummaryKey::protocol:
                set_all(column, r.prot);
                break;
            case SummaryKey::service:
                set_all(column, service_key_value(spec_.service_ports, r));
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
                set_all(column, r.srcaddr);
                break;
            case SummaryKey::dst_ip:
                set_all(column, r.dstaddr);
                break;
            case SummaryKey::ip:
                set_both(column, r.srcaddr, r.dstaddr);
                break;
            case SummaryKey::exporter:
                set_all(column, r.exaddr);
                break;
            case SummaryKey::account: {
                std::uint32_t id = 0;
                if (clients_ != nullptr)
                    if (const auto client = find_flow_client(*clients_, r))
                        id = account_id(client->identity.account);
                set_all(column, id);
                break;
            }
            case SummaryKey::interval: {
                const std::int64_t start_s = floor_div(flowfile::flow_times(r).start_ms, 1000);
                set_all(column, interval_key_value(intervals_.start_of(start_s)));
                break;
            }
        }
    }
    const SummaryCounters counters{1, r.dpkts, r.doctets};
    // Without keys the total is the whole report.
    if (!spec_.by.empty())
        for (std::size_t i = 0; i < count; ++i) table_.add(keys[i], counters);
    total_.add(counters);
}

std::uint32_t Summary::account_id(std::string_view account) {
    if (account.data() == last_account_data_ && account.size() == last_account_size_)
        return last_account_id_;
    last_account_id_ = intern_account(account);
    last_account_data_ = account.data();
    last_account_size_ = account.size();
    return last_account_id_;
}

std::uint32_t Summary::intern_account(std::string_view account) {
    if (const auto found = account_ids_.find(account); found != account_ids_.end())
        return found->second;
    account_names_.emplace_back(account);
    const auto id = static_cast<std::uint32_t>(account_names_.size());
    account_ids_.emplace(account_names_.back(), id);
    return id;
}

void Summary::merge(Summary&& other) {
    if (other.spec_.by != spec_.by || other.spec_.interval_seconds != spec_.interval_seconds ||
        other.spec_.zone != spec_.zone)
        throw std::invalid_argument("Summary::merge: the summaries have different keys");
    const auto account_column =
        std::find(spec_.by.begin(), spec_.by.end(), SummaryKey::account) - spec_.by.begin();
    const bool has_account = static_cast<std::size_t>(account_column) < spec_.by.size();
    for (std::size_t value = 0; value < direct_.size(); ++value)
        direct_[value].add(other.direct_[value]);
    other.table_.for_each([&](const PackedSummaryKey& key, const SummaryCounters& counters) {
        if (!has_account) return table_.add(key, counters);
        PackedSummaryKey renumbered = key;
        const std::uint64_t id = layout_.get(key, account_column);
        if (id != 0) {
            layout_.clear(renumbered, account_column);
            layout_.set(renumbered, account_column, intern_account(other.account_names_[id - 1]));
        }
        table_.add(renumbered, counters);
    });
    total_.add(other.total_);
}

}  // namespace flowquery
