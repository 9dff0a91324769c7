#include "ipv4_text.hpp"

#include <array>
#include <charconv>

namespace capture {

std::string ipv4_text(std::uint32_t host_order) {
    std::array<char, 16> buf{};
    char* p = buf.data();
    char* const end = buf.data() + buf.size();
    for (int shift = 24; shift >= 0; shift -= 8) {
        p = std::to_chars(p, end, (host_order >> shift) & 0xffu).ptr;
        if (shift != 0) *p++ = '.';
    }
    return std::string(buf.data(), p);
}

}  // namespace capture
