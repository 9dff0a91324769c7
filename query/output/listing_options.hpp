#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "output/flow_columns.hpp"
#include "output/flow_listing.hpp"
#include "tools/query_options.hpp"

namespace flowquery {

// The options of the tools that list flows one by one (flow-select,
// flow-export-csv): the query, plus which columns, in which order, how named.
struct ListingOptionText {
    QueryOptionText query;
    std::string fields;
    std::string sort;
    std::size_t sort_memory_mib = 256;  // --sort-memory
    bool descriptions = false;
};

// `default_columns` is what --fields means when it is not given.
void add_listing_options(CLI::App& app, ListingOptionText& text,
                         const std::string& default_columns);

ListingOrder listing_order(const ListingOptionText& text);
// --sort start's memory (--sort-memory) and temporary files ($TMPDIR).
SortLimits sort_limits(const ListingOptionText& text);

// The renderer for --fields (default: `default_columns`, plus account and
// device with --clients).  Throws UsageError for an unknown column or a
// client column without --clients.
FlowRenderer make_flow_renderer(const ListingOptionText& text, const Query& query,
                                const std::string& default_columns);

}  // namespace flowquery
