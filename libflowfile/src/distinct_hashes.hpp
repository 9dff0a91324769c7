#pragma once

// A set of 64-bit hashes, each kept once: the distinct address keys of a
// block and of a file, which size their filters.  Open addressing with
// linear probing; the hashes are well mixed already, so their low bits
// serve as the slot.  Several times faster than sorting the repeats away,
// which was most of the builder's time.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace flowfile::detail {

class DistinctHashes {
  public:
    void insert(std::uint64_t h) {
        if (h == 0) {  // 0 marks an empty slot, so it is kept aside
            count_ += has_zero_ ? 0 : 1;
            has_zero_ = true;
            return;
        }
        if ((count_ + 1) * 2 > slots_.size()) grow();
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = h & mask;; i = (i + 1) & mask) {
            if (slots_[i] == h) return;
            if (slots_[i] == 0) {
                slots_[i] = h;
                ++count_;
                return;
            }
        }
    }

    // Inserts each of `hashes`.  A file's set outgrows the caches, so each
    // probe would wait for memory: the slots of the hashes a few places
    // ahead are fetched while the current one is inserted.
    void insert_all(std::span<const std::uint64_t> hashes) {
        constexpr std::size_t ahead = 8;
        for (std::size_t i = 0; i < hashes.size(); ++i) {
            if (i + ahead < hashes.size() && !slots_.empty())
                __builtin_prefetch(&slots_[hashes[i + ahead] & (slots_.size() - 1)], 1);
            insert(hashes[i]);
        }
    }

    std::size_t size() const { return count_; }

    // Empties the set and keeps its room for the next block.
    void clear() {
        if (count_ != 0) std::fill(slots_.begin(), slots_.end(), 0);
        count_ = 0;
        has_zero_ = false;
    }

    template <typename F>
    void for_each(F f) const {
        if (has_zero_) f(std::uint64_t{0});
        for (std::uint64_t h : slots_)
            if (h != 0) f(h);
    }

  private:
    void grow() {
        std::vector<std::uint64_t> old(slots_.empty() ? 1024 : slots_.size() * 2, 0);
        old.swap(slots_);
        const bool zero = has_zero_;
        count_ = 0;
        has_zero_ = false;
        for (std::uint64_t h : old)
            if (h != 0) insert(h);
        if (zero) insert(0);
    }

    std::vector<std::uint64_t> slots_;
    std::size_t count_ = 0;
    bool has_zero_ = false;
};

}  // namespace flowfile::detail
