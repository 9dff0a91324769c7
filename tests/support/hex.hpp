#pragma once

// Turns an xxd dump (as pasted from the spec) into bytes, so tests can state
// expected file contents exactly as the spec shows them.

#include <cctype>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace flowkeep_test {

inline std::vector<std::uint8_t> from_xxd(const std::string& dump) {
    std::vector<std::uint8_t> out;
    std::istringstream lines(dump);
    std::string line;
    while (std::getline(lines, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        // Hex area: after "offset: " up to the two-space gap before the ASCII column.
        std::string hex = line.substr(colon + 1);
        const auto gap = hex.find("  ", 1);
        if (gap != std::string::npos) hex = hex.substr(0, gap);
        std::string digits;
        for (char c : hex)
            if (std::isxdigit(static_cast<unsigned char>(c))) digits += c;
        for (std::size_t i = 0; i + 1 < digits.size(); i += 2)
            out.push_back(static_cast<std::uint8_t>(std::stoi(digits.substr(i, 2), nullptr, 16)));
    }
    return out;
}

}  // namespace flowkeep_test
