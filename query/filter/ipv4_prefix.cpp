#include "filter/ipv4_prefix.hpp"

#include <optional>
#include <string>

#include "flowfile/ipv4_text.hpp"
#include "tools/usage_error.hpp"

namespace flowquery {

namespace {

std::optional<std::uint32_t> parse_dotted_quad(std::string_view s) {
    std::uint32_t address = 0;
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (s.empty() || s.front() != '.') return std::nullopt;
            s.remove_prefix(1);
        }
        std::size_t digits = 0;
        unsigned value = 0;
        while (digits < s.size() && digits < 4 && s[digits] >= '0' && s[digits] <= '9')
            value = value * 10 + static_cast<unsigned>(s[digits++] - '0');
        if (digits == 0 || digits > 3 || value > 255) return std::nullopt;
        if (digits > 1 && s.front() == '0') return std::nullopt;
        address = address << 8 | value;
        s.remove_prefix(digits);
    }
    if (!s.empty()) return std::nullopt;
    return address;
}

}  // namespace

Ipv4Prefix parse_ipv4_prefix(std::string_view text, std::string_view where) {
    auto fail = [&](const std::string& what) { return UsageError(std::string(where) + what); };
    const std::string quoted = std::string("'").append(text).append("'");
    const auto slash = text.find('/');
    const auto address = parse_dotted_quad(text.substr(0, slash));
    if (!address) throw fail("bad address " + quoted);
    if (slash == std::string_view::npos) return {*address, 32};

    const std::string_view length_text = text.substr(slash + 1);
    unsigned length = 0;
    bool length_ok = !length_text.empty() && length_text.size() <= 2;
    for (char c : length_text) {
        if (c < '0' || c > '9') length_ok = false;
        length = length * 10 + static_cast<unsigned>(c - '0');
    }
    if (!length_ok || length > 32)
        throw fail("bad prefix length in " + quoted + " (expected 0 to 32)");
    const Ipv4Prefix prefix{*address, length};
    if (*address & prefix.host_bits())
        throw fail(quoted + " has host bits set (did you mean " +
                   flowfile::ipv4_text(*address & ~prefix.host_bits()) + "/" +
                   std::to_string(length) + "?)");
    return prefix;
}

}  // namespace flowquery
