#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "clients/client_map.hpp"
#include "filter/filter_options.hpp"
#include "filter/flow_filter.hpp"
#include "filter/service_names.hpp"
#include "inputs/flow_scan.hpp"
#include "inputs/input_selection.hpp"
#include "time/time_text.hpp"

namespace flowquery {

// The options every query tool takes, as typed: inputs, time window,
// filters, client records, threads.
struct QueryOptionText {
    std::vector<std::string> paths;
    std::string archive_root;
    std::string from;
    std::string to;
    FilterOptionText filters;
    std::string clients_file;
    std::vector<std::string> accounts;
    std::vector<std::string> connections;
    unsigned threads = 0;
    bool utc = false;
    bool no_index = false;     // --no-index: scan every file, as without indexes
    bool index_stats = false;  // --index-stats: say on stderr what the index spared
};

void add_query_options(CLI::App& app, QueryOptionText& text);

// Everything a tool needs to run a query, checked and compiled once.
struct Query {
    ServiceNames names;
    InputSelection inputs;
    std::optional<ClientMap> clients;
    std::unique_ptr<FlowFilter> filter;
    std::optional<FlowWindow> window;      // --from/--to, also part of `filter`
    std::vector<std::string> accounts;     // --account, valid in `clients`
    std::vector<std::string> connections;  // --connection, valid in `clients`
    ScanOptions scan;
    TimeZoneStyle zone = TimeZoneStyle::local;
    // False with --no-index: no answer may come from a block index.
    bool use_index = true;

    // The per-batch selection of each series: the filters, then --account
    // and --connection.
    // Null members when every flow is wanted, so the scan skips copying.
    RecordSelector selector() const;
};

// Throws UsageError (bad value, unreadable clients file, --account or
// --connection without
// --clients, a window whose start is not before its end).
Query build_query(const QueryOptionText& text);

// Prints the problems of a scan on stderr ("program: FILE: ...", and a last
// line when nothing at all could be read) and returns the exit status it
// calls for: 0 when every input was read to its end, 1 otherwise.  Before
// them, what the block index said: one line per stale or damaged index,
// one for the finished files that have none, and with --index-stats
// (IndexUse::reported) how many blocks were read.
int report_scan_problems(std::string_view program, const InputSelection& inputs,
                         const ScanReport& report);

}  // namespace flowquery
