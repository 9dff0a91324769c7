#include "legacy_stat/legacy_stat_summary.hpp"

#include <algorithm>
#include <optional>
#include <span>
#include <string_view>

#include "legacy_stat/legacy_stat_text.hpp"

namespace flowquery {

namespace {

// Inclusive upper bounds of each distribution's buckets.  A value above the
// last bound falls into the last bucket ("other") where the table has one,
// into none otherwise (packet sizes above 4608).
constexpr std::array<std::uint64_t, 26> packet_size_bounds = {
    32,  64,  96,  128, 160, 192,  224,  256,  288,  320,  352,  384,  416,
    448, 480, 512, 544, 576, 1024, 1536, 2048, 2560, 3072, 3584, 4096, 4608};
constexpr std::array<std::uint64_t, 25> packets_per_flow_bounds = {
    1,  2,  4,  8,   12,  16,  20,  24,  28,  32,  36,  40, 44,
    48, 52, 60, 100, 200, 300, 400, 500, 600, 700, 800, 900};
constexpr std::array<std::uint64_t, 25> octets_per_flow_bounds = {
    32,   64,   128,  256,  512,   1280,  2048,  2816,  3584,  4352,  5120,  5888, 6656,
    7424, 8192, 8960, 9728, 10496, 11264, 12032, 12800, 13568, 14336, 15104, 15872};
constexpr std::array<std::uint64_t, 25> flow_time_bounds = {
    10,   50,    100,   200,   500,   1000,  2000,  3000,  4000,  5000,  6000,  7000, 8000,
    9000, 10000, 12000, 14000, 16000, 18000, 20000, 22000, 24000, 26000, 28000, 30000};

// Index of the bucket holding `value`, or nullopt for none.
std::optional<std::size_t> bucket_of(std::span<const std::uint64_t> bounds, std::uint64_t value,
                                     bool has_other) {
    const auto it = std::lower_bound(bounds.begin(), bounds.end(), value);
    if (it != bounds.end()) return static_cast<std::size_t>(it - bounds.begin());
    if (has_other) return bounds.size();
    return std::nullopt;
}

// print_3float(): "%-3.3f" with its first character dropped, so 0.250 prints
// ".250" and 1.000 prints ".000".  Then one or two spaces.
std::string fraction(std::uint64_t count, std::uint64_t flows, int spaces) {
    const float f = static_cast<float>(count) / static_cast<float>(flows);
    const std::string s = c_format("%-3.3f", static_cast<double>(f));
    return s.substr(1) + std::string(static_cast<std::size_t>(spaces), ' ');
}

// Appends fractions [from, to) of one table; columns from `wide_from` on are
// followed by two spaces instead of one.
void add_fractions(std::string& s, const std::array<std::uint64_t, 26>& counts, std::uint64_t flows,
                   std::size_t from, std::size_t to, std::size_t wide_from) {
    for (std::size_t i = from; i < to; ++i) s += fraction(counts[i], flows, i >= wide_from ? 2 : 1);
}

std::string line(std::string_view label, const std::string& value) {
    return std::string(label) + value + '\n';
}

std::string average(std::string_view label, float value) {
    return std::string(label) + c_format("%4.4f", static_cast<double>(value)) + '\n';
}

}  // namespace

bool OverallSummary::add(const flowfile::Record& r) {
    if (r.dpkts == 0) return false;
    ++flows_;
    octets_ += r.doctets;
    packets_ += r.dpkts;
    secs_min_ = std::min(secs_min_, r.unix_secs);
    secs_max_ = std::max(secs_max_, r.unix_secs);
    first_min_ = std::min<std::uint64_t>(first_min_, r.first);
    last_max_ = std::max<std::uint64_t>(last_max_, r.last);

    const std::uint32_t duration = flowfile::flow_duration_ms(r);
    time_ += duration;
    if (auto b = bucket_of(packet_size_bounds, r.doctets / r.dpkts, false)) ++packet_size_[*b];
    if (auto b = bucket_of(packets_per_flow_bounds, r.dpkts, true)) ++packets_per_flow_[*b];
    if (auto b = bucket_of(octets_per_flow_bounds, r.doctets, true)) ++octets_per_flow_[*b];
    if (auto b = bucket_of(flow_time_bounds, duration, true)) ++flow_time_[*b];
    return true;
}

std::string OverallSummary::text() const {
    if (flows_ == 0) return {};

    // Unsigned 64-bit like the original: max(Last) < min(First) wraps.
    const std::uint64_t span_ms = last_max_ - first_min_;
    const std::uint32_t real_secs = secs_max_ - secs_min_;
    const float flows = static_cast<float>(flows_);
    const float span_secs = static_cast<float>(span_ms / 1000);
    const float kbits = static_cast<float>(octets_ * 8) / 1000.0f;

    std::string s;
    s += line("Total Flows                     : ", std::to_string(flows_));
    s += line("Total Octets                    : ", std::to_string(octets_));
    s += line("Total Packets                   : ", std::to_string(packets_));
    s += line("Total Time (1/1000 secs) (flows): ", std::to_string(time_));
    s += line("Duration of data  (realtime)    : ", std::to_string(real_secs));
    s += line("Duration of data (1/1000 secs)  : ", std::to_string(span_ms));
    s += average("Average flow time (1/1000 secs) : ", static_cast<float>(time_) / flows);
    s += average("Average packet size (octets)    : ",
                 static_cast<float>(octets_) / static_cast<float>(packets_));
    s += average("Average flow size (octets)      : ", static_cast<float>(octets_) / flows);
    s += average("Average packets per flow        : ", static_cast<float>(packets_) / flows);
    s += average("Average flows / second (flow)   : ", flows / span_secs);
    s += average("Average flows / second (real)   : ",
                 real_secs != 0 ? flows / static_cast<float>(real_secs) : 0.0f);
    s += average("Average Kbits / second (flow)   : ", kbits / span_secs);
    s += average("Average Kbits / second (real)   : ",
                 real_secs != 0 ? kbits / static_cast<float>(real_secs) : 0.0f);
    s += "\n\n";

    constexpr std::size_t none = buckets;
    s += "IP packet size distribution:\n";
    s += "   1-32   64   96  128  160  192  224  256  288  320  352  384  416  448  480\n   ";
    add_fractions(s, packet_size_, flows_, 0, 15, none);
    s += "\n\n    512  544  576 1024 1536 2048 2560 3072 3584 4096 4608\n   ";
    add_fractions(s, packet_size_, flows_, 15, 26, none);
    s += "\n\n";

    s += "Packets per flow distribution:\n";
    s += "      1    2    4    8   12   16   20   24   28   32   36   40   44   48   52\n   ";
    add_fractions(s, packets_per_flow_, flows_, 0, 15, none);
    s += "\n\n     60  100  200  300  400  500  600  700  800  900 >900\n   ";
    add_fractions(s, packets_per_flow_, flows_, 15, 26, none);
    s += "\n\n";

    s += "Octets per flow distribution:\n";
    s += "     32   64  128  256  512 1280 2048 2816 3584 4352 5120 5888 6656 7424 8192\n   ";
    add_fractions(s, octets_per_flow_, flows_, 0, 15, none);
    s += "\n\n   8960 9728 10496 11264 12032 12800 13568 14336 15104 15872 >15872\n   ";
    add_fractions(s, octets_per_flow_, flows_, 15, 26, 16);
    s += "\n\n";

    s += "Flow time distribution:\n";
    s += "    10    50  100  200  500 1000 2000 3000 4000 5000 6000 7000 8000 9000 10000\n   ";
    add_fractions(s, flow_time_, flows_, 0, 15, 13);
    s += "\n\n  12000 14000 16000 18000 20000 22000 24000 26000 28000 30000 >30000\n   ";
    add_fractions(s, flow_time_, flows_, 15, 26, 0);
    s += "\n\n";
    return s;
}

}  // namespace flowquery
