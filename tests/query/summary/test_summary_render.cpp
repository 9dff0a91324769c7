// The exact text of each output format.
#include <catch2/catch.hpp>

#include <sstream>
#include <vector>

#include "summary_fixtures.hpp"

using namespace flowquery;
using summary_test::Flow;
using summary_test::ip;

namespace {

// tcp 10.0.0.1:40000 -> 192.0.2.1:25 (10 packets, 1000 octets) and
// udp 10.0.0.1:5353 -> 10.0.0.3:53 (1 packet, 80 octets).
std::string two_flows(SummaryFormat format, std::string_view by = "protocol,dst-port") {
    const ServiceNames names = summary_test::test_names();
    Summary summary(parse_summary_spec(by, "", "", 0), names, nullptr);
    const std::vector<flowfile::Record> flows{
        Flow().proto(6).src(ip(10, 0, 0, 1), 40000).dst(ip(192, 0, 2, 1), 25).size(10, 1000),
        Flow().proto(17).src(ip(10, 0, 0, 1), 5353).dst(ip(10, 0, 0, 3), 53).size(1, 80),
    };
    summary.add(flows);
    return summary_test::write(summary, format);
}

std::string render(const SummaryReport& report, SummaryFormat format) {
    std::ostringstream out;
    render_summary(out, report, format);
    return out.str();
}

}  // namespace

TEST_CASE("table has a header and left-aligned keys and right-aligned numbers and a total row") {
    CHECK(two_flows(SummaryFormat::table) ==
          "protocol  dst_port  flows  packets  octets\n"
          "tcp             25      1       10    1000\n"
          "udp             53      1        1      80\n"
          "total                   2       11    1080\n");
}

TEST_CASE("table without keys: only the total row") {
    CHECK(two_flows(SummaryFormat::table, "") ==
          "       flows  packets  octets\n"
          "total      2       11    1080\n");
}

TEST_CASE("csv is RFC 4180 with a header row and CRLF line ends and no total row") {
    CHECK(two_flows(SummaryFormat::csv) ==
          "protocol,dst_port,flows,packets,octets\r\n"
          "tcp,25,1,10,1000\r\n"
          "udp,53,1,1,80\r\n");
}

TEST_CASE("json has rows and total with ports and sums as numbers") {
    CHECK(two_flows(SummaryFormat::json) ==
          "{\"rows\":[\n"
          "{\"protocol\":\"tcp\",\"dst_port\":25,\"flows\":1,\"packets\":10,\"octets\":1000},\n"
          "{\"protocol\":\"udp\",\"dst_port\":53,\"flows\":1,\"packets\":1,\"octets\":80}\n"
          "],\n"
          "\"total\":{\"flows\":2,\"packets\":11,\"octets\":1080}}\n");
}

TEST_CASE("json of nothing is still one valid document") {
    const ServiceNames names = summary_test::test_names();
    const Summary empty(parse_summary_spec("service", "", "", 0), names, nullptr);
    CHECK(summary_test::write(empty, SummaryFormat::json) ==
          "{\"rows\":[],\n\"total\":{\"flows\":0,\"packets\":0,\"octets\":0}}\n");
    CHECK(summary_test::write(empty, SummaryFormat::csv) == "service,flows,packets,octets\r\n");
}

TEST_CASE("keys with quotes or commas or control characters or bad UTF-8 stay in their cell") {
    SummaryReport report;
    report.columns = {{"account", false}};
    report.rows = {
        {{"a \"b\", c\\d"}, {1, 2, 3}},
        {{"line\nbreak\ttab"}, {1, 1, 1}},
        {{"caf\xc3\xa9 \xff\xc3"}, {1, 1, 1}},
    };
    report.total = {3, 4, 5};
    CHECK(render(report, SummaryFormat::csv) ==
          "account,flows,packets,octets\r\n"
          "\"a \"\"b\"\", c\\d\",1,2,3\r\n"
          "\"line\nbreak\ttab\",1,1,1\r\n"
          "caf\xc3\xa9 \xff\xc3,1,1,1\r\n");
    CHECK(render(report, SummaryFormat::json) ==
          "{\"rows\":[\n"
          "{\"account\":\"a \\\"b\\\", c\\\\d\",\"flows\":1,\"packets\":2,\"octets\":3},\n"
          "{\"account\":\"line\\u000abreak\\u0009tab\",\"flows\":1,\"packets\":1,\"octets\":1},\n"
          "{\"account\":\"caf\xc3\xa9 \\ufffd\\ufffd\",\"flows\":1,\"packets\":1,\"octets\":1}\n"
          "],\n"
          "\"total\":{\"flows\":3,\"packets\":4,\"octets\":5}}\n");
    CHECK(render(report, SummaryFormat::table) ==
          "account         flows  packets  octets\n"
          "a \"b\", c\\d          1        2       3\n"
          "line?break?tab      1        1       1\n"
          "caf\xc3\xa9 ??             1        1       1\n"
          "total               3        4       5\n");
}
