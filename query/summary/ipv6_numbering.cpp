#include "summary/ipv6_numbering.hpp"

#include <algorithm>
#include <numeric>

namespace flowquery {

std::vector<std::uint64_t> Ipv6Numbering::ranks() const {
    std::vector<std::uint32_t> numbers(addresses_.size());
    std::iota(numbers.begin(), numbers.end(), 0U);
    // std::array compares element by element: network byte order is
    // numeric order.
    std::sort(numbers.begin(), numbers.end(),
              [&](std::uint32_t a, std::uint32_t b) { return addresses_[a] < addresses_[b]; });
    std::vector<std::uint64_t> rank(numbers.size(), 0);
    for (std::size_t r = 0; r < numbers.size(); ++r) rank[numbers[r]] = r;
    return rank;
}

}  // namespace flowquery
