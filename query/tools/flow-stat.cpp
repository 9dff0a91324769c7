// flow-stat: summaries of the flows matching a query (--by, --interval,
// --top), or, given -f N, the original flow-stat's reports on a stream.
#include <algorithm>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "legacy_stat/legacy_stat.hpp"
#include "output/output_buffer.hpp"
#include "summary/file_totals_rows.hpp"
#include "summary/summary.hpp"
#include "summary/summary_answer.hpp"
#include "summary/totals_from_index.hpp"
#include "tools/query_options.hpp"
#include "tools/tool_main.hpp"
#include "tools/usage_error.hpp"

using namespace flowquery;

namespace {

struct StatOptions {
    QueryOptionText query;
    std::string by;
    std::string interval;
    std::string sort = "octets";
    std::optional<std::string> top;  // none: all rows
    std::string format = "table";
};

void add_options(CLI::App& app, StatOptions& o) {
    add_query_options(app, o.query);
    app.add_option(
           "--by", o.by,
           "Group by a comma list of: protocol, service, src-port, dst-port, port "
           "(either side), src-ip, dst-ip, ip (either side), exporter, account, connection, "
           "interval; IPv4 and IPv6 flows count together")
        ->type_name("KEYS")
        ->group("Report");
    app.add_option("--interval", o.interval,
                   "Time periods of this length (30m, 1h, 1d), aligned to the local clock "
                   "(or UTC with --utc)")
        ->type_name("DURATION")
        ->group("Report");
    app.add_option_function<std::string>(
           "--top", [&o](const std::string& n) { o.top = n; },
           "Only the first N rows (per period with --interval)")
        ->type_name("N")
        ->group("Report");
    app.add_option("--sort", o.sort, "Order rows by flows, packets or octets (descending)")
        ->check(CLI::IsMember({"flows", "packets", "octets", "bytes"}))
        ->group("Report");
    app.add_option("--format", o.format, "table, csv or json")
        ->check(CLI::IsMember({"table", "csv", "json"}))
        ->group("Report");
}

// Whether whole files may be answered from their index totals: a report
// they can hold, and no criterion but the time window (the others need the
// records).
bool answers_from_index(const SummarySpec& spec, const FilterSpec& filters, const Query& q) {
    const bool other_filters = filters.ip || filters.src_ip || filters.dst_ip || filters.exporter ||
                               filters.port || filters.src_port || filters.dst_port ||
                               filters.protocol || !q.accounts.empty() || !q.connections.empty();
    return q.use_index && !other_filters && spec.interval_seconds == 0 &&
           report_fits_file_totals(spec.by);
}

int run(const StatOptions& o) {
    const std::size_t top = o.top ? parse_top(*o.top) : 0;  // before opening inputs
    Query q = build_query(o.query);
    SummarySpec spec = parse_summary_spec(o.by, o.interval, o.sort, top);
    spec.zone = q.zone;  // --utc: UTC periods, not only UTC labels
    const FilterSpec filters = build_filter_spec(o.query.filters, q.names);
    spec.service_ports = ServicePortRule(filters.port, filters.src_port, filters.dst_port);
    const ClientMap* clients = q.clients ? &*q.clients : nullptr;
    if (std::find(spec.by.begin(), spec.by.end(), SummaryKey::account) != spec.by.end() && !clients)
        throw UsageError("--by account needs --clients FILE");
    if (std::find(spec.by.begin(), spec.by.end(), SummaryKey::connection) != spec.by.end() &&
        !clients)
        throw UsageError("--by connection needs --clients FILE");

    // Whole files whose index totals answer the report are not read.
    Summary indexed(spec, q.names, clients);
    const bool totals_from_index = answers_from_index(spec, filters, q);
    const bool scan_reads_indexes = q.scan.pruning != nullptr;
    IndexedTotals from_index;
    from_index.to_scan = q.inputs.sources;
    if (totals_from_index)
        from_index = add_totals_from_indexes(indexed, spec.by, q.inputs.sources, q.window,
                                             scan_reads_indexes);

    std::vector<Summary> partial;
    const unsigned workers = scan_worker_count(from_index.to_scan, q.scan);
    for (unsigned w = 0; w < workers; ++w) partial.emplace_back(spec, q.names, clients);
    ScanReport report = scan_in_parallel(
        from_index.to_scan, q.selector(), q.scan,
        [&](unsigned worker, std::span<const flowfile::Record> flows) {
            partial[worker].add(flows);
        },
        [&](unsigned worker, std::span<const flowfile::Record6> flows) {
            partial[worker].add(flows);
        });
    for (unsigned w = 1; w < workers; ++w) partial[0].merge(std::move(partial[w]));
    partial[0].merge(std::move(indexed));
    if (totals_from_index) count_indexed_totals(from_index, scan_reads_indexes, report);

    const SummaryFormat format = o.format == "csv"    ? SummaryFormat::csv
                                 : o.format == "json" ? SummaryFormat::json
                                                      : SummaryFormat::table;
    write_summary_answer(partial[0], format, q.zone, read_completeness(q.inputs, report));
    return report_scan_problems("flow-stat", q.inputs, report);
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv, argv + argc);
    if (wants_legacy_flow_stat(args)) return run_legacy_flow_stat(args, 0, std::cout, std::cerr);

    CLI::App app{
        "flow-stat: totals and top-N reports of the flows that match a query (flowkeep).\n"
        "Given -f N it runs the original flow-stat's report N on a stream on stdin.",
        "flow-stat"};
    app.set_version_flag("--version", version_text("flow-stat", FLOWKEEP_VERSION));
    StatOptions options;
    add_options(app, options);
    return run_query_tool("flow-stat", app, argc, argv, [&] { return run(options); });
}
