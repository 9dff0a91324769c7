#pragma once

// What flow-index leaves behind it in the archive's directories besides
// indexes of files that exist: an ix- file whose data file is gone (removed
// by hand: expiry removes both), and a --rewrite copy of a file that is gone,
// left by a run that was killed.  Both are flow-index's own names, so no
// other tool's file is taken for them; tmp- files are never looked at.

#include <filesystem>
#include <string>
#include <vector>

namespace flowindex {

struct Sweep {
    std::vector<std::filesystem::path> removed;  // or, for a dry run, to remove
    std::vector<std::string> problems;           // one line each: could not remove
};

// Walks each directory of `roots` (files among them are passed by) and
// removes what is described above; `dry_run`: only lists it.  A rewrite copy
// another process holds locked (a run at work) is left alone.
Sweep sweep_orphans(const std::vector<std::filesystem::path>& roots, bool dry_run);

}  // namespace flowindex
