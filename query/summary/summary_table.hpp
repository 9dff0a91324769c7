#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "summary/summary_key.hpp"

namespace flowquery {

// The sums of one summary row.
struct SummaryCounters {
    std::uint64_t flows = 0;
    std::uint64_t packets = 0;
    std::uint64_t octets = 0;

    // 64-bit IPv6 counters can reach 2^64 in a sum: it saturates rather
    // than wrap (a branch-free compare, free beside the hash lookup).
    void add(const SummaryCounters& other) {
        flows += other.flows;
        packets = saturating_sum(packets, other.packets);
        octets = saturating_sum(octets, other.octets);
    }
    static std::uint64_t saturating_sum(std::uint64_t a, std::uint64_t b) {
        std::uint64_t sum = 0;
        return __builtin_add_overflow(a, b, &sum) ? ~std::uint64_t{0} : sum;
    }
    friend bool operator==(const SummaryCounters&, const SummaryCounters&) = default;
};

// An open-addressing hash table from packed keys to counters.  It grows with
// the number of distinct keys only, and finding a key allocates nothing,
// which keeps per-record aggregation within a few nanoseconds.  Only the
// first `key_words` words of a key are stored and compared.
class SummaryTable {
  public:
    explicit SummaryTable(std::size_t key_words);

    // Adds `counters` to the row of `key`, creating it.  Counters with no
    // flow are ignored (a row always counts at least one flow).
    void add(const PackedSummaryKey& key, const SummaryCounters& counters);

    std::size_t size() const { return size_; }

    // Calls fn(const PackedSummaryKey&, const SummaryCounters&) for each row,
    // in no particular order.
    template <typename Fn>
    void for_each(Fn&& fn) const {
        for (std::size_t slot = 0; slot < counters_.size(); ++slot) {
            if (counters_[slot].flows == 0) continue;
            PackedSummaryKey key{};
            for (std::size_t w = 0; w < key_words_; ++w) key[w] = keys_[slot * key_words_ + w];
            fn(static_cast<const PackedSummaryKey&>(key), counters_[slot]);
        }
    }

  private:
    std::size_t slot_of(const PackedSummaryKey& key) const;
    void grow();

    std::size_t key_words_;
    std::size_t mask_ = 0;                   // capacity - 1, capacity a power of two
    std::vector<std::uint64_t> keys_;        // key_words_ per slot
    std::vector<SummaryCounters> counters_;  // flows == 0: empty slot
    std::size_t size_ = 0;
};

}  // namespace flowquery
