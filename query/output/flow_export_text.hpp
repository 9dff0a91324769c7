#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "flowfile/header.hpp"
#include "flowfile/record.hpp"

namespace flowquery {

// Column names flow-export -f2 puts on its "#:" line for a file of this export
// version: the version's field mask in bit order (query-tools.md §4.2).
std::vector<std::string> export_f2_columns(std::uint16_t export_version);

// One data line (without the newline) as flow-export -f2 prints it.
std::string render_export_f2_row(std::uint16_t export_version, const flowfile::Record& r);

// The whole stdout of `flow-export -f2` (all fields) for a file with this
// header and these records; flow-export-csv --format flow-export prints it.
std::string render_export_f2(const flowfile::Header& h, std::span<const flowfile::Record> records);

}  // namespace flowquery
