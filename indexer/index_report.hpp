#pragma once

// What a flow-index run tells the operator: one summary line, e.g.
//   flow-index: 96 files: 88 indexed (8.6 M flows, 210 MB read, 9.1 MB of
//   index), 6 up to date, 0 rewritten, 2 skipped (being written), 0 failed
// and, elsewhere, one line per failure.

#include <cstdint>
#include <span>
#include <string>

#include "index_job.hpp"

namespace flowindex {

struct Tally {
    std::size_t files = 0;
    std::size_t indexed = 0;
    std::size_t rewritten = 0;
    std::size_t up_to_date = 0;
    std::size_t being_written = 0;
    std::size_t gone = 0;
    std::size_t failed = 0;
    std::size_t would_index = 0;
    std::size_t would_rewrite = 0;
    std::size_t orphans = 0;  // ix- and .rewrite- files of data files that are gone
    std::size_t index_good = 0;
    std::size_t index_bad = 0;
    std::size_t no_index = 0;
    std::uint64_t flows = 0;
    std::uint64_t bytes_read = 0;
    std::uint64_t index_bytes = 0;

    static Tally of(std::span<const JobResult> results);
};

// "8.6 M", "1234", "12.5 k": a count as an operator reads it.
std::string count_text(std::uint64_t n);
// "210 MB", "9.1 MB", "512 bytes" (powers of 1000, as du --si).
std::string size_text(std::uint64_t bytes);

// The summary line of an indexing run, a --dry-run or a --verify run.
std::string summary_line(const Tally& t, const JobSettings& settings);

}  // namespace flowindex
