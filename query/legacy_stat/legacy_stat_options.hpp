#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace flowquery {

// flow-stat 0.68.5's command line, kept in the original's own terms so that
// the reports can reproduce its quirks.
struct LegacyStatOptions {
    std::int64_t format = 0;
    // 0 = unsorted; n+1 for `-S n` (descending), -(n+1) for `-s n` (ascending).
    // The original prints this value in "can't sort on field" messages.
    std::int64_t sort_order = 0;
    bool percent = false;
    bool wide = false;
    bool names = false;
    bool print_header = false;
    std::int64_t tally = 0;  // 0 = no #SUB lines
    char comment = '#';
    std::optional<std::string> title;
    // -h, -? or an unknown option was seen: the original prints its usage and
    // exits 0 once the whole command line is parsed.
    bool usage_requested = false;
    // The arguments that are not options: the original reads stdin only and
    // refuses them; flowkeep reads them as files and directories.
    std::vector<std::string> operands;
};

// Parses argv (argv[0] = program) like glibc getopt with the original's option
// string "c:d:f:h?npPs:S:t:T:w": bundled flags, attached or separate values,
// operands anywhere, "--" ends the options.  getopt's complaints and the usage
// text go to err exactly as the original prints them.  Throws UsageError for
// a value that is not a number, or a tally count below 1 (the original
// divides by it).
LegacyStatOptions parse_legacy_stat_options(std::span<const std::string> argv, std::ostream& err);

// The options of the original that take a value.
bool legacy_stat_option_takes_value(char option);

}  // namespace flowquery
