#include "summary/summary_table.hpp"

namespace flowquery {

namespace {

constexpr std::size_t initial_capacity = 64;

std::uint64_t mix(std::uint64_t h) {
    // The splitmix64 finaliser: neighbouring addresses and ports must not
    // land in neighbouring slots, or linear probing degrades.
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h;
}

}  // namespace

SummaryTable::SummaryTable(std::size_t key_words)
    : key_words_(key_words),
      mask_(initial_capacity - 1),
      keys_(initial_capacity * key_words),
      counters_(initial_capacity) {}

std::size_t SummaryTable::slot_of(const PackedSummaryKey& key) const {
    std::uint64_t h = 0;
    for (std::size_t w = 0; w < key_words_; ++w) h = mix(h ^ key[w]);
    std::size_t slot = static_cast<std::size_t>(h) & mask_;
    while (counters_[slot].flows != 0) {
        const std::uint64_t* stored = &keys_[slot * key_words_];
        bool same = true;
        for (std::size_t w = 0; w < key_words_; ++w) same = same && stored[w] == key[w];
        if (same) return slot;
        slot = (slot + 1) & mask_;
    }
    return slot;
}

void SummaryTable::add(const PackedSummaryKey& key, const SummaryCounters& counters) {
    if (counters.flows == 0) return;
    std::size_t slot = slot_of(key);
    if (counters_[slot].flows == 0) {
        // Keep at least half the slots empty so that probe runs stay short.
        if ((size_ + 1) * 2 > counters_.size()) {
            grow();
            slot = slot_of(key);
        }
        for (std::size_t w = 0; w < key_words_; ++w) keys_[slot * key_words_ + w] = key[w];
        ++size_;
    }
    counters_[slot].add(counters);
}

void SummaryTable::grow() {
    std::vector<std::uint64_t> old_keys = std::move(keys_);
    std::vector<SummaryCounters> old_counters = std::move(counters_);
    const std::size_t capacity = old_counters.size() * 2;
    keys_.assign(capacity * key_words_, 0);
    counters_.assign(capacity, SummaryCounters{});
    mask_ = capacity - 1;
    for (std::size_t old = 0; old < old_counters.size(); ++old) {
        if (old_counters[old].flows == 0) continue;
        PackedSummaryKey key{};
        for (std::size_t w = 0; w < key_words_; ++w) key[w] = old_keys[old * key_words_ + w];
        const std::size_t slot = slot_of(key);
        for (std::size_t w = 0; w < key_words_; ++w) keys_[slot * key_words_ + w] = key[w];
        counters_[slot] = old_counters[old];
    }
}

}  // namespace flowquery
