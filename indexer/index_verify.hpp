#pragma once

// flow-index --verify: whether the index beside a file says exactly what the
// file holds.  The index is opened as a query opens it, its sections are
// checked, it is built again from the data file and compared fact by fact,
// and every block it names is read alone and checked.

#include <cstdint>
#include <optional>
#include <string>

#include "data_file.hpp"

namespace flowindex {

struct Verification {
    bool has_index = false;
    // One line naming the index and its first problem; nullopt when good.
    std::optional<std::string> problem;
    std::uint64_t flows = 0;
    std::uint64_t bytes_read = 0;  // of the data file
};

// Throws flowfile::Error only when the data file itself cannot be read to
// its end (then no index can be right or wrong about it).
Verification verify_index(const DataFile& file);

}  // namespace flowindex
