#pragma once

#include <vector>

#include "inputs/input_selection.hpp"

namespace flowquery {

// Drops every source that is the same file as an earlier one (same device
// and inode, after following symbolic links): `flow-stat f f`, or a file
// given both by name and inside a directory argument, is read once, at its
// first place.  Standard input given twice is read once too.  A source that
// cannot be looked up is kept, so that opening it reports why.
void drop_repeated_sources(std::vector<InputSource>& sources);

}  // namespace flowquery
