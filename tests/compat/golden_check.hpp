#pragma once

#include <string>

#include "golden_cases.hpp"
#include "read_all.hpp"

namespace flowkeep_compat {

// The goldens were made with TZ=UTC; ctest sets it, this makes a direct run
// of the test binary agree.
void use_golden_time_zone();

// Catch checks against a case's goldens, each failing with the first
// difference rather than two multi-kilobyte strings.

// render_flow_header(r.header) must equal the flow-header golden byte for byte.
void check_flow_header(const GoldenCase& c, const ReadAll& r);

// render_export_f2 of every record we read must equal the flow-export -f2
// golden, and we must have read as many records as flow-export reported.
void check_export_exact(const GoldenCase& c, const ReadAll& r);

// The golden's rows must be the first rows of ours (for files where we
// deliberately deliver more than the original); returns how many rows the
// golden has.
std::size_t check_export_prefix(const GoldenCase& c, const ReadAll& r);

// A finished file: read through Reader::open without any problem, as many
// records as its header counts, and flow-header / flow-export output equal
// to the goldens (where the case has them).
void check_complete_file(const GoldenCase& c);

// A reported problem must come with a message naming the file and saying
// how many flows were read.
void check_problem_message(const ReadAll& r);

}  // namespace flowkeep_compat
