#pragma once

#include <string>
#include <string_view>

namespace flowquery {

// Appends one CSV field as RFC 4180 wants it: quoted (with doubled quotes)
// only when it holds a comma, a quote or a line break, so that account names
// from a billing system cannot shift the columns.
inline void append_csv_field(std::string& out, std::string_view field) {
    if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
        out += field;
        return;
    }
    out += '"';
    for (char c : field) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

// RFC 4180 ends every record, the header included, with CRLF.
inline constexpr std::string_view csv_line_end = "\r\n";

}  // namespace flowquery
