#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "legacy_stat/legacy_stat_options.hpp"

namespace flowquery {

// flows, octets, packets and summed duration (ms) of one row or of a report.
struct StatCounters {
    std::uint64_t flows = 0;
    std::uint64_t octets = 0;
    std::uint64_t packets = 0;
    std::uint64_t duration = 0;

    void add(const StatCounters& c) {
        flows += c.flows;
        octets += c.octets;
        packets += c.packets;
        duration += c.duration;
    }
};

// printf into a std::string: the original's layout is printf formats, and
// reproducing them through printf keeps rounding, inf and nan identical.
std::string c_format(const char* format, ...) __attribute__((format(printf, 1, 2)));

// printf("%-W.Ws"): padded and cut to exactly `width` characters.
std::string fit(std::string_view text, std::size_t width);

// fmt_uint64(FMT_PAD_RIGHT): the number left-justified in 20 characters.
std::string padded_count(std::uint64_t value);

// fmt_ipv4prefix(FMT_JUST_LEFT): trailing zero octets dropped, "10.1/16";
// a mask above 32 prints as 0.
std::string prefix_text(std::uint32_t prefix, std::uint8_t mask);

// The "Report Information" block every report starts with (§5.2).
std::string legacy_stat_preamble(const LegacyStatOptions& options, std::string_view report_name,
                                 std::span<const std::string> argv);

// The three lines above the rows: comment line, column names, comment line.
// `key_header` is everything between "# " and "flows".
std::string column_header(char comment, std::string_view key_header, bool percent, bool wide);

// flows, octets, packets (and duration when wide) as absolute numbers.  The
// original pads the packets column of some reports and not of others.
std::string absolute_columns(const StatCounters& c, bool wide, bool pad_packets);

// The same as percentages of `total` ("%-6.3f", three spaces apart).
std::string percent_columns(const StatCounters& c, const StatCounters& total, bool wide);

// 100 * part / total in double precision, as "%-6.3f".
std::string percent_text(std::uint64_t part, std::uint64_t total);

}  // namespace flowquery
