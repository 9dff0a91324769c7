#include "summary/name_numbering.hpp"

#include <algorithm>
#include <numeric>

namespace flowquery {

std::uint32_t NameNumbering::intern(std::string_view name) {
    if (const auto found = numbers_.find(name); found != numbers_.end()) return found->second;
    names_.emplace_back(name);
    const auto number = static_cast<std::uint32_t>(names_.size());
    numbers_.emplace(names_.back(), number);
    return number;
}

std::vector<std::uint64_t> NameNumbering::ranks() const {
    std::vector<std::uint32_t> numbers(names_.size() + 1);
    std::iota(numbers.begin(), numbers.end(), 0U);
    std::sort(numbers.begin(), numbers.end(), [&](std::uint32_t a, std::uint32_t b) {
        return name(a) != name(b) ? name(a) < name(b) : a < b;
    });
    std::vector<std::uint64_t> rank(numbers.size(), 0);
    for (std::size_t r = 0; r < numbers.size(); ++r) rank[numbers[r]] = r;
    return rank;
}

}  // namespace flowquery
