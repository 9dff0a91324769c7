#pragma once

// What flow-index does with one file: leave it alone (being written, gone,
// an index that is up to date), index it, rewrite it first (--rewrite), say
// what it would do (--dry-run), or check its index (--verify).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace flowindex {

struct JobSettings {
    std::size_t block_records = 0;
    bool rewrite = false;
    bool dry_run = false;
    bool verify = false;
};

enum class Outcome {
    indexed,
    rewritten,  // and indexed
    up_to_date,
    being_written,  // skipped: tmp-, no DONE flag, or locked
    gone,           // removed meanwhile (expiry): skipped, not an error
    failed,
    // --dry-run
    would_index,
    would_rewrite,
    // --verify
    index_good,
    index_bad,
    no_index,
};

struct JobResult {
    Outcome outcome = Outcome::failed;
    // failed: the problem; index_bad: the index and its problem; would_*:
    // what and why; otherwise empty.  One line, naming the file.
    std::string line;
    // Besides the outcome: a rewrite that was asked for and not done, and
    // why ("kept as one block: ..."), for --rewrite's report.
    std::string note;
    std::uint64_t flows = 0;
    std::uint64_t bytes_read = 0;
    std::uint64_t index_bytes = 0;
};

// Never throws: every failure is a result.
JobResult run_job(const std::filesystem::path& file, const JobSettings& settings);

}  // namespace flowindex
