#pragma once

// An index's problem as flowfile::BlockIndex words it for the query tools
// ("ix-NAME: stale (...): scanning the file"), without what a query does
// about it: flow-index builds the index again, or reports it.

#include <string>
#include <string_view>

namespace flowindex {

inline std::string index_problem_text(const std::string& message) {
    constexpr std::string_view query_ending = ": scanning the file";
    if (message.ends_with(query_ending))
        return message.substr(0, message.size() - query_ending.size());
    return message;
}

}  // namespace flowindex
