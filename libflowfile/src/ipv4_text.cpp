#include "flowfile/ipv4_text.hpp"

#include <array>
#include <charconv>
#include <system_error>

namespace flowfile {

std::string ipv4_text(std::uint32_t host_order) {
    // "255.255.255.255" is 15 characters, so the buffer always suffices;
    // the checks keep every write provably inside it (gcc's
    // -Wstringop-overflow at -O3 cannot see that otherwise).
    std::array<char, 16> buf{};
    char* p = buf.data();
    char* const end = buf.data() + buf.size();
    for (int shift = 24; shift >= 0; shift -= 8) {
        const auto [next, ec] = std::to_chars(p, end, (host_order >> shift) & 0xffu);
        if (ec != std::errc{}) break;
        p = next;
        if (shift != 0 && p != end) *p++ = '.';
    }
    return std::string(buf.data(), p);
}

}  // namespace flowfile
