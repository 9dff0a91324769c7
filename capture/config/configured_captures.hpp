#pragma once

// flow-capture --config FILE: one capture per line of a flow-capture.conf,
// each started exactly as if its line had been given on the command line
// (so ps shows each line's arguments).  All or nothing: every line is parsed
// and checked (start_checks.hpp) before the first capture starts; then the
// lines start one after the other, each waited for until it is ready, and
// when one fails the ones already started are stopped again.  Every message
// names FILE:LINE.

#include <string>

namespace capture {

// Returns the exit status: 1 when a line failed, else the highest of the
// lines' processes (daemons' parents exit 0 once their daemon is ready,
// foreground lines when they stop).
int start_configured_captures(const char* self, const std::string& path);

}  // namespace capture
