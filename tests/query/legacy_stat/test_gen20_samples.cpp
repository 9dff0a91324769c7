// The spec's flow-stat samples on gen20.ft (query-tools.md §5.4, §5.5).

#include <catch2/catch.hpp>

#include <functional>

#include "stat_run.hpp"

using namespace flowkeep_test;

namespace {

std::string preamble(const std::string& fields, const std::string& sorting, const std::string& name,
                     const std::string& args, const std::string& title_line = "") {
    return "#  --- ---- ---- Report Information --- --- ---\n#\n" + title_line +
           "# Fields:    " + fields + "\n# Symbols:   Disabled\n# Sorting:   " + sorting +
           "\n# Name:      " + name + "\n#\n# Args:      " + args + "\n#\n";
}

std::string rows(int from, int to, int step, const std::function<std::string(int)>& row) {
    std::string s;
    for (int i = from; i != to; i += step) s += row(i);
    return s;
}

std::string pad20(const std::string& s) {
    return s + std::string(20 - s.size(), ' ');
}

}  // namespace

TEST_CASE("gen20: -f 0 prints the overall summary with the original's float quirks") {
    Gen20File gen;
    const StatRun r = run_stat({"flow-stat", "-f", "0"}, gen.path());
    const std::string expected =
        preamble("Total", "None", "Overall Summary", "flow-stat -f 0 ") +
        "Total Flows                     : 20\n"
        "Total Octets                    : 210\n"
        "Total Packets                   : 210\n"
        "Total Time (1/1000 secs) (flows): 85898035200\n"
        "Duration of data  (realtime)    : 0\n"
        "Duration of data (1/1000 secs)  : 4294901779\n"
        "Average flow time (1/1000 secs) : 4294901760.0000\n"
        "Average packet size (octets)    : 1.0000\n"
        "Average flow size (octets)      : 10.5000\n"
        "Average packets per flow        : 10.5000\n"
        "Average flows / second (flow)   : 0.0000\n"
        "Average flows / second (real)   : 0.0000\n"
        "Average Kbits / second (flow)   : 0.0000\n"
        "Average Kbits / second (real)   : 0.0000\n"
        "\n\n"
        "IP packet size distribution:\n"
        "   1-32   64   96  128  160  192  224  256  288  320  352  384  416  448  480\n"
        "   .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 \n"
        "\n"
        "    512  544  576 1024 1536 2048 2560 3072 3584 4096 4608\n"
        "   .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 \n"
        "\n"
        "Packets per flow distribution:\n"
        "      1    2    4    8   12   16   20   24   28   32   36   40   44   48   52\n"
        "   .050 .050 .100 .200 .200 .200 .200 .000 .000 .000 .000 .000 .000 .000 .000 \n"
        "\n"
        "     60  100  200  300  400  500  600  700  800  900 >900\n"
        "   .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 \n"
        "\n"
        "Octets per flow distribution:\n"
        "     32   64  128  256  512 1280 2048 2816 3584 4352 5120 5888 6656 7424 8192\n"
        "   .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 \n"
        "\n"
        "   8960 9728 10496 11264 12032 12800 13568 14336 15104 15872 >15872\n"
        "   .000 .000  .000  .000  .000  .000  .000  .000  .000  .000  .000  \n"
        "\n"
        "Flow time distribution:\n"
        "    10    50  100  200  500 1000 2000 3000 4000 5000 6000 7000 8000 9000 10000\n"
        "   .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 .000 .000  .000  \n"
        "\n"
        "  12000 14000 16000 18000 20000 22000 24000 26000 28000 30000 >30000\n"
        "   .000  .000  .000  .000  .000  .000  .000  .000  .000  .000  .000  \n"
        "\n";
    CHECK(r.status == 0);
    CHECK(r.out == expected);
}

TEST_CASE("gen20: -f 5 lists destination ports from the highest down and last column padded") {
    Gen20File gen;
    const StatRun r = run_stat({"flow-stat", "-f", "5"}, gen.path());
    const std::string expected =
        preamble("Total", "None", "UDP/TCP destination port", "flow-stat -f 5 ") +
        "#\n# port      flows                 octets                packets\n#\n" +
        rows(19, -1, -1, [](int i) {
            return std::to_string(65280 + i) + "       " + pad20("1") + "  " +
                   pad20(std::to_string(i + 1)) + "  " + pad20(std::to_string(i + 1)) + "\n";
        });
    CHECK(r.out == expected);
}

TEST_CASE("gen20: -f 8 lists destination addresses in first-seen order and last column unpadded") {
    Gen20File gen;
    const StatRun r = run_stat({"flow-stat", "-f", "8"}, gen.path());
    const std::string expected =
        preamble("Total", "None", "Destination IP", "flow-stat -f 8 ") +
        "#\n# IPaddr         flows                 octets                packets\n#\n" +
        rows(0, 20, 1, [](int i) {
            const std::string ip = "255.255.0." + std::to_string(i);
            return ip + std::string(15 - ip.size(), ' ') + "  " + pad20("1") + "  " +
                   pad20(std::to_string(i + 1)) + "  " + std::to_string(i + 1) + "\n";
        });
    CHECK(r.out == expected);
}

