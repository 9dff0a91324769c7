#pragma once

// The text of the files flow-capture-status reads, the --status-file and its
// own --state-file: one key=value line per field.  A later line with the same
// key wins; blank lines and a CR before the LF are skipped.

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace capture {

using KeyValues = std::map<std::string, std::string, std::less<>>;

// Throws std::runtime_error "line N is not key=value".
KeyValues read_key_value_lines(std::string_view text);

// The value of `key` as a whole number (std::int64_t or std::uint64_t), 0
// when there is no such line and it is not `required`.  Throws
// std::runtime_error "no KEY= line" or "KEY=VALUE is not a number".
template <typename Number>
Number number_at(const KeyValues& lines, std::string_view key, bool required);

}  // namespace capture
