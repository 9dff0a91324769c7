#pragma once

// Reading nfdump's text output back into numbers, for tests that compare
// flowkeep with nfdump (the reference decoder of NetFlow v9 and IPFIX): its
// times, TCP flag letters and ICMP "type.code" ports.  The values must be
// written as `nfdump -o fmt:` prints them with TZ=UTC.

#include <cstdint>
#include <ctime>
#include <stdexcept>
#include <string>

namespace flowkeep_test {

// "2026-03-14 20:00:00.500" (%ts/%te with TZ=UTC) as ms since 1970.
inline std::int64_t nfdump_utc_ms(const std::string& text) {
    if (text.size() != 23) throw std::invalid_argument("not an nfdump time: " + text);
    std::tm tm{};
    tm.tm_year = std::stoi(text.substr(0, 4)) - 1900;
    tm.tm_mon = std::stoi(text.substr(5, 2)) - 1;
    tm.tm_mday = std::stoi(text.substr(8, 2));
    tm.tm_hour = std::stoi(text.substr(11, 2));
    tm.tm_min = std::stoi(text.substr(14, 2));
    tm.tm_sec = std::stoi(text.substr(17, 2));
    return std::int64_t{timegm(&tm)} * 1000 + std::stoi(text.substr(20, 3));
}

// nfdump's flag text ("...AP.SF": two places for ECE/CWR, then UAPRSF, '.'
// for a clear bit) as the TCP flags byte.
inline std::uint8_t nfdump_tcp_flags(const std::string& text) {
    if (text.size() != 8) throw std::invalid_argument("not nfdump TCP flags: " + text);
    const std::string letters = "UAPRSF";
    std::uint8_t bits = 0;
    for (std::size_t i = 0; i < letters.size(); ++i)
        if (text[2 + i] == letters[i]) bits |= static_cast<std::uint8_t>(0x20 >> i);
    return bits;
}

// A port as nfdump prints it; an ICMP flow's destination port is
// "type.code", which flow-tools keeps as type * 256 + code.
inline std::uint16_t nfdump_port(const std::string& text) {
    const auto dot = text.find('.');
    if (dot == std::string::npos) return static_cast<std::uint16_t>(std::stoul(text));
    return static_cast<std::uint16_t>(std::stoul(text.substr(0, dot)) * 256 +
                                      std::stoul(text.substr(dot + 1)));
}

}  // namespace flowkeep_test
