// Reports without goldens, on gen20.ft: their rows follow the original's layouts.

#include <catch2/catch.hpp>

#include <sstream>

#include "stat_run.hpp"

using namespace flowkeep_test;

namespace {

// The lines after the preamble (which ends with the "# Args:" line and "#").
std::vector<std::string> body(const std::string& out) {
    std::istringstream in(out);
    std::vector<std::string> lines;
    std::string line;
    bool after_args = false, started = false;
    while (std::getline(in, line)) {
        if (started) lines.push_back(line);
        if (after_args && line == "#") started = true;
        if (line.rfind("# Args:", 0) == 0) after_args = true;
    }
    return lines;
}

std::vector<std::string> report(const std::vector<std::string>& argv) {
    Gen20File gen;
    const StatRun r = run_stat(argv, gen.path());
    REQUIRE(r.status == 0);
    return body(r.out);
}

std::string pad20(const std::string& s) {
    return s + std::string(20 - s.size(), ' ');
}

}  // namespace

TEST_CASE("report 1 and 2 and 3: distributions keyed by packet size and packets and octets") {
    const auto sizes = report({"flow-stat", "-f", "1"});
    REQUIRE(sizes.size() == 4);
    CHECK(sizes[1] == "# Pkt Size  flows                 octets                packets");
    CHECK(sizes[3] == "1           " + pad20("20") + "  " + pad20("210") + "  210");
    const auto packets = report({"flow-stat", "-f", "2", "-w"});
    CHECK(packets[1] ==
          "# Packets   flows                 octets                packets               duration");
    CHECK(packets[3] == "1                " + pad20("1") + "  " + pad20("1") + "  " + pad20("1") +
                            "  4294901760");
    CHECK(report({"flow-stat", "-f", "3", "-P"})[3] == "1           5.000    0.476    0.476 ");
}

TEST_CASE("report 4 is not implemented in the original either") {
    CHECK(report({"flow-stat", "-f", "4"}) == std::vector<std::string>{"Not implemented."});
}

TEST_CASE("report 6 and 7: source ports and both ports with the flows counted twice") {
    const auto src = report({"flow-stat", "-f", "6"});
    CHECK(src[3] == "19          " + pad20("1") + "  " + pad20("20") + "  " + pad20("20"));
    const auto both = report({"flow-stat", "-f", "7", "-P"});
    REQUIRE(both.size() == 43);
    CHECK(both[3] == "65299       2.500    4.762    4.762 ");
    CHECK(both[42] == "0           2.500    0.238    0.238 ");
}

TEST_CASE("report 9 and 11: source addresses and every address of a flow in first-seen order") {
    CHECK(report({"flow-stat", "-f", "9"})[3] ==
          "0.0.0.0          " + pad20("1") + "  " + pad20("1") + "  1");
    const auto any = report({"flow-stat", "-f", "11", "-P"});
    REQUIRE(any.size() == 43);
    CHECK(any[3] == "0.0.0.0          5.000    0.476    0.476 ");
    CHECK(any[4] == "255.255.0.0      5.000    0.476    0.476 ");
    CHECK(any[5] == "0.0.0.1          5.000    0.952    0.952 ");
}

TEST_CASE("report 13 and 14: plot data with two lines per flow and the ranges") {
    const auto octets = report({"flow-stat", "-f", "13"});
    CHECK(octets[1] == "# start      octets");
    CHECK(octets[4] == "0            1         ");
    CHECK(octets[5] == "4294901760   1         ");
    CHECK(octets[6].empty());
    CHECK(octets.back() ==
          "# xmin=0            ymin=1            xmax=4294901779   ymax=20        ");
    const auto packets = report({"flow-stat", "-f", "14"});
    CHECK(packets[1] == "# start     packets");
    CHECK(packets[4] == "0             1         ");
}

TEST_CASE("report 16 and 27: next hop and exporter addresses") {
    CHECK(report({"flow-stat", "-f", "16"})[3] ==
          "0.0.0.0          " + pad20("20") + "  " + pad20("210") + "  210");
    CHECK(report({"flow-stat", "-f", "27", "-S", "1"})[3] ==
          "0.0.0.0          " + pad20("20") + "  " + pad20("210") + "  210");
}

