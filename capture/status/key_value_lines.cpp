#include "key_value_lines.hpp"

#include <charconv>
#include <cstdint>
#include <stdexcept>

#include "flowfile/text_lines.hpp"

namespace capture {

KeyValues read_key_value_lines(std::string_view text) {
    KeyValues out;
    flowfile::TextLines lines(text);
    while (const auto text_line = lines.next()) {
        const std::string_view line = text_line->text;
        if (line.empty()) continue;
        const std::size_t eq = line.find('=');
        if (eq == std::string_view::npos || eq == 0)
            throw std::runtime_error("line " + std::to_string(text_line->number) +
                                     " is not key=value");
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
