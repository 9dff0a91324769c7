#include "output/listing_options.hpp"

#include "tools/usage_error.hpp"

namespace flowquery {

void add_listing_options(CLI::App& app, ListingOptionText& text,
                         const std::string& default_columns) {
    add_query_options(app, text.query);
    app.add_option("--fields", text.fields,
                   "Columns, in order (default " + default_columns +
                       "; account,device with --clients). Names: " + column_names())
        ->type_name("LIST")
        ->group("Output");
    CLI::Option* sort =
        app.add_option("--sort", text.sort,
                       "start: chronological order over all files (in --sort-memory, then "
                       "temporary files in $TMPDIR); default: file by file as stored")
            ->check(CLI::IsMember({"start"}))
            ->group("Output");
    app.add_option("--sort-memory", text.sort_memory_mib,
                   "MiB of matching flows --sort start holds before it writes them to "
                   "temporary files in $TMPDIR (default 256)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30))
        ->needs(sort)
        ->type_name("MIB")
        ->group("Output");
    app.add_flag("--descriptions", text.descriptions,
                 "Protocols and well-known ports by name (/etc/protocols, /etc/services)")
        ->group("Output");
}

ListingOrder listing_order(const ListingOptionText& text) {
    return text.sort == "start" ? ListingOrder::start : ListingOrder::files;
}

SortLimits sort_limits(const ListingOptionText& text) {
    SortLimits limits;
    limits.memory_bytes = text.sort_memory_mib << 20;
    return limits;
}

FlowRenderer make_flow_renderer(const ListingOptionText& text, const Query& query,
                                const std::string& default_columns) {
    std::string fields = text.fields.empty() ? default_columns : text.fields;
    if (text.fields.empty() && query.clients) fields += ",account,device";
    const auto columns = parse_columns(fields, "--fields");
    if (needs_clients(columns) && !query.clients)
        throw UsageError("--fields: account and device need --clients FILE");
    const RenderContext context{query.zone, text.descriptions ? &query.names : nullptr,
                                query.clients ? &*query.clients : nullptr};
    return FlowRenderer(columns, context);
}

}  // namespace flowquery
