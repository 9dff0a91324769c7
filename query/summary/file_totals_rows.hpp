#pragma once

#include <vector>

#include "flowfile/block_index.hpp"
#include "summary/summary.hpp"
#include "summary/summary_spec.hpp"

namespace flowquery {

// Whether a report's rows could come from files' index totals
// (flowfile::FileTotals) instead of their records: its keys are among
// protocol, src-port and dst-port, or there are none (totals only).
bool report_fits_file_totals(const std::vector<SummaryKey>& by);

// Adds the flows a file's index totals describe to `summary` exactly as
// Summary::add() would count the file's records, and returns true; or adds
// nothing and returns false when the totals cannot tell: the file's rows
// must then come from its records.
//
// The totals are the file's counts by protocol, by source port and by
// destination port apart, not by their combinations, so they answer a
// report only when they fix every row:
//   * a report with a port key counts TCP, UDP and SCTP flows alone; port
//     counts over every flow's raw port fields (FileTotals) cannot tell
//     another protocol's (ICMP's type and code) from theirs, so the file
//     must hold only such flows, or none (each key's counts must add up to
//     the flows the report counts);
//   * a report with a port key needs the file's port maps, which an index
//     keeps only where they are cheap (FileTotals::ports);
//   * with two or three keys, all but one of them must have one value over
//     the flows counted (one protocol in the file, say), since the totals
//     know no pairs.
// `by` is the summary's --by list; it must fit (report_fits_file_totals).
bool add_file_totals(Summary& summary, const std::vector<SummaryKey>& by,
                     const flowfile::FileTotals& totals);

}  // namespace flowquery
