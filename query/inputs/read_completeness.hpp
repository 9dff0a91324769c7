#pragma once

#include <cstddef>
#include <string>

#include "inputs/flow_scan.hpp"
#include "inputs/input_selection.hpp"

namespace flowquery {

// How much of what was asked for a query could read.  The answer of a
// query that read only part of its inputs must say so in the output itself
// (where the format allows it), not only on stderr: an operator pasting a
// table into a ticket leaves stderr behind.
struct ReadCompleteness {
    // Inputs named on stderr: files missing, unreadable, damaged or
    // truncated, and directories that could not be listed.
    std::size_t failed_inputs = 0;
    // Every input failed and not one flow came from any of them: there is
    // no answer, and printing an empty one ("total 0 0 0", a header-only
    // CSV) would read as "no traffic".
    bool nothing_read = false;

    bool complete() const { return failed_inputs == 0; }
};

ReadCompleteness read_completeness(const InputSelection& inputs, const ScanReport& report);

// The note an output carries when inputs failed:
// "incomplete: 2 inputs damaged or unreadable, see stderr".
std::string incomplete_note(std::size_t failed_inputs);

}  // namespace flowquery
