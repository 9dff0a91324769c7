#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tools/usage_error.hpp"

namespace flowquery {

// The items of a comma-separated option value, blanks around each removed:
// "10.0.0.1, 10.0.0.2" -> {"10.0.0.1", "10.0.0.2"}.  An empty item ("a,,b",
// a trailing comma, an empty value) is a UsageError: it is almost always a
// typing slip, and silently ignoring it could widen or empty a filter.
inline std::vector<std::string_view> list_items(std::string_view list, std::string_view option) {
    std::vector<std::string_view> items;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = list.find(',', start);
        std::string_view item = list.substr(
            start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
            item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (item.empty())
            throw UsageError(std::string(option) + ": empty item in list '" + std::string(list) +
                             "'");
        items.push_back(item);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return items;
}

}  // namespace flowquery
