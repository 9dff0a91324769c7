#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace flowquery {

// A line that is not valid CSV; what() says why ("unterminated quote in
// field 2") without naming the file, which the caller knows.
class CsvLineError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Splits one line (without its line break) into fields, RFC 4180 style: a
// field is either plain text without quotes, or enclosed in double quotes, in
// which a quote is written twice and commas are ordinary characters.  Spaces
// and tabs around a field are dropped (hand-edited files line up columns);
// inside quotes they are kept.  A record spans one line only: input files
// for the query tools hold identifiers, in which a line break would be a
// mistake rather than data.
std::vector<std::string> split_csv_line(std::string_view line);

}  // namespace flowquery
