#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "filter/flow_filter.hpp"
#include "filter/service_names.hpp"

namespace flowquery {

// The filter options as typed: every occurrence of an option, each a
// comma-separated list, parsed only once the command line is complete.
struct FilterOptionText {
    std::vector<std::string> ip, src_ip, dst_ip, protocol, port, src_port, dst_port, exporter;
};

// Adds --ip --src-ip --dst-ip --proto --port --src-port --dst-port
// --exporter to `app`, in the "Filters" group.  Each option may be repeated
// ("--ip A --ip B" is "--ip A,B") and takes exactly one value per
// occurrence, so that it never swallows the file arguments after it.
void add_filter_options(CLI::App& app, FilterOptionText& text);

// Parses the option text into a FilterSpec (window left empty: --from/--to
// belong to the tool).  Throws UsageError naming the option and bad item.
FilterSpec build_filter_spec(const FilterOptionText& text, const ServiceNames& names);

}  // namespace flowquery
