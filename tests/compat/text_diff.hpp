#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace flowkeep_compat {

// The goldens are up to 176 KB; a failed equality check on them is useless
// unless it says where the first difference is.  Each function returns an
// empty string when the inputs are equal, else a short description.

// Line-oriented: first differing line, both versions of it, line counts.
std::string describe_text_difference(std::string_view expected, std::string_view actual);

// For flow-export -f2 output: names the record (0-based, as in the file) and
// every column that differs, using the expected "#:" line for column names.
std::string describe_csv_difference(std::string_view expected, std::string_view actual);

// Byte-oriented: first differing offset, located in the header or in record N.
std::string describe_byte_difference(std::span<const std::uint8_t> expected,
                                     std::span<const std::uint8_t> actual, std::size_t header_size,
                                     std::size_t record_size);

// Lines of a text, without their newlines; a final line without newline counts.
std::vector<std::string_view> split_lines(std::string_view text);

}  // namespace flowkeep_compat
