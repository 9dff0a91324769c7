#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

#include "flowfile/ipv6_text.hpp"

namespace flowquery {

// A set of IPv4 and IPv6 addresses given as one list of addresses and CIDR
// prefixes of either family ("10.0.3.7,10.0.0.0/8,2001:db8:3:7::/64"), kept
// per family as sorted, merged, non-touching ranges so that contains() is a
// short scan or a binary search.
//
// An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address: an item
// written that way (a /96 or longer inside ::ffff:0:0/96) joins the IPv4
// ranges, and contains() of a mapped address asks the IPv4 ranges too.  An
// IPv6 record holds a mapped address only as its exporter's (an IPv4
// exporter sending IPv6 flows), never as source or destination, so this lets
// --exporter 192.0.2.1 select the IPv6 flows that exporter sent, and changes
// nothing for the addresses of the flows themselves.
class AddressSet {
  public:
    struct Range {
        std::uint32_t first;  // host order, inclusive
        std::uint32_t last;   // host order, inclusive
        friend bool operator==(const Range&, const Range&) = default;
    };
    // A 128-bit address as a number, to compare and step through ranges.
    struct Ipv6Number {
        std::uint64_t high = 0;
        std::uint64_t low = 0;
        friend auto operator<=>(const Ipv6Number&, const Ipv6Number&) = default;
    };
    struct Range6 {
        Ipv6Number first;  // inclusive
        Ipv6Number last;   // inclusive
        friend bool operator==(const Range6&, const Range6&) = default;
    };

    // Throws UsageError naming the option and the bad item:
    //   "--ip: bad address '256.1.1.1'" (also 1.2.3, 010.0.0.1, junk),
    //   "--ip: bad prefix length in '10.0.0.0/33' (expected 0 to 32)",
    //   "--ip: '10.0.3.7/16' has host bits set (did you mean 10.0.0.0/16?)",
    //   "--ip: bad address '2001:db8::g'" (an item with a colon is IPv6),
    //   "--ip: bad prefix length in '2001:db8::/129' (expected 0 to 128)",
    //   "--ip: '2001:db8::1/32' has host bits set (did you mean 2001:db8::/32?)",
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

    // An IPv4-mapped address is looked up as the IPv4 address it maps (see
    // above), and also among the IPv6 ranges, so that ::/0 holds it.
    bool contains(const flowfile::Ipv6Address& address) const;

    static Ipv6Number number(const flowfile::Ipv6Address& address);

    // Which families the list names: a query reads only the files of the
    // families its address filters can match.
    bool has_ipv4() const { return !ranges_.empty(); }
    bool has_ipv6() const { return !ranges6_.empty(); }

    bool contains_every_ipv4() const {
        return ranges_.size() == 1 && ranges_[0].first == 0 && ranges_[0].last == UINT32_MAX;
    }
    bool contains_every_ipv6() const {
        return ranges6_.size() == 1 && ranges6_[0].first == Ipv6Number{} &&
               ranges6_[0].last == Ipv6Number{UINT64_MAX, UINT64_MAX};
    }
    // Both families whole ("0.0.0.0/0,::/0"): 0.0.0.0/0 alone holds no IPv6
    // address.
    bool contains_everything() const { return contains_every_ipv4() && contains_every_ipv6(); }

    // Sorted by first; ranges neither overlap nor touch.  IPv4 (including
    // mapped items) and IPv6 apart.
    const std::vector<Range>& ranges() const { return ranges_; }
    const std::vector<Range6>& ranges6() const { return ranges6_; }

  private:
    std::vector<Range> ranges_;
    std::vector<Range6> ranges6_;
};

}  // namespace flowquery
