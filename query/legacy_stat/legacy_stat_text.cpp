#include "legacy_stat/legacy_stat_text.hpp"

#include <cstdarg>
#include <cstdio>
#include <vector>

namespace flowquery {

std::string c_format(const char* format, ...) {
    std::va_list args;
    va_start(args, format);
    std::va_list copy;
    va_copy(copy, args);
    const int n = std::vsnprintf(nullptr, 0, format, copy);
    va_end(copy);
    std::string text;
    if (n > 0) {
        std::vector<char> buffer(static_cast<std::size_t>(n) + 1);
        std::vsnprintf(buffer.data(), buffer.size(), format, args);
        text.assign(buffer.data(), static_cast<std::size_t>(n));
    }
    va_end(args);
    return text;
}

std::string fit(std::string_view text, std::size_t width) {
    std::string s(text.substr(0, width));
    s.resize(width, ' ');
    return s;
}

std::string padded_count(std::uint64_t value) {
    std::string s = std::to_string(value);
    if (s.size() < 20) s.resize(20, ' ');
    return s;
}

std::string prefix_text(std::uint32_t prefix, std::uint8_t mask) {
    const std::uint32_t octets[4] = {prefix >> 24, (prefix >> 16) & 0xFF, (prefix >> 8) & 0xFF,
                                     prefix & 0xFF};
    // The first octet always prints; the others only while a non-zero octet follows.
    int shown = 1;
    for (int i = 1; i < 4; ++i)
        if (octets[i] != 0) shown = i + 1;
    std::string s;
    for (int i = 0; i < shown; ++i) {
        if (i) s += '.';
        s += std::to_string(octets[i]);
    }
    s += '/';
    s += std::to_string(mask > 32 ? 0 : mask);
    return s;
}

std::string legacy_stat_preamble(const LegacyStatOptions& o, std::string_view report_name,
                                 std::span<const std::string> argv) {
    const char cc = o.comment;
    std::string s;
    s += cc;
    s += "  --- ---- ---- Report Information --- --- ---\n";
    s += cc;
    s += '\n';
    if (o.title) {
        s += cc;
        s += " Title:     " + *o.title + '\n';
    }
    s += cc;
    s += o.percent ? " Fields:    Percent Total\n" : " Fields:    Total\n";
    s += cc;
    s += o.names ? " Symbols:   Enabled\n" : " Symbols:   Disabled\n";
    s += cc;
    if (o.sort_order == 0) {
        s += " Sorting:   None\n";
    } else {
        const std::int64_t field = (o.sort_order > 0 ? o.sort_order : -o.sort_order) - 1;
        s += o.sort_order > 0 ? " Sorting:   Descending" : " Sorting:   Ascending";
        s += " Field " + std::to_string(field) + '\n';
    }
    s += cc;
    s += " Name:      ";
    s += report_name;
    s += '\n';
    s += cc;
    s += '\n';
    s += cc;
    s += " Args:      ";
    for (const std::string& arg : argv) {
        // isprint() in the C locale: control and non-ASCII bytes are dropped.
        for (const char ch : arg)
            if (ch >= 0x20 && ch < 0x7F) s += ch;
        s += ' ';
    }
    s += '\n';
    s += cc;
    s += '\n';
    return s;
}

std::string column_header(char cc, std::string_view key_header, bool percent, bool wide) {
    std::string s;
    s += cc;
    s += '\n';
    s += cc;
    s += ' ';
    s += key_header;
    if (percent)
        s += wide ? "flows    octets   packets  duration" : "flows    octets   packets";
    else
        s += wide ? "flows                 octets                packets               duration"
                  : "flows                 octets                packets";
    s += '\n';
    s += cc;
    s += '\n';
    return s;
}

std::string absolute_columns(const StatCounters& c, bool wide, bool pad_packets) {
    std::string s = padded_count(c.flows) + "  " + padded_count(c.octets) + "  ";
    if (wide)
        s += padded_count(c.packets) + "  " + std::to_string(c.duration);
    else
        s += pad_packets ? padded_count(c.packets) : std::to_string(c.packets);
    return s;
}

std::string percent_text(std::uint64_t part, std::uint64_t total) {
    return c_format("%-6.3f", (static_cast<double>(part) / static_cast<double>(total)) * 100);
}

std::string percent_columns(const StatCounters& c, const StatCounters& total, bool wide) {
    std::string s = percent_text(c.flows, total.flows) + "   " +
                    percent_text(c.octets, total.octets) + "   " +
                    percent_text(c.packets, total.packets);
    if (wide) s += "   " + percent_text(c.duration, total.duration);
    return s;
}

}  // namespace flowquery
