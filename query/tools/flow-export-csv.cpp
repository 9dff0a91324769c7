// flow-export-csv: the flows matching a query as RFC 4180 CSV, or exactly
// as flow-export -f2 printed them for the scripts that parse that.
#include <unistd.h>

#include <cstdint>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "output/listing_options.hpp"
#include "tools/tool_main.hpp"
#include "tools/usage_error.hpp"

using namespace flowquery;

namespace {

const std::string default_columns =
    "start,end,protocol,src_ip,src_port,dst_ip,dst_port,packets,bytes,tcp_flags,event,exporter";

struct ExportOptions {
    ListingOptionText listing;
    std::string format = "csv";
};

void add_options(CLI::App& app, ExportOptions& o) {
    add_listing_options(app, o.listing, default_columns);
    app.add_option("--format", o.format,
                   "csv: RFC 4180 with a header row; flow-export: the text of flow-export -f2 "
                   "(all fields of the file's version, raw values)")
        ->check(CLI::IsMember({"csv", "flow-export"}))
        ->group("Output");
}

int run(const ExportOptions& o) {
    Query q = build_query(o.listing.query);
    OutputBuffer out(STDOUT_FILENO);
    std::unique_ptr<FlowSink> sink;
    if (o.format == "flow-export") {
        if (!o.listing.fields.empty() || o.listing.descriptions || o.listing.query.utc)
            throw UsageError(
                "--fields, --descriptions and --utc do not apply to --format flow-export");
        sink = make_flow_export_sink(out);
    } else {
        sink = make_csv_sink(out, make_flow_renderer(o.listing, q, default_columns));
    }
    const ScanReport report =
        list_flows(q, *sink, listing_order(o.listing), sort_limits(o.listing));
    if (const std::uint64_t n = sink->ipv6_left_out(); n > 0)
        std::cerr << "flow-export-csv: " << n
                  << " IPv6 flows left out of the flow-export text (it holds IPv4 only)\n";
    return report_scan_problems("flow-export-csv", q.inputs, report);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"flow-export-csv: the flows that match a query as CSV (flowkeep)",
                 "flow-export-csv"};
    app.set_version_flag("--version", version_text("flow-export-csv", FLOWKEEP_VERSION));
    ExportOptions options;
    add_options(app, options);
    return run_query_tool("flow-export-csv", app, argc, argv, [&] { return run(options); });
}
