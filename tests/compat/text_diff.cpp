#include "text_diff.hpp"

#include <algorithm>

namespace flowkeep_compat {

namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = s.find(sep, start);
        if (end == std::string_view::npos) {
            out.push_back(s.substr(start));
            return out;
        }
        out.push_back(s.substr(start, end - start));
        start = end + 1;
    }
}

std::string hex_byte(std::uint8_t b) {
    static constexpr char digits[] = "0123456789abcdef";
    return std::string("0x") + digits[b >> 4] + digits[b & 0xF];
}

std::string quoted(std::string_view s) {
    return std::string("\"").append(s).append("\"");
}

// Index of the first differing line, or lines.size() of the shorter text when
// one is a prefix of the other.
std::size_t first_differing_line(const std::vector<std::string_view>& a,
                                 const std::vector<std::string_view>& b) {
    const std::size_t n = std::min(a.size(), b.size());
    std::size_t i = 0;
    while (i < n && a[i] == b[i]) ++i;
    return i;
}

std::string counts(const std::vector<std::string_view>& e, const std::vector<std::string_view>& a) {
    return " (expected " + std::to_string(e.size()) + " lines, got " + std::to_string(a.size()) +
           ")";
}

}  // namespace

std::vector<std::string_view> split_lines(std::string_view text) {
    if (text.empty()) return {};
    auto lines = split(text, '\n');
    if (text.back() == '\n') lines.pop_back();
    return lines;
}

std::string describe_text_difference(std::string_view expected, std::string_view actual) {
    if (expected == actual) return {};
    const auto e = split_lines(expected);
    const auto a = split_lines(actual);
    const std::size_t i = first_differing_line(e, a);
    if (i < e.size() && i < a.size())
        return "line " + std::to_string(i + 1) + ": expected " + quoted(e[i]) + ", got " +
               quoted(a[i]) + counts(e, a);
    if (i < e.size())
        return "missing from line " + std::to_string(i + 1) + ": " + quoted(e[i]) + counts(e, a);
    if (i < a.size())
        return "extra from line " + std::to_string(i + 1) + ": " + quoted(a[i]) + counts(e, a);
    return "texts differ only in the final newline";
}

std::string describe_csv_difference(std::string_view expected, std::string_view actual) {
    if (expected == actual) return {};
    const auto e = split_lines(expected);
    const auto a = split_lines(actual);
    const std::size_t i = first_differing_line(e, a);
    if (i == 0 || i >= e.size() || i >= a.size()) return describe_text_difference(expected, actual);

    const auto names = split(e[0].substr(e[0].starts_with("#:") ? 2 : 0), ',');
    const auto ev = split(e[i], ',');
    const auto av = split(a[i], ',');
    std::string out = "record " + std::to_string(i - 1) + " (line " + std::to_string(i + 1) + "):";
    if (ev.size() != av.size())
        out += " expected " + std::to_string(ev.size()) + " columns, got " +
               std::to_string(av.size()) + ";";
    for (std::size_t c = 0; c < std::min(ev.size(), av.size()); ++c) {
        if (ev[c] == av[c]) continue;
        const std::string name =
            c < names.size() ? std::string(names[c]) : "column " + std::to_string(c + 1);
        out += " " + name + " expected " + std::string(ev[c]) + " got " + std::string(av[c]) + ";";
    }
    return out + " expected line " + quoted(e[i]) + ", got " + quoted(a[i]) + counts(e, a);
}

std::string describe_byte_difference(std::span<const std::uint8_t> expected,
                                     std::span<const std::uint8_t> actual, std::size_t header_size,
                                     std::size_t record_size) {
    const std::size_t n = std::min(expected.size(), actual.size());
    std::size_t i = 0;
    while (i < n && expected[i] == actual[i]) ++i;
    if (i == n && expected.size() == actual.size()) return {};

    std::string where = "byte " + std::to_string(i);
    if (i < header_size)
        where += " (in the header)";
    else if (record_size != 0)
        where += " (record " + std::to_string((i - header_size) / record_size) + ", byte " +
                 std::to_string((i - header_size) % record_size) + ")";
    std::string out = "first difference at " + where;
    if (i < n) out += ": expected " + hex_byte(expected[i]) + " got " + hex_byte(actual[i]);
    return out + "; sizes expected " + std::to_string(expected.size()) + ", got " +
           std::to_string(actual.size());
}

}  // namespace flowkeep_compat
