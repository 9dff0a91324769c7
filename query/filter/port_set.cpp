#include "filter/port_set.hpp"

#include <optional>
#include <string>

#include "filter/list_items.hpp"
#include "tools/usage_error.hpp"

namespace flowquery {
namespace {

std::optional<unsigned> port_number(std::string_view s) {
    if (s.empty()) return std::nullopt;
    unsigned value = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<unsigned>(c - '0');
        if (value > 65535) return std::nullopt;
    }
    return value;
}

bool only_digits_and_dashes(std::string_view s) {
    for (char c : s)
        if ((c < '0' || c > '9') && c != '-') return false;
    return true;
}

bool all_digits(std::string_view s) {
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

}  // namespace

void PortSet::add(unsigned first, unsigned last) {
    for (unsigned port = first; port <= last; ++port)
        bits_[port >> 6] |= std::uint64_t{1} << (port & 63);
}

PortSet PortSet::parse(std::string_view list, std::string_view option, const ServiceNames& names) {
    PortSet set;
    for (std::string_view item : list_items(list, option)) {
        auto fail = [&](std::string_view what) {
            return UsageError(std::string(option) + ": " + std::string(what) + " '" +
                              std::string(item) + "'");
        };
        if (all_digits(item)) {
            const auto port = port_number(item);
            if (!port) throw fail("bad port");
            set.add(*port, *port);
            continue;
        }
        if (const auto dash = item.find('-');
            dash != std::string_view::npos && only_digits_and_dashes(item)) {
            const auto first = port_number(item.substr(0, dash));
            const auto last = port_number(item.substr(dash + 1));
            if (!first || !last || *first > *last) throw fail("bad port range");
            set.add(*first, *last);
            continue;
        }
        const auto port = names.port(item);
        if (!port) throw fail("unknown service");
        set.add(*port, *port);
    }
    return set;
}

}  // namespace flowquery
