#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "legacy_stat/legacy_stat_text.hpp"

namespace flowquery {

// Counters indexed directly by a small key (port, protocol, interface, AS,
// ToS, engine): the original's array reports.
class KeyArrayTable {
  public:
    explicit KeyArrayTable(std::size_t keys) : counters_(keys) {}

    void add(std::uint32_t key, const StatCounters& c) { counters_[key].add(c); }
    const StatCounters& at(std::uint32_t key) const { return counters_[key]; }
    std::size_t size() const { return counters_.size(); }

    // Keys in the order the original prints them, rows without flows included
    // (the caller skips those), or nullopt when sort_order names no column.
    // Unsorted and -S 0 run from the highest key down, -s 0 upwards; a column
    // sort is a stable ascending sort over ascending keys, read backwards for
    // -S, so ties come out in descending key order with -S, ascending with -s.
    std::optional<std::vector<std::uint32_t>> print_order(std::int64_t sort_order) const;

  private:
    std::vector<StatCounters> counters_;
};

// The key of a hash report: one or two numbers (a, b) and, for prefixes, the
// mask(s) in c.  Only a and b are sort columns.
struct TableKey {
    std::uint32_t a = 0;
    std::uint32_t b = 0;
    std::uint32_t c = 0;

    friend bool operator==(const TableKey&, const TableKey&) = default;
};

// Counters per key in first-seen order: the original's hash reports.  The
// original stores its records in chunks of 65536 and walks the newest chunk
// first, so past 65536 keys the order is first-seen within each chunk,
// newest chunk first; that is reproduced.
class FirstSeenTable {
  public:
    struct Entry {
        TableKey key;
        StatCounters counters;
    };

    static constexpr std::size_t chunk_entries = 65536;

    void add(const TableKey& key, const StatCounters& c);
    std::size_t size() const { return entries_.size(); }

    // Rows in print order for sort_order (see KeyArrayTable::print_order);
    // `key_columns` (1 or 2) says which sort fields are keys.  nullopt when
    // sort_order names no column.
    std::optional<std::vector<const Entry*>> print_order(std::int64_t sort_order,
                                                         int key_columns) const;

  private:
    struct KeyHash {
        std::size_t operator()(const TableKey& k) const {
            return std::hash<std::uint64_t>()((std::uint64_t{k.a} << 32) | k.b) ^
                   (std::size_t{k.c} * 0x9E3779B97F4A7C15ull);
        }
    };
    std::vector<Entry> entries_;
    std::unordered_map<TableKey, std::size_t, KeyHash> index_;
};

}  // namespace flowquery
