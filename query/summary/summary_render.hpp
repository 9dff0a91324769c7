#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "summary/summary_spec.hpp"
#include "summary/summary_table.hpp"

namespace flowquery {

// A finished summary as text cells, in output order; the renderers only lay
// it out.
struct SummaryColumn {
    std::string name;
    bool numeric = false;  // right-aligned in a table, a number in JSON
};

struct SummaryTextRow {
    std::vector<std::string> cells;  // one per key column
    SummaryCounters counters;
};

struct SummaryReport {
    std::vector<SummaryColumn> columns;  // the key columns
    std::vector<SummaryTextRow> rows;
    SummaryCounters total;
    // Inputs that were missing, unreadable or damaged (see stderr): the
    // answer counts only what could be read, and says so.
    std::size_t incomplete_inputs = 0;
};

// table: a header line, then aligned columns separated by two spaces, keys
//        left-aligned and numbers right-aligned, a last "total" row;
//        control characters in keys are shown as '?'.
// csv:   RFC 4180 with a header row and CRLF line ends; the total only as
//        the one row when there are no key columns.
// json:  {"rows":[{key...,"flows":n,"packets":n,"octets":n},...],
//        "total":{"flows":n,"packets":n,"octets":n}}, one row per line.
// With incomplete inputs the table ends with a line "# incomplete: N inputs
// damaged or unreadable, see stderr" and the JSON object with
// "incomplete":true,"failed_inputs":N; CSV stays plain RFC 4180 (the
// tools' stderr and exit status say it).
void render_summary(std::ostream& out, const SummaryReport& report, SummaryFormat format);

}  // namespace flowquery
