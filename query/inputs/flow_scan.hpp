#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "filter/block_pruning.hpp"
#include "flowfile/header.hpp"
#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"
#include "inputs/input_selection.hpp"

namespace flowquery {

// Chooses the records of a batch a query wants (filters, --account) by
// appending them to `out`, one function per series: a file holds either
// flow-tools (IPv4) records or IPv6 ones (flowfile::open_any).  Runs on the
// worker threads, so it must only read shared state.  A null member keeps
// every record of its series (no copy).
struct RecordSelector {
    std::function<void(std::span<const flowfile::Record> in, std::vector<flowfile::Record>& out)>
        ipv4 = nullptr;
    std::function<void(std::span<const flowfile::Record6> in, std::vector<flowfile::Record6>& out)>
        ipv6 = nullptr;
};

struct ScanOptions {
    // Files read at the same time; 0: one per core (never more than files).
    unsigned threads = 0;
    // "files done of total, flows/s" on stderr while the scan runs.  The
    // tools turn it on only when stderr is a terminal.
    bool progress = false;
    // Set: files with a block index (flow-index(5)) are read only in the
    // blocks that can hold a match; files without a usable one are scanned.
    // Null (--no-index, or a query the index cannot narrow): every file is
    // scanned.  The records handed on are the same either way.
    std::shared_ptr<const BlockPruning> pruning = nullptr;
    bool index_stats = false;  // copied to IndexUse::reported
};

// What the block index spared a scan (all zero without ScanOptions::pruning).
struct IndexUse {
    std::uint64_t files_indexed = 0;  // read through their index
    std::uint64_t files_skipped = 0;  // of those, no block could match: not opened
    std::uint64_t blocks = 0;         // blocks of the indexed files
    std::uint64_t blocks_read = 0;    // of those, read and inflated
    std::uint64_t files_scanned = 0;  // scanned whole (no usable index)
    // Finished files (DONE flag, not tmp-) that have no index: flow-index
    // would build them.
    std::uint64_t files_without_index = 0;
    // One line per stale or damaged index (BlockIndex::Opened::message), or
    // per indexed read that failed and fell back to the scan, in input order.
    std::vector<std::string> notes;
    // --index-stats: the tool prints these figures (ScanOptions::index_stats).
    bool reported = false;
    bool planned = false;  // the query had criteria the index narrows, and no --no-index
};

struct ScanReport {
    std::uint64_t files_read = 0;       // inputs tried, opened or not
    std::uint64_t flows_read = 0;       // records decoded, both series
    std::uint64_t flows_selected = 0;   // handed to the consumer, both series
    std::uint64_t flows_read6 = 0;      // the IPv6 part of flows_read
    std::uint64_t flows_selected6 = 0;  // the IPv6 part of flows_selected
    // One line per file that could not be opened or read to its end
    // ("FILE: truncated ... N flows read"), in input order.
    std::vector<std::string> problems;
    IndexUse index;

    bool complete() const { return problems.empty(); }
};

struct SourceBatch {
    std::size_t source_index;
    const InputSource& source;
    const flowfile::Header& header;
    // A file is of one series: one of the two is empty (both may be).
    std::span<const flowfile::Record> records;
    std::span<const flowfile::Record6> records6;
};

// Reads every source, a file per worker thread, and hands the selected
// records to `consume` on the calling thread in input order: all of the
// first file, then the second...  Memory is bounded: a worker ahead of the
// consumer waits once it holds a few batches.  Files of either series are
// read (flowfile::open_any); standard input is a flow-tools stream.
ScanReport scan_in_order(const std::vector<InputSource>& sources, const RecordSelector& select,
                         const ScanOptions& options,
                         const std::function<void(const SourceBatch&)>& consume);

// The number of workers scan_in_parallel will run for these sources.
unsigned scan_worker_count(const std::vector<InputSource>& sources, const ScanOptions& options);

// Like scan_in_order, but `consume(worker, records)` (IPv4 files) and
// `consume6(worker, records)` (IPv6 files) run on the worker threads
// (worker < scan_worker_count), in no particular order: for reports that
// each worker builds on its own and merges at the end.
ScanReport scan_in_parallel(
    const std::vector<InputSource>& sources, const RecordSelector& select,
    const ScanOptions& options,
    const std::function<void(unsigned worker, std::span<const flowfile::Record>)>& consume,
    const std::function<void(unsigned worker, std::span<const flowfile::Record6>)>& consume6);

}  // namespace flowquery
