#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "flowfile/record.hpp"

namespace flowquery {

// flow-stat report 0 ("Overall Summary"): totals, averages and four
// distribution tables over the flows with packets (query-tools.md §5.4).
// The averages are computed in single precision as the original does, so
// they print the same digits (9928662.0000, " inf").
class OverallSummary {
  public:
    // False for a flow with no packets, which the original ignores (and
    // reports on stderr).
    bool add(const flowfile::Record& r);

    // The report text after the preamble; empty when no flow was counted.
    std::string text() const;

  private:
    static constexpr std::size_t buckets = 26;

    std::uint64_t flows_ = 0;
    std::uint64_t octets_ = 0;
    std::uint64_t packets_ = 0;
    std::uint64_t time_ = 0;  // sum of flow durations, ms
    std::uint64_t first_min_ = 0xFFFFFFFF;
    std::uint64_t last_max_ = 0;
    std::uint32_t secs_min_ = 0xFFFFFFFF;
    std::uint32_t secs_max_ = 0;
    std::array<std::uint64_t, buckets> packet_size_{};
    std::array<std::uint64_t, buckets> packets_per_flow_{};
    std::array<std::uint64_t, buckets> octets_per_flow_{};
    std::array<std::uint64_t, buckets> flow_time_{};
};

}  // namespace flowquery
