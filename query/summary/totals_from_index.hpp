#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "filter/flow_filter.hpp"
#include "inputs/flow_scan.hpp"
#include "inputs/input_selection.hpp"
#include "summary/summary.hpp"

namespace flowquery {

// What add_totals_from_indexes did with a query's inputs.
struct IndexedTotals {
    std::vector<InputSource> to_scan;  // the inputs it did not answer, in input order
    std::uint64_t files = 0;           // inputs answered from their index
    std::uint64_t blocks = 0;          // the blocks of those files, none read
    std::uint64_t flows = 0;           // their flows, both series
    std::uint64_t flows6 = 0;          // the IPv6 part of `flows`
    // One line per stale or damaged index ("ix-NAME: damaged (...): scanning
    // the file"), in input order, as IndexUse::notes.
    std::vector<std::string> notes;
};

// A flow-stat report over whole files needs no record of them: for each
// input whose index (flowfile::BlockIndex) is usable and whose every flow
// lies inside `window` (the FlowFilter window test; no window: every flow),
// adds the file's index totals to `summary` (add_file_totals) instead of
// reading it.  The other inputs are left to the scan: standard input, tmp-
// files (being written: never indexed), files without an index, files with
// a flow outside the window (the index cannot say which), and reports the
// totals cannot answer for that file.  A stale (for another size or header,
// older than its file) or damaged index is noted and its file scanned.
//
// `scan_reads_indexes`: the scan will open the indexes of the files left to
// it itself (a query it prunes by blocks), and note a stale or damaged one
// and count the files without one; then only what the scan cannot see is
// noted here (totals that fail their checksum), so that each line comes
// once.  A missing index is not noted: the scan counts finished files
// without one when it looks for indexes itself.
//
// For queries without any other filter (a filter needs the records) and
// `by` that fits (report_fits_file_totals).  The answer is the one a scan
// of every input gives, byte for byte.
IndexedTotals add_totals_from_indexes(Summary& summary, const std::vector<SummaryKey>& by,
                                      const std::vector<InputSource>& sources,
                                      const std::optional<FlowWindow>& window,
                                      bool scan_reads_indexes);

// Adds what add_totals_from_indexes answered to the report of the scan of
// the rest, so that the tools' lines and exit status see every input: its
// files count as read, their flows as read and selected, and in the index
// figures as indexed files not opened (IndexUse); its notes come first.
// `scan_reads_indexes` as given to add_totals_from_indexes.
void count_indexed_totals(const IndexedTotals& totals, bool scan_reads_indexes, ScanReport& report);

}  // namespace flowquery
