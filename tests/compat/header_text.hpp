#pragma once

#include <string>

#include "flowfile/header.hpp"

namespace flowkeep_compat {

// What flow-header 0.68.5 prints for this header (query-tools.md §1), with the
// capture times in the process's local time zone, as the original does.  Test
// code only: it exists to compare our Reader's header with the golden output.
std::string render_flow_header(const flowfile::Header& h);

}  // namespace flowkeep_compat
