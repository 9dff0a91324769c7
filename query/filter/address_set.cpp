#include "filter/address_set.hpp"

#include <optional>
#include <string>

#include "filter/ipv4_prefix.hpp"
#include "filter/list_items.hpp"
#include "tools/usage_error.hpp"

namespace flowquery {
namespace {

AddressSet::Range parse_item(std::string_view item, std::string_view option) {
    const Ipv4Prefix prefix = parse_ipv4_prefix(item, std::string(option) + ": ");
    return {prefix.network, prefix.last()};
}

}  // namespace

AddressSet AddressSet::parse(std::string_view list, std::string_view option) {
    std::vector<Range> ranges;
    for (std::string_view item : list_items(list, option))
        ranges.push_back(parse_item(item, option));
    std::sort(ranges.begin(), ranges.end(),
              [](const Range& a, const Range& b) { return a.first < b.first; });
    AddressSet set;
    for (const Range& r : ranges) {
        // Merge overlapping and adjacent ranges (10.0.0.0/25 + 10.0.0.128/25).
        if (!set.ranges_.empty() &&
            (set.ranges_.back().last == UINT32_MAX || r.first <= set.ranges_.back().last + 1)) {
            set.ranges_.back().last = std::max(set.ranges_.back().last, r.last);
        } else {
            set.ranges_.push_back(r);
        }
    }
    return set;
}

}  // namespace flowquery
