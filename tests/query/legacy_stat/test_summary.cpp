// Report 0 beyond the goldens: the spec's two-flow sample, bogus and empty input.

#include <catch2/catch.hpp>

#include <sstream>

#include "stat_run.hpp"

using namespace flowkeep_test;

namespace {

flowfile::Record flow(std::uint32_t unix_secs, std::uint32_t first, std::uint32_t last,
                      std::uint32_t packets, std::uint32_t octets) {
    flowfile::Record r;
    r.unix_secs = unix_secs;
    r.first = first;
    r.last = last;
    r.dpkts = packets;
    r.doctets = octets;
    r.prot = 6;
    return r;
}

std::string lines(const std::string& text, int from, int to) {
    std::istringstream in(text);
    std::string line, out;
    for (int n = 1; std::getline(in, line); ++n)
        if (n >= from && n <= to) out += line + "\n";
    return out;
}

}  // namespace

TEST_CASE("report 0: flows within one second divide by zero and print inf") {
    TempDir dir;
    write_stream(dir / "two.ft", {flow(100, 1000, 1500, 2, 3000), flow(102, 1100, 1200, 1, 40)});
    const StatRun r = run_stat({"flow-stat", "-f", "0"}, dir / "two.ft");
    CHECK(lines(r.out, 10, 23) ==
          "Total Flows                     : 2\n"
          "Total Octets                    : 3040\n"
          "Total Packets                   : 3\n"
          "Total Time (1/1000 secs) (flows): 600\n"
          "Duration of data  (realtime)    : 2\n"
          "Duration of data (1/1000 secs)  : 500\n"
          "Average flow time (1/1000 secs) : 300.0000\n"
          "Average packet size (octets)    : 1013.3333\n"
          "Average flow size (octets)      : 1520.0000\n"
          "Average packets per flow        : 1.5000\n"
          "Average flows / second (flow)   :  inf\n"
          "Average flows / second (real)   : 1.0000\n"
          "Average Kbits / second (flow)   :  inf\n"
          "Average Kbits / second (real)   : 12.1600\n");
}

TEST_CASE("report 0: flows without packets are ignored and reported on stderr") {
    TempDir dir;
    write_stream(dir / "bogus.ft",
                 {flow(100, 0, 20, 0, 0), flow(100, 0, 20, 4, 400), flow(100, 0, 20, 0, 9)});
    const StatRun r = run_stat({"flow-stat", "-f", "0"}, dir / "bogus.ft");
    CHECK(r.status == 0);
    CHECK(r.err == "Ignoring bogus flow dPkts=0\nIgnoring bogus flow dPkts=0\n");
    CHECK(lines(r.out, 10, 12) ==
          "Total Flows                     : 1\n"
          "Total Octets                    : 400\n"
          "Total Packets                   : 4\n");
    // 100 octets per packet, 4 packets, 400 octets, 20 ms: one bucket each at 100 %,
    // which the original prints as ".000" (its first character is dropped).
    CHECK(lines(r.out, 28, 28) ==
          "   .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 \n");
}

TEST_CASE("report 0 on a stream without flows prints only the report information") {
    TempDir dir;
    write_stream(dir / "empty.ft", {});
    const StatRun r = run_stat({"flow-stat", "-f", "0"}, dir / "empty.ft");
    CHECK(r.status == 0);
    CHECK(r.out.ends_with("# Name:      Overall Summary\n#\n# Args:      flow-stat -f 0 \n#\n"));
    CHECK(r.out.find("Total Flows") == std::string::npos);
}

TEST_CASE("a truncated file gets the report of the flows read and the reader's complaint") {
    TempDir dir;
    const std::string whole = file_text(test_data("files/v5_z0/ft-v05.2009-10-15.153110+0000"));
    // Cut inside the eleventh record of the uncompressed file.
    const std::size_t header = whole.size() - 1187 * 64;
    {
        std::ofstream cut(dir / "cut.ft", std::ios::binary);
        cut << whole.substr(0, header + 10 * 64 + 30);
    }
    const StatRun r = run_stat({"flow-stat", "-f", "0"}, dir / "cut.ft");
    CHECK(r.status == 0);
    CHECK(lines(r.out, 10, 10) == "Total Flows                     : 10\n");
    CHECK(r.err.rfind("flow-stat: ", 0) == 0);
    CHECK(r.err.find("standard input") != std::string::npos);
}

TEST_CASE("input that is not a flow file is refused before any report text") {
    TempDir dir;
    {
        std::ofstream junk(dir / "junk", std::ios::binary);
        junk << "this is not a flow-tools file at all";
    }
    const StatRun r = run_stat({"flow-stat", "-f", "8"}, dir / "junk");
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("flow-stat: ", 0) == 0);
}
