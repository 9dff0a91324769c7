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
#include "summary/summary.hpp"
#include "summary/summary_answer.hpp"
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

    std::vector<Summary> partial;
    const unsigned workers = scan_worker_count(q.inputs.sources, q.scan);
    for (unsigned w = 0; w < workers; ++w) partial.emplace_back(spec, q.names, clients);
    const ScanReport report = scan_in_parallel(
        q.inputs.sources, q.selector(), q.scan,
        [&](unsigned worker, std::span<const flowfile::Record> flows) {
            partial[worker].add(flows);
        },
        [&](unsigned worker, std::span<const flowfile::Record6> flows) {
            partial[worker].add(flows);
        });
    for (unsigned w = 1; w < workers; ++w) partial[0].merge(std::move(partial[w]));

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
