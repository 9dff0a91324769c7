#include "key_value_lines.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <stdexcept>

namespace capture {

KeyValues read_key_value_lines(std::string_view text) {
    KeyValues out;
    std::size_t line_number = 0;
    while (!text.empty()) {
        const std::size_t end = std::min(text.find('\n'), text.size());
        std::string_view line = text.substr(0, end);
        text.remove_prefix(std::min(end + 1, text.size()));
        ++line_number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) continue;
        const std::size_t eq = line.find('=');
        if (eq == std::string_view::npos || eq == 0)
            throw std::runtime_error("line " + std::to_string(line_number) + " is not key=value");
        out.insert_or_assign(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
    }
    return out;
}

template <typename Number>
Number number_at(const KeyValues& lines, std::string_view key, bool required) {
    const auto it = lines.find(key);
    if (it == lines.end()) {
        if (required) throw std::runtime_error("no " + std::string(key) + "= line");
        return 0;
    }
    Number value{};
    const std::string& text = it->second;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size())
        throw std::runtime_error(std::string(key) + "=" + text + " is not a number");
    return value;
}

template std::int64_t number_at<std::int64_t>(const KeyValues&, std::string_view, bool);
template std::uint64_t number_at<std::uint64_t>(const KeyValues&, std::string_view, bool);

}  // namespace capture
