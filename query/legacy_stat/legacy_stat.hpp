#pragma once

#include <iosfwd>
#include <span>
#include <string>

namespace flowquery {

// Runs the whole original-compatible flow-stat (flow-tools 0.68.5, `-f N`
// interface): parses argv (argv[0] is printed in "# Args:"), reads the stream
// from in_fd, writes the report to out and messages to err as
// "<basename of argv[0]>: text".  Returns the exit status.  Operators' cron
// scripts parse this text, so it is reproduced byte for byte, quirks included
// (query-tools.md §5).
int run_legacy_flow_stat(std::span<const std::string> argv, int in_fd, std::ostream& out,
                         std::ostream& err);

// True when argv (after argv[0]) selects the original's interface: one of its
// short options is -f, in any getopt form (`-f 8`, `-f8`, `-Pf8`).
bool wants_legacy_flow_stat(std::span<const std::string> argv);

}  // namespace flowquery
