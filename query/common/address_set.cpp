#include "common/address_set.hpp"

#include <optional>
#include <string>

#include "common/dotted_quad.hpp"
#include "common/list_items.hpp"
#include "common/usage_error.hpp"

namespace flowquery {
namespace {

// Strict dotted quad: four decimal numbers 0-255.  A leading zero is refused
// because inet_aton() would read "010" as octal 8 and the operator as 10.
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

AddressSet::Range parse_item(std::string_view item, std::string_view option) {
    auto fail = [&](const std::string& what) {
        return UsageError(std::string(option) + ": " + what);
    };
    const std::string quoted = "'" + std::string(item) + "'";
    const auto slash = item.find('/');
    const auto address = parse_dotted_quad(item.substr(0, slash));
    if (!address) throw fail("bad address " + quoted);
    if (slash == std::string_view::npos) return {*address, *address};

    const std::string_view length_text = item.substr(slash + 1);
    unsigned length = 0;
    bool length_ok = !length_text.empty() && length_text.size() <= 2;
    for (char c : length_text) {
        if (c < '0' || c > '9') length_ok = false;
        length = length * 10 + static_cast<unsigned>(c - '0');
    }
    if (!length_ok || length > 32)
        throw fail("bad prefix length in " + quoted + " (expected 0 to 32)");
    const std::uint32_t host_bits =
        length == 0 ? UINT32_MAX : (std::uint32_t{1} << (32 - length)) - 1;
    if (*address & host_bits)
        throw fail(quoted + " has host bits set (did you mean " +
                   dotted_quad(*address & ~host_bits) + "/" + std::to_string(length) + "?)");
    return {*address, *address | host_bits};
}

}  // namespace

AddressSet AddressSet::parse(std::string_view list, std::string_view option) {
    std::vector<Range> ranges;
    for (std::string_view item : list_items(list, option))
        ranges.push_back(parse_item(item, option));
    std::sort(ranges.begin(), ranges.end(),
              [](const Range& a, const Range& b) { return a.first < b.first; });
    AddressSet set;
    for (const Range& r : ranges) {
        // Merge overlapping and adjacent ranges (10.0.0.0/25 + 10.0.0.128/25).
        if (!set.ranges_.empty() &&
            (set.ranges_.back().last == UINT32_MAX || r.first <= set.ranges_.back().last + 1)) {
            set.ranges_.back().last = std::max(set.ranges_.back().last, r.last);
        } else {
            set.ranges_.push_back(r);
        }
    }
    return set;
}

}  // namespace flowquery