TEST_CASE("report 17..20 and 22: interface and AS and ToS arrays from the highest key down") {
    CHECK(report({"flow-stat", "-f", "17"})[1] ==
          "# interface flows                 octets                packets");
    CHECK(report({"flow-stat", "-f", "17"})[3].rfind("19          1 ", 0) == 0);
    CHECK(report({"flow-stat", "-f", "18"})[3].rfind("65299       1 ", 0) == 0);
    CHECK(report({"flow-stat", "-f", "19", "-s", "0"})[3].rfind("0           1 ", 0) == 0);
    CHECK(report({"flow-stat", "-f", "20"})[1] ==
          "# dst AS    flows                 octets                packets");
    CHECK(report({"flow-stat", "-f", "22", "-w"})[1] ==
          "# ToS            flows                 octets                packets               "
          "duration");
    CHECK(report({"flow-stat", "-f", "22", "-w"})[3] == "19               " + pad20("1") + "  " +
                                                            pad20("20") + "  " + pad20("20") +
                                                            "  4294901760");
}

TEST_CASE("report 21 and 23: AS and interface pairs") {
    const auto as = report({"flow-stat", "-f", "21"});
    CHECK(as[1] ==
          "# src AS          dst AS            flows                 octets       "
          "         packets");
    CHECK(as[3] == "0                 65280             " + pad20("1") + "  " + pad20("1") + "  " +
                       pad20("1"));
    const auto ifs = report({"flow-stat", "-f", "23", "-P"});
    CHECK(ifs[1] == "# in   out    flows    octets   packets");
    CHECK(ifs[3] == "0      65280  5.000    0.476    0.476 ");
}

TEST_CASE("report 24..26: prefixes with their masks (gen20 has none: one /0 row)") {
    const auto src = report({"flow-stat", "-f", "24"});
    CHECK(src[1] == "# Source Prefix     flows                 octets                packets");
    REQUIRE(src.size() == 4);
    CHECK(src[3] == "0/0                 " + pad20("20") + "  " + pad20("210") + "  210");
    CHECK(report({"flow-stat", "-f", "25"})[1] ==
          "# Source Prefix     flows                 octets                packets");
    const auto both = report({"flow-stat", "-f", "26", "-P"});
    CHECK(both[3] == "0/0                 0/0                 100.000   100.000   100.000");
}

TEST_CASE("report 28 and 29: engine reports where 29's title is cut to ten characters") {
    CHECK(report({"flow-stat", "-f", "28"})[3].rfind("0           20 ", 0) == 0);
    CHECK(report({"flow-stat", "-f", "29"})[1] ==
          "# engine_typflows                 octets                packets");
}

TEST_CASE("report 30..32 need tags which only v1005 streams have") {
    for (const char* format : {"30", "31", "32"}) {
        Gen20File gen;
        const StatRun r = run_stat({"flow-stat", "-f", format}, gen.path());
        CHECK(r.status == 0);
        CHECK(r.err == "flow-stat: Flow record missing required field for format.\n");
        CHECK(body(r.out).empty());
    }
}

TEST_CASE("report 32 on a v1005 stream pairs the tags") {
    TempDir dir;
    auto records = gen20();
    for (auto& r : records) {
        r.src_tag = 7;
        r.dst_tag = 100000 + r.srcaddr % 2;
    }
    auto header = flow_gen_header();
    header.export_version = 1005;
    write_stream(dir / "tagged.ft", records, header);
    const StatRun r = run_stat({"flow-stat", "-f", "32"}, dir / "tagged.ft");
    const auto lines = body(r.out);
    REQUIRE(lines.size() == 5);
    CHECK(lines[1] ==
          "# Src Tag   Dst Tag     flows                 octets                packets");
    CHECK(lines[3] == "7           100000      " + pad20("10") + "  " + pad20("100") + "  100");
    CHECK(lines[4] == "7           100001      " + pad20("10") + "  " + pad20("110") + "  110");
}

TEST_CASE("reports needing fields a v1 file lacks say so and print no table") {
    const auto v1 = test_data("files/v1/ft-v01.2009-10-15.154110+0000");
    for (const char* format : {"19", "21", "24", "28"}) {
        const StatRun r = run_stat({"flow-stat", "-f", format}, v1);
        CHECK(r.status == 0);
        CHECK(r.err == "flow-stat: Flow record missing required field for format.\n");
        CHECK(body(r.out).empty());
    }
}

TEST_CASE("option -P -t on gen20: the tally line cumulates the rows printed so far") {
    const auto rows = report({"flow-stat", "-f", "5", "-P", "-t", "5"});
    CHECK(rows[8] == "#SUB 0.000   25.000   42.857   42.857   25.000");
    CHECK(rows[9].rfind("65294 ", 0) == 0);
}
