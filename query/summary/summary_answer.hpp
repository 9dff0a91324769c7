#pragma once

#include "inputs/read_completeness.hpp"
#include "summary/summary.hpp"

namespace flowquery {

// Writes flow-stat's answer on stdout: nothing when no input could be
// read, else the report, marked incomplete (summary_render.hpp) when some
// inputs failed.  Throws OutputError naming the reason of a failed write.
void write_summary_answer(const Summary& summary, SummaryFormat format, TimeZoneStyle zone,
                          const ReadCompleteness& read);

}  // namespace flowquery
