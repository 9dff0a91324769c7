#pragma once

namespace flowquery {

// When the tools draw the progress line ("37/96 files, ...") on stderr.
//
// Only on a terminal, and never over something else on it: a pipe on
// stdout is most often a pager (`| less`) drawing on the same terminal, and
// cannot be told from `| gzip`, so a pipe means no progress; a terminal on
// stdout gets it only while nothing is printed there (flow-stat, --sort
// start print at the end, once the line is erased).  Redirected to a file
// or /dev/null, a long query shows its progress.

enum class OutputTiming {
    during_scan,  // lines are printed as flows are read (a listing in file order)
    after_scan,   // the answer comes once the scan is over (reports, sorted listings)
};

enum class StdoutKind { terminal, pipe, other };

bool progress_wanted(bool stderr_is_terminal, StdoutKind stdout_kind, OutputTiming timing);

// progress_wanted() for this process's stdout and stderr.
bool draw_progress(OutputTiming timing);

}  // namespace flowquery
