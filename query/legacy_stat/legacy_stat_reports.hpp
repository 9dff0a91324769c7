#pragma once

#include <iosfwd>
#include <string_view>

#include "flowfile/reader.hpp"
#include "legacy_stat/legacy_stat_options.hpp"

namespace flowquery {

// flow-stat 0.68.5 numbers its reports 0..32.
inline constexpr int legacy_stat_report_count = 33;

// The name printed in "# Name:" (format 0..32).
std::string_view legacy_stat_report_name(int format);

// Reads every record of `reader` into report options.format (0..32) and
// writes the report body (everything after the preamble) to out.  Warnings go
// to err as the original prints them: "<program>: Flow record missing
// required field for format." when the file's version lacks a field the
// report needs, "Ignoring bogus flow dPkts=0" per flow without packets
// (reports 0 and 1), "<cc> can't sort on field N." for a bad -S/-s.
void run_legacy_stat_report(const LegacyStatOptions& options, flowfile::Reader& reader,
                            std::string_view program, std::ostream& out, std::ostream& err);

}  // namespace flowquery
