#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <span>
#include <string_view>

#include "flowfile/record.hpp"
#include "legacy_stat/legacy_stat_options.hpp"

namespace flowquery {

// flow-stat 0.68.5 numbers its reports 0..32.
inline constexpr int legacy_stat_report_count = 33;

// The name printed in "# Name:" (format 0..32).
std::string_view legacy_stat_report_name(int format);

// The flow-tools records a report reads, from one stream or several in a
// row: batches until an empty one, and the export version that says which
// fields the records have.
struct LegacyStatInput {
    std::uint16_t export_version = 0;
    std::function<std::span<const flowfile::Record>()> next_batch;
};

// Reads every record of `input` into report options.format (0..32) and
// writes the report body (everything after the preamble) to out.  Warnings go
// to err as the original prints them: "<program>: Flow record missing
// required field for format." when the file's version lacks a field the
// report needs, "Ignoring bogus flow dPkts=0" per flow without packets
// (reports 0 and 1), "<cc> can't sort on field N." for a bad -S/-s.
void run_legacy_stat_report(const LegacyStatOptions& options, const LegacyStatInput& input,
                            std::string_view program, std::ostream& out, std::ostream& err);

}  // namespace flowquery
