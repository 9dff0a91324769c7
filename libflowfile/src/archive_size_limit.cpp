#include <limits>

#include "flowfile/archive.hpp"
#include "flowfile/error.hpp"

namespace flowfile {

namespace {

[[noreturn]] void bad_size(std::string_view text, const char* why) {
    throw Error("invalid size \"" + std::string(text) + "\": " + why +
                " (expected a number, decimal, 0x hex or 0 octal, optionally followed by b "
                "(x512), K, M or G)");
}

int digit_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return 99;
}

}  // namespace

std::uint64_t parse_size_limit(std::string_view text) {
    constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
    std::size_t pos = 0;
    unsigned base = 10;
    if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        pos = 2;
    } else if (!text.empty() && text[0] == '0') {
        base = 8;  // the leading 0 is itself an octal digit
    }
    const std::size_t first_digit = pos;
    std::uint64_t value = 0;
    for (; pos < text.size(); ++pos) {
        const int d = digit_value(text[pos]);
        if (d >= static_cast<int>(base)) break;
        if (value > (max - static_cast<std::uint64_t>(d)) / base) bad_size(text, "too large");
        value = value * base + static_cast<std::uint64_t>(d);
    }
    if (pos == first_digit) bad_size(text, "no number");

    std::uint64_t unit = 1;
    if (pos < text.size()) {
        switch (text[pos]) {
            case 'b':
                unit = 512;
                break;
            case 'K':
                unit = 1024;
                break;
            case 'M':
                unit = 1024 * 1024;
                break;
            case 'G':
                unit = 1024 * 1024 * 1024;
                break;
            default:
                bad_size(text, "unknown suffix");
        }
        if (++pos != text.size()) bad_size(text, "text after the suffix");
    }
    if (value > max / unit) bad_size(text, "too large");
    return value * unit;
}

}  // namespace flowfile