TEST_CASE("gen20: -f 5 -S 2 -P prints percentages sorted by octets") {
    Gen20File gen;
    const StatRun r = run_stat({"flow-stat", "-f", "5", "-S", "2", "-P"}, gen.path());
    const char* percents[] = {"0.476", "0.952", "1.429", "1.905", "2.381", "2.857", "3.333",
                              "3.810", "4.286", "4.762", "5.238", "5.714", "6.190", "6.667",
                              "7.143", "7.619", "8.095", "8.571", "9.048", "9.524"};
    const std::string expected = preamble("Percent Total", "Descending Field 2",
                                          "UDP/TCP destination port", "flow-stat -f 5 -S 2 -P ") +
                                 "#\n# port      flows    octets   packets\n#\n" +
                                 rows(19, -1, -1, [&](int i) {
                                     return std::to_string(65280 + i) + "       5.000    " +
                                            percents[i] + "    " + percents[i] + " \n";
                                 });
    CHECK(r.out == expected);
}

TEST_CASE("gen20: -f 8 -S 3 -P -w adds the duration column") {
    Gen20File gen;
    const StatRun r = run_stat({"flow-stat", "-f", "8", "-S", "3", "-P", "-w"}, gen.path());
    const char* percents[] = {"0.476", "0.952", "1.429", "1.905", "2.381", "2.857", "3.333",
                              "3.810", "4.286", "4.762", "5.238", "5.714", "6.190", "6.667",
                              "7.143", "7.619", "8.095", "8.571", "9.048", "9.524"};
    const std::string expected = preamble("Percent Total", "Descending Field 3", "Destination IP",
                                          "flow-stat -f 8 -S 3 -P -w ") +
                                 "#\n# IPaddr         flows    octets   packets  duration\n#\n" +
                                 rows(19, -1, -1, [&](int i) {
                                     const std::string ip = "255.255.0." + std::to_string(i);
                                     return ip + std::string(15 - ip.size(), ' ') + "  5.000    " +
                                            percents[i] + "    " + percents[i] + "    5.000 \n";
                                 });
    CHECK(r.out == expected);
}

TEST_CASE("gen20: -f 8 -s 3 sorts ascending on packets") {
    Gen20File gen;
    const StatRun r = run_stat({"flow-stat", "-f", "8", "-s", "3"}, gen.path());
    const std::string expected =
        preamble("Total", "Ascending Field 3", "Destination IP", "flow-stat -f 8 -s 3 ") +
        "#\n# IPaddr         flows                 octets                packets\n#\n" +
        rows(0, 20, 1, [](int i) {
            const std::string ip = "255.255.0." + std::to_string(i);
            return ip + std::string(15 - ip.size(), ' ') + "  " + pad20("1") + "  " +
                   pad20(std::to_string(i + 1)) + "  " + std::to_string(i + 1) + "\n";
        });
    CHECK(r.out == expected);
}

TEST_CASE("gen20: -f 10 pairs addresses and pads the packets column") {
    Gen20File gen;
    const StatRun r = run_stat({"flow-stat", "-f", "10"}, gen.path());
    const std::string expected =
        preamble("Total", "None", "Source/Destination IP", "flow-stat -f 10 ") +
        "#\n# src IPaddr     dst IPaddr       flows                 octets                "
        "packets\n#\n" +
        rows(0, 20, 1, [](int i) {
            const std::string src = "0.0.0." + std::to_string(i);
            const std::string dst = "255.255.0." + std::to_string(i);
            return src + std::string(15 - src.size(), ' ') + "  " + dst +
                   std::string(15 - dst.size(), ' ') + "  " + pad20("1") + "  " +
                   pad20(std::to_string(i + 1)) + "  " + pad20(std::to_string(i + 1)) + "\n";
        });
    CHECK(r.out == expected);
}

TEST_CASE("gen20: -p -f 12 -T prints the title and the flow header") {
    Gen20File gen;
    const StatRun r = run_stat({"flow-stat", "-p", "-f", "12", "-T", "demo title"}, gen.path());
    const std::string expected =
        preamble("Total", "None", "IP protocol", "flow-stat -p -f 12 -T demo title ",
                 "# Title:     demo title\n") +
        "#\n"
        "# mode:                 streaming\n"
        "# compress:             off\n"
        "# byte order:           little\n"
        "# stream version:       3\n"
        "# export version:       5\n"
        "# comments:             flow-gen\n"
        "#\n"
        "#\n"
        "# protocol  flows                 octets                packets\n"
        "#\n"
        "17          20                    210                   210                 \n";
    CHECK(r.out == expected);
}

TEST_CASE("gen20: -f 15 prints the short summary") {
    Gen20File gen;
    const StatRun r = run_stat({"flow-stat", "-f", "15"}, gen.path());
    const std::string expected = preamble("Total", "None", "short summary", "flow-stat -f 15 ") +
                                 "#\n# Octets            Packets             MBytes\n#\n" +
                                 pad20("210") + pad20("210") + "0.000\n";
    CHECK(r.out == expected);
}

TEST_CASE("gen20: -f 5 -S 1 breaks ties in descending key order and -s 1 in ascending") {
    Gen20File gen;
    const StatRun down = run_stat({"flow-stat", "-f", "5", "-S", "1"}, gen.path());
    const StatRun up = run_stat({"flow-stat", "-f", "5", "-s", "1"}, gen.path());
    const auto first_keys = [](const std::string& out) {
        std::istringstream in(out);
        std::string line, keys;
        while (std::getline(in, line))
            if (!line.empty() && line[0] != '#') keys += line.substr(0, 5) + ",";
        return keys.substr(0, 24);
    };
    CHECK(first_keys(down.out) == "65299,65298,65297,65296,");
    CHECK(first_keys(up.out) == "65280,65281,65282,65283,");
}
