#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

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
