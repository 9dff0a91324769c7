#include "inputs/read_completeness.hpp"

namespace flowquery {

ReadCompleteness read_completeness(const InputSelection& inputs, const ScanReport& report) {
    ReadCompleteness c;
    c.failed_inputs = inputs.problems.size() + report.problems.size();
    // A scan reports at most one problem per source, so every source failed
    // when there are as many problems as sources.
    c.nothing_read = c.failed_inputs > 0 && report.problems.size() == inputs.sources.size() &&
                     report.flows_read == 0;
    return c;
}

std::string incomplete_note(std::size_t failed_inputs) {
    return "incomplete: " + std::to_string(failed_inputs) +
           (failed_inputs == 1 ? " input" : " inputs") + " damaged or unreadable, see stderr";
}

}  // namespace flowquery
