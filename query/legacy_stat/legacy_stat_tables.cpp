#include "legacy_stat/legacy_stat_tables.hpp"

#include <algorithm>
#include <numeric>

namespace flowquery {

namespace {

// Sort columns after the key(s): flows, octets, packets, duration.
std::uint64_t counter_column(const StatCounters& c, std::int64_t column) {
    switch (column) {
        case 0:
            return c.flows;
        case 1:
            return c.octets;
        case 2:
            return c.packets;
        default:
            return c.duration;
    }
}

}  // namespace

std::optional<std::vector<std::uint32_t>> KeyArrayTable::print_order(
    std::int64_t sort_order) const {
    const std::int64_t field = (sort_order < 0 ? -sort_order : sort_order) - 1;
    if (field > 4) return std::nullopt;
    std::vector<std::uint32_t> keys(counters_.size());
    std::iota(keys.begin(), keys.end(), 0u);
    if (field >= 1) {
        std::stable_sort(keys.begin(), keys.end(), [&](std::uint32_t l, std::uint32_t r) {
            return counter_column(counters_[l], field - 1) <
                   counter_column(counters_[r], field - 1);
        });
    }
    if (sort_order >= 0) std::reverse(keys.begin(), keys.end());
    return keys;
}

void FirstSeenTable::add(const TableKey& key, const StatCounters& c) {
    const auto [it, inserted] = index_.try_emplace(key, entries_.size());
    if (inserted) entries_.push_back(Entry{key, {}});
    entries_[it->second].counters.add(c);
}

std::optional<std::vector<const FirstSeenTable::Entry*>> FirstSeenTable::print_order(
    std::int64_t sort_order, int key_columns) const {
    const std::int64_t field = (sort_order < 0 ? -sort_order : sort_order) - 1;
    if (field > key_columns + 3) return std::nullopt;

    std::vector<const Entry*> rows;
    rows.reserve(entries_.size());
    const std::size_t chunks = (entries_.size() + chunk_entries - 1) / chunk_entries;
    for (std::size_t chunk = chunks; chunk-- > 0;) {
        const std::size_t end = std::min(entries_.size(), (chunk + 1) * chunk_entries);
        for (std::size_t i = chunk * chunk_entries; i < end; ++i) rows.push_back(&entries_[i]);
    }
    if (sort_order == 0) return rows;

    const auto value = [&](const Entry* e) -> std::uint64_t {
        if (field == 0) return e->key.a;
        if (field == 1 && key_columns == 2) return e->key.b;
        return counter_column(e->counters, field - key_columns);
    };
    std::stable_sort(rows.begin(), rows.end(),
                     [&](const Entry* l, const Entry* r) { return value(l) < value(r); });
    if (sort_order > 0) std::reverse(rows.begin(), rows.end());
    return rows;
}

}  // namespace flowquery
