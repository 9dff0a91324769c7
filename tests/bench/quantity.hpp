#pragma once

// Rates and counts as operators write them: "400k", "1.2M", "2500000".
// Shared by flow-send and bench_capture so both read a ladder the same way.

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

namespace flowkeep::bench {

// A non-negative number with an optional decimal suffix (k = 1e3, M = 1e6,
// G = 1e9).  Throws std::invalid_argument with a one-line message naming
// `what` (an option name) and the text.
inline double parse_quantity(std::string_view what, const std::string& text) {
    const char* begin = text.c_str();
    char* end = nullptr;
    errno = 0;
    double value = std::strtod(begin, &end);
    if (end == begin || errno != 0 || !std::isfinite(value) || value < 0)
        throw std::invalid_argument(std::string(what) +
                                    ": expected a number such as 400k or 1.2M, got '" + text + "'");
    const std::string_view suffix(end);
    if (suffix == "k" || suffix == "K")
        value *= 1e3;
    else if (suffix == "m" || suffix == "M")
        value *= 1e6;
    else if (suffix == "g" || suffix == "G")
        value *= 1e9;
    else if (!suffix.empty())
        throw std::invalid_argument(std::string(what) + ": unknown suffix '" + std::string(suffix) +
                                    "' in '" + text + "' (k = 1000, M = 1000000)");
    return value;
}

// "400k", "1.2M", "850": the short form of a rate for tables.
inline std::string quantity_text(double value) {
    char buf[32];
    if (value >= 1e6)
        std::snprintf(buf, sizeof buf, "%gM", std::round(value / 1e4) / 100);
    else if (value >= 1e3)
        std::snprintf(buf, sizeof buf, "%gk", std::round(value / 10) / 100);
    else
        std::snprintf(buf, sizeof buf, "%.0f", value);
    return buf;
}

}  // namespace flowkeep::bench
