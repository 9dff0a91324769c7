#pragma once

// A day of an old archive for the expiry tests: four finished v5 files of
// 2009-10-15 in flow-capture's -N 3 layout, named for the hours 00 to 03,
// their headers' start times 15 minutes apart in the same order.

#include <cstdint>
#include <filesystem>
#include <string>

#include "flowfile/writer.hpp"

namespace flowkeep_e2e {

// Writes the four files below `root`; returns the day's directory.
inline std::filesystem::path write_old_day(const std::filesystem::path& root) {
    const std::filesystem::path day = root / "2009/2009-10/2009-10-15";
    std::filesystem::create_directories(day);
    for (int i = 0; i < 4; ++i) {
        const std::uint32_t start = 1255600000 + static_cast<std::uint32_t>(i) * 900;
        auto w = flowfile::Writer::create(
            day / ("ft-v05.2009-10-15.0" + std::to_string(i) + "0000+0000"),
            flowfile::Header::for_capture(5, start, "old", true));
        w->finish({.cap_end = start + 900});
    }
    return day;
}

}  // namespace flowkeep_e2e
