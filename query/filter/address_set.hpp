#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

namespace flowquery {

// A set of IPv4 addresses given as a list of addresses and CIDR prefixes
// ("10.0.3.7,10.0.0.0/8,203.0.113.0/24"), kept as sorted, merged,
// non-touching ranges so that contains() is a short scan or a binary search.
class AddressSet {
  public:
    struct Range {
        std::uint32_t first;  // host order, inclusive
        std::uint32_t last;   // host order, inclusive
        friend bool operator==(const Range&, const Range&) = default;
    };

    // Throws UsageError naming the option and the bad item:
    //   "--ip: bad address '256.1.1.1'" (also 1.2.3, 010.0.0.1, junk),
    //   "--ip: bad prefix length in '10.0.0.0/33' (expected 0 to 32)",
    //   "--ip: '10.0.3.7/16' has host bits set (did you mean 10.0.0.0/16?)",
    //   "--ip: empty item in list '10.0.0.1,,10.0.0.2'".
    static AddressSet parse(std::string_view list, std::string_view option);

    bool contains(std::uint32_t host_order_addr) const {
        // A handful of ranges (the usual case) fit in a cache line or two:
        // scanning them beats the branches of a binary search.
        if (ranges_.size() <= 8) {
            for (const Range& r : ranges_)
                if (host_order_addr - r.first <= r.last - r.first) return true;
            return false;
        }
        auto after = std::upper_bound(ranges_.begin(), ranges_.end(), host_order_addr,
                                      [](std::uint32_t a, const Range& r) { return a < r.first; });
        return after != ranges_.begin() && host_order_addr <= std::prev(after)->last;
    }

    bool contains_everything() const {
        return ranges_.size() == 1 && ranges_[0].first == 0 && ranges_[0].last == UINT32_MAX;
    }

    // Sorted by first; ranges neither overlap nor touch.
    const std::vector<Range>& ranges() const { return ranges_; }

  private:
    std::vector<Range> ranges_;
};

}  // namespace flowquery
