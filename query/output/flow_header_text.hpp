#pragma once

#include <string>

#include "flowfile/header.hpp"

namespace flowquery {

// What flow-header 0.68.5 prints for this header (query-tools.md §1), with the
// capture times in the process's local time zone, as the original does.
// flow-stat -p prints it, and the compatibility tests compare it with goldens.
std::string render_flow_header(const flowfile::Header& h);

}  // namespace flowquery
