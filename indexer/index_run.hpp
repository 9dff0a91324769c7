#pragma once

// The files of one flow-index run, several at once: each file is one job,
// read and indexed by one thread, so a day of files keeps every core busy.

#include <string>
#include <vector>

#include "index_job.hpp"

namespace flowindex {

// Runs run_job() on every file with up to `threads` threads (0: one per
// core) and returns the results in the files' order.
std::vector<JobResult> run_jobs(const std::vector<std::string>& files, const JobSettings& settings,
                                unsigned threads);

}  // namespace flowindex
