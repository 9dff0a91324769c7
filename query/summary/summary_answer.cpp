#include "summary/summary_answer.hpp"

#include <unistd.h>

#include <sstream>

#include "output/output_buffer.hpp"

namespace flowquery {

void write_summary_answer(const Summary& summary, SummaryFormat format, TimeZoneStyle zone,
                          const ReadCompleteness& read) {
    if (read.nothing_read) return;
    SummaryReport report = summary.report(zone);
    report.incomplete_inputs = read.failed_inputs;
    std::ostringstream text;
    render_summary(text, report, format);
    // Through a descriptor, not std::cout: a failed write must name errno.
    OutputBuffer out(STDOUT_FILENO);
    out.append(text.str());
    out.flush();
}

}  // namespace flowquery
