// flow-select: the flows matching a query, as an aligned table or as a
// flow-tools stream for the other tools.
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
    "start,end,protocol,src_ip,src_port,dst_ip,dst_port,packets,bytes,tcp_flags";

struct SelectOptions {
    QueryOptionText query;
    std::string output = "table";
    std::string fields;
    std::string sort;
    bool descriptions = false;
};

void add_options(CLI::App& app, SelectOptions& o) {
    add_query_options(app, o.query);
    app.add_option("-o,--output", o.output,
                   "table: aligned columns for people; stream: a flow-tools stream on stdout "
                   "for flow-stat, flow-export-csv or flow-print")
        ->check(CLI::IsMember({"table", "stream"}))
        ->group("Output");
    app.add_option("--fields", o.fields,
                   std::string("Table columns, in order (default ") + default_columns +
                       "; account,device with --clients). Names: " + column_names())
        ->type_name("LIST")
        ->group("Output");
    app.add_option("--sort", o.sort,
                   "start: chronological order over all files (holds the matching flows in "
                   "memory); default: file by file as stored")
        ->check(CLI::IsMember({"start"}))
        ->group("Output");
    app.add_flag("--descriptions", o.descriptions,
                 "Protocols and well-known ports by name (/etc/protocols, /etc/services)")
        ->group("Output");
}

int run(const SelectOptions& o) {
    Query q = build_query(o.query);
    const ListingOrder order = o.sort == "start" ? ListingOrder::start : ListingOrder::files;
    std::unique_ptr<FlowSink> sink;
    OutputBuffer out(STDOUT_FILENO);
    if (o.output == "stream") {
        if (!o.fields.empty() || o.descriptions)
            throw UsageError("--fields and --descriptions apply to -o table only");
        if (::isatty(STDOUT_FILENO) == 1)
            throw UsageError("-o stream writes binary data: redirect it to a file or a pipe");
        sink = make_stream_sink(STDOUT_FILENO);
    } else {
        std::string fields = o.fields.empty() ? default_columns : o.fields;
        if (o.fields.empty() && q.clients) fields += ",account,device";
        RenderContext context{q.zone, o.descriptions ? &q.names : nullptr,
                              q.clients ? &*q.clients : nullptr};
        const auto columns = parse_columns(fields, "--fields");
        if (needs_clients(columns) && !q.clients)
            throw UsageError("--fields: account and device need --clients FILE");
        sink = make_table_sink(out, FlowRenderer(columns, context));
    }
    const ScanReport report = list_flows(q, *sink, order);
    return report_scan_problems("flow-select", q.inputs, report);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"flow-select: print the flows that match a query (flowkeep)", "flow-select"};
    app.set_version_flag("--version", "flow-select (flowkeep) " FLOWKEEP_VERSION);
    SelectOptions options;
    add_options(app, options);
    return run_query_tool("flow-select", app, argc, argv, [&] { return run(options); });
}
