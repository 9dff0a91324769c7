#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "flowfile/reader.hpp"

namespace flowkeep_compat {

// Everything a Reader hands out, collected so that tests can compare it.
struct ReadAll {
    std::string name;
    flowfile::Header header;
    std::vector<flowfile::Record> records;
    flowfile::ReadStatus status;
};

ReadAll read_all(flowfile::Reader& reader);

// Through Reader::open (the file path).  Throws what open() throws.
ReadAll read_file(const std::filesystem::path& p);

// Through Reader::from_fd on the read end of a pipe a second thread fills
// with the file's bytes: the path flow-tools readers take for `cat f | tool`,
// where nothing can be learnt from the file's size.  Throws what from_fd() throws.
ReadAll read_through_pipe(const std::filesystem::path& p);

// Where two record sequences first differ, as the flow-export rows of both;
// empty when equal.
std::string describe_record_difference(std::uint16_t export_version,
                                       const std::vector<flowfile::Record>& expected,
                                       const std::vector<flowfile::Record>& actual);

}  // namespace flowkeep_compat
