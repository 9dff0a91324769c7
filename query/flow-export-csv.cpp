// flow-export-csv: the flows matching a query as RFC 4180 CSV, or exactly
// as flow-export -f2 printed them for the scripts that parse that.
#include <unistd.h>

#include <string>

#include <CLI/CLI.hpp>

#include "common/flow_columns.hpp"
#include "common/flow_listing.hpp"
#include "common/query_options.hpp"
#include "common/tool_main.hpp"
#include "common/usage_error.hpp"

using namespace flowquery;

namespace {

constexpr const char* default_columns =
    "start,end,protocol,src_ip,src_port,dst_ip,dst_port,packets,bytes,tcp_flags,event,exporter";

struct ExportOptions {
    QueryOptionText query;
    std::string format = "csv";
    std::string fields;
    std::string sort;
    bool descriptions = false;
};

void add_options(CLI::App& app, ExportOptions& o) {
    add_query_options(app, o.query);
    app.add_option("--format", o.format,
                   "csv: RFC 4180 with a header row; flow-export: the text of flow-export -f2 "
                   "(all fields of the file's version, raw values)")
        ->check(CLI::IsMember({"csv", "flow-export"}))
        ->group("Output");
    app.add_option("--fields", o.fields,
                   std::string("CSV columns, in order (default ") + default_columns +
                       "; account,device with --clients). Names: " + column_names())
        ->type_name("LIST")
        ->group("Output");
    app.add_option("--sort", o.sort,
                   "start: chronological order over all files (holds the matching flows in "
                   "memory); default: file by file as stored")
        ->check(CLI::IsMember({"start"}))
        ->group("Output");
    app.add_flag("--descriptions", o.descriptions,
                 "Protocols and well-known ports by name instead of numbers")
        ->group("Output");
}

int run(const ExportOptions& o) {
    Query q = build_query(o.query);
    const ListingOrder order = o.sort == "start" ? ListingOrder::start : ListingOrder::files;
    OutputBuffer out(STDOUT_FILENO);
    std::unique_ptr<FlowSink> sink;
    if (o.format == "flow-export") {
        if (!o.fields.empty() || o.descriptions || o.query.utc)
            throw UsageError(
                "--fields, --descriptions and --utc do not apply to --format flow-export");
        sink = make_flow_export_sink(out);
    } else {
        std::string fields = o.fields.empty() ? default_columns : o.fields;
        if (o.fields.empty() && q.clients) fields += ",account,device";
        const auto columns = parse_columns(fields, "--fields");
        if (needs_clients(columns) && !q.clients)
            throw UsageError("--fields: account and device need --clients FILE");
        RenderContext context{q.zone, o.descriptions ? &q.names : nullptr,
                              q.clients ? &*q.clients : nullptr};
        sink = make_csv_sink(out, FlowRenderer(columns, context));
    }
    const ScanReport report = list_flows(q, *sink, order);
    return report_scan_problems("flow-export-csv", q.inputs, report);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"flow-export-csv: the flows that match a query as CSV (flowkeep)",
                 "flow-export-csv"};
    app.set_version_flag("--version", "flow-export-csv (flowkeep) " FLOWKEEP_VERSION);
    ExportOptions options;
    add_options(app, options);
    return run_query_tool("flow-export-csv", app, argc, argv, [&] { return run(options); });
}
