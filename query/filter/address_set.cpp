#include "filter/address_set.hpp"

#include <optional>
#include <string>

#include "filter/ipv4_prefix.hpp"
#include "filter/ipv6_prefix.hpp"
#include "filter/list_items.hpp"
#include "flowfile/record6.hpp"
#include "tools/usage_error.hpp"

namespace flowquery {
namespace {

using Ipv6Number = AddressSet::Ipv6Number;

constexpr unsigned mapped_prefix_length = 96;

Ipv6Number host_bits(unsigned length) {
    if (length == 0) return {UINT64_MAX, UINT64_MAX};
    if (length <= 64) return {length == 64 ? 0 : UINT64_MAX >> length, UINT64_MAX};
    return {0, length == 128 ? 0 : UINT64_MAX >> (length - 64)};
}

// Sorts and merges overlapping and adjacent ranges (10.0.0.0/25 +
// 10.0.0.128/25) of either family; `next` is the value after `last`, or
// nothing at the top of the address space.
template <typename Range, typename Next>
std::vector<Range> merged(std::vector<Range> ranges, Next next) {
    std::sort(ranges.begin(), ranges.end(),
              [](const Range& a, const Range& b) { return a.first < b.first; });
    std::vector<Range> out;
    for (const Range& r : ranges) {
        if (!out.empty()) {
            const auto after_last = next(out.back().last);
            if (!after_last || r.first <= *after_last) {
                out.back().last = std::max(out.back().last, r.last);
                continue;
            }
        }
        out.push_back(r);
    }
    return out;
}

}  // namespace

Ipv6Number AddressSet::number(const flowfile::Ipv6Address& address) {
    Ipv6Number n;
    for (int i = 0; i < 8; ++i) {
        n.high = n.high << 8 | address[i];
        n.low = n.low << 8 | address[i + 8];
    }
    return n;
}

AddressSet AddressSet::parse(std::string_view list, std::string_view option) {
    const std::string where = std::string(option) + ": ";
    std::vector<Range> ranges;
    std::vector<Range6> ranges6;
    for (std::string_view item : list_items(list, option)) {
        if (!looks_like_ipv6(item)) {
            const Ipv4Prefix prefix = parse_ipv4_prefix(item, where);
            ranges.push_back({prefix.network, prefix.last()});
            continue;
        }
        const flowfile::Ipv6Prefix prefix = parse_ipv6_prefix_strict(item, where);
        if (prefix.length >= mapped_prefix_length && flowfile::is_ipv4_mapped(prefix.address)) {
            const Ipv4Prefix ipv4{flowfile::mapped_ipv4(prefix.address),
                                  prefix.length - mapped_prefix_length};
            ranges.push_back({ipv4.network, ipv4.last()});
            continue;
        }
        const Ipv6Number first = number(prefix.address);
        const Ipv6Number host = host_bits(prefix.length);
        ranges6.push_back({first, {first.high | host.high, first.low | host.low}});
    }
    AddressSet set;
    set.ranges_ = merged(std::move(ranges), [](std::uint32_t last) -> std::optional<std::uint32_t> {
        if (last == UINT32_MAX) return std::nullopt;
        return last + 1;
    });
    set.ranges6_ = merged(std::move(ranges6), [](Ipv6Number last) -> std::optional<Ipv6Number> {
        if (last.low != UINT64_MAX) return Ipv6Number{last.high, last.low + 1};
        if (last.high == UINT64_MAX) return std::nullopt;
        return Ipv6Number{last.high + 1, 0};
    });
    return set;
}

bool AddressSet::contains(const flowfile::Ipv6Address& address) const {
    if (flowfile::is_ipv4_mapped(address) && contains(flowfile::mapped_ipv4(address))) return true;
    const Ipv6Number n = number(address);
    if (ranges6_.size() <= 8) {
        for (const Range6& r : ranges6_)
            if (r.first <= n && n <= r.last) return true;
        return false;
    }
    auto after = std::upper_bound(ranges6_.begin(), ranges6_.end(), n,
                                  [](const Ipv6Number& a, const Range6& r) { return a < r.first; });
    return after != ranges6_.begin() && n <= std::prev(after)->last;
}

}  // namespace flowquery
