#pragma once

#include <cstdint>
#include <string>

namespace flowquery {

// Addresses are printed the way inet_ntoa() does, which is what every
// flow-tools text output uses.
inline std::string dotted_quad(std::uint32_t a) {
    return std::to_string(a >> 24) + '.' + std::to_string((a >> 16) & 0xFF) + '.' +
           std::to_string((a >> 8) & 0xFF) + '.' + std::to_string(a & 0xFF);
}

}  // namespace flowquery
