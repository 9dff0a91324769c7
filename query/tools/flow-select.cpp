// flow-select: the flows matching a query, as an aligned table or as a
// flow-tools stream for the other tools.
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
    "start,end,protocol,src_ip,src_port,dst_ip,dst_port,packets,bytes,tcp_flags";

struct SelectOptions {
    ListingOptionText listing;
    std::string output = "table";
};

void add_options(CLI::App& app, SelectOptions& o) {
    add_listing_options(app, o.listing, default_columns);
    app.add_option("-o,--output", o.output,
                   "table: aligned columns for people; stream: a flow-tools stream on stdout "
                   "for flow-stat, flow-export-csv or flow-print")
        ->check(CLI::IsMember({"table", "stream"}))
        ->group("Output");
}

int run(const SelectOptions& o) {
    Query q = build_query(o.listing.query);
    std::unique_ptr<FlowSink> sink;
    OutputBuffer out(STDOUT_FILENO);
    if (o.output == "stream") {
        if (!o.listing.fields.empty() || o.listing.descriptions)
            throw UsageError("--fields and --descriptions apply to -o table only");
        if (::isatty(STDOUT_FILENO) == 1)
            throw UsageError("-o stream writes binary data: redirect it to a file or a pipe");
        sink = make_stream_sink(STDOUT_FILENO);
    } else {
        sink = make_table_sink(out, make_flow_renderer(o.listing, q, default_columns));
    }
    const ScanReport report =
        list_flows(q, *sink, listing_order(o.listing), sort_limits(o.listing));
    if (const std::uint64_t n = sink->ipv6_left_out(); n > 0)
        std::cerr << "flow-select: " << n
                  << " IPv6 flows left out of the flow-tools stream (it holds IPv4 only)\n";
    return report_scan_problems("flow-select", q.inputs, report);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"flow-select: print the flows that match a query (flowkeep)", "flow-select"};
    app.set_version_flag("--version", version_text("flow-select", FLOWKEEP_VERSION));
    SelectOptions options;
    add_options(app, options);
    return run_query_tool("flow-select", app, argc, argv, [&] { return run(options); });
}
