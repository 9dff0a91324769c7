#pragma once

#include <functional>
#include <string>

namespace capture {

// Where a stage's log lines go.  Stages never print: the daemon prefixes
// "flow-capture: " and writes to stderr (-D) or hands the line to syslog,
// tests collect the lines.  A line is only flow-capture's MESSAGE part
// (flow-capture.md §9).  Same type as the archiver's LogFn, so one sink
// serves every stage.
using LogSink = std::function<void(const std::string&)>;

}  // namespace capture
