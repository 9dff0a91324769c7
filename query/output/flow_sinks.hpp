#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "flowfile/header.hpp"
#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"
#include "flowfile/writer.hpp"
#include "output/flow_columns.hpp"
#include "output/output_buffer.hpp"

namespace flowquery {

// Where flow-select and flow-export-csv put the selected flows.  Each sink
// sees the header of the file a batch came from, because a flow-export
// compatible listing and a flow-tools stream depend on its export version.
class FlowSink {
  public:
    virtual ~FlowSink() = default;
    virtual void write(const flowfile::Header& source, std::span<const flowfile::Record> flows) = 0;
    // Flows of an IPv6 series file.  A format that cannot hold them (a
    // flow-tools stream, flow-export text) counts them instead, for the
    // tool to say on stderr how many it left out (ipv6_left_out).
    virtual void write6(const flowfile::Header& source,
                        std::span<const flowfile::Record6> flows) = 0;
    // Said before the first write when the listing may hold IPv6 flows, so
    // that the table makes its address columns wide enough from the title
    // on (ipv6_address_width).
    virtual void expect_ipv6() {}
    // IPv6 flows this sink was given and could not write.
    virtual std::uint64_t ipv6_left_out() const { return 0; }
    // Completes the output (flushes, ends a stream).  Throws OutputError.
    // Until the first write() or finish() a sink has written nothing, so a
    // query that could read none of its inputs prints no answer at all.
    virtual void finish() = 0;
    // Called before finish() when inputs were missing, unreadable or
    // damaged.  Only the table shows it (a last "# incomplete: ..." line):
    // CSV, flow-export text and streams are read by programs that would
    // take a note for a flow, so they stay as they are (stderr, exit 1).
    virtual void note_incomplete(std::size_t /*failed_inputs*/) {}
};

// An aligned table for people: a title line, then one line per flow, and
// "# incomplete: N inputs damaged or unreadable, see stderr" at the end of
// an answer that misses some.  With IPv6 flows expected the address
// columns are ipv6_address_width wide; a value wider than its column still
// pushes the rest of its row out.
std::unique_ptr<FlowSink> make_table_sink(OutputBuffer& out, FlowRenderer renderer);

// RFC 4180 CSV with a header row of the column names.
std::unique_ptr<FlowSink> make_csv_sink(OutputBuffer& out, FlowRenderer renderer);

// Exactly what `flow-export -f2` prints: a "#:" line with every field of the
// first file's export version, then one line per flow.  It has no IPv6
// fields: IPv6 flows are left out and counted (ipv6_left_out).
std::unique_ptr<FlowSink> make_flow_export_sink(OutputBuffer& out);

// A flow-tools stream (uncompressed, STREAMING) that every flow-tools and
// flowkeep reader takes on stdin.  All inputs must have the same export
// version, as flow-cat requires, since one stream has one record layout.
// flow-tools records hold IPv4 only: IPv6 flows are left out and counted
// (ipv6_left_out).
std::unique_ptr<FlowSink> make_stream_sink(int fd);

}  // namespace flowquery
