#pragma once

// The IPv6 series files of tests/data/ipv6_series/archive/: flows of fixed
// values written by flowkeep's own Writer beside real flow-tools v5 files,
// so that the original tools can be run on one directory holding both
// (tests/data/ipv6_series/README.md).  Every value is fixed, so writing them
// again gives the same bytes: a change of the IPv6 file format shows as a
// difference from the committed files, whose readings by flow-tools must
// then be recorded again.

#include <cstdint>
#include <filesystem>
#include <vector>

#include "flowfile/archive.hpp"
#include "flowfile/record6.hpp"

namespace flowkeep_compat {

// -N 3: YYYY/YYYY-MM/YYYY-MM-DD, the layout of the v5 files beside them.
inline constexpr int ipv6_series_nesting = 3;

struct Ipv6SeriesFile {
    flowfile::FileName name;    // ip6. (finished) or tmp-ip6. (left open)
    std::uint32_t cap_end = 0;  // Unix seconds; 0 for the open file
    std::vector<flowfile::Record6> flows;
};

// The files, in the order they are written.  Their creation instants are
// those of v5 files of the archive: both series rotate at the same times.
std::vector<Ipv6SeriesFile> ipv6_series_files();

// Writes every file at its -N 3 path below `archive_root` (creating the
// directories, replacing a file already there) and returns the paths.  The
// finished files are finished with their cap_end; the tmp- file keeps what
// a collector killed after a flush leaves.  Throws flowfile::Error.
std::vector<std::filesystem::path> write_ipv6_series(const std::filesystem::path& archive_root);

}  // namespace flowkeep_compat
