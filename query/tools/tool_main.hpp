#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

namespace flowquery {

// The one error path of every query tool: parses `app`, runs `work`, and
// turns failures into one line on stderr ("flow-select: ...") and the exit
// status: 2 for a bad command line or option value, 1 for an output or
// input failure (a closed pipe without a message: the reader has gone, as
// when SIGPIPE ends the original tools); `work` returns the status
// otherwise (see report_scan_problems).  --help and --version exit 0.
// What --version prints: the program, flowkeep's version, and how compressed
// files are read (an operator asking why a query is slow wants to know).
std::string version_text(std::string_view program, std::string_view version);

int run_query_tool(std::string_view program, CLI::App& app, int argc, char** argv,
                   const std::function<int()>& work);

}  // namespace flowquery
