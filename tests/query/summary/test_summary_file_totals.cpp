// A file's index totals added to a summary give the report its records give,
// in every format, when the totals can tell; when they cannot (ports of
// other protocols than TCP, UDP and SCTP, pairs of keys that both vary) the
// summary is left as it was, for the scan to count the records.
#include <catch2/catch.hpp>

#include <random>
#include <stdexcept>
#include <vector>

#include "flowfile/block_index.hpp"
#include "flowfile/record6.hpp"
#include "summary/file_totals_rows.hpp"
#include "summary_fixtures.hpp"

using namespace flowquery;
using summary_test::Flow;
using summary_test::ip;

namespace {

// Totals of every flow by its raw protocol, source port and destination
// port fields, ICMP's included: what add_file_totals must refuse for a port
// report when other protocols are there (flowfile::FileTotals itself counts
// ports of TCP, UDP and SCTP flows only, as the tests below build too).
template <typename R>
void count_into(flowfile::FileTotals& t, const std::vector<R>& flows) {
    for (const R& r : flows) {
        t.all.add(r.dpkts, r.doctets);
        t.protocols[r.prot].add(r.dpkts, r.doctets);
        t.src_ports[r.srcport].add(r.dpkts, r.doctets);
        t.dst_ports[r.dstport].add(r.dpkts, r.doctets);
    }
}

std::vector<flowfile::Record> random_flows(std::size_t count, std::vector<std::uint8_t> protocols,
                                           std::vector<std::uint16_t> src_ports) {
    std::mt19937 random(20261204);
    auto pick = [&](std::size_t n) { return static_cast<std::size_t>(random() % n); };
    const std::uint16_t dst_ports[] = {22, 25, 53, 80, 443, 8443};
    std::vector<flowfile::Record> flows;
    for (std::size_t i = 0; i < count; ++i)
        flows.push_back(Flow()
                            .proto(protocols[pick(protocols.size())])
                            .src(ip(10, 0, 0, 1), src_ports[pick(src_ports.size())])
                            .dst(ip(192, 0, 2, 1), dst_ports[pick(6)])
                            .size(static_cast<std::uint32_t>(1 + pick(5)),
                                  static_cast<std::uint32_t>(40 + pick(1500))));
    return flows;
}

std::string all_formats(const Summary& s) {
    return summary_test::write(s, SummaryFormat::table) +
           summary_test::write(s, SummaryFormat::csv) + summary_test::write(s, SummaryFormat::json);
}

SummarySpec spec_of(const char* by, const char* sort = "octets", std::size_t top = 0) {
    return parse_summary_spec(by, "", sort, top);
}

// Whether the totals answered, and if so that the answer is the records'.
bool answers_as_records(const char* by, const std::vector<flowfile::Record>& flows,
                        const char* sort = "octets", std::size_t top = 0) {
    const ServiceNames names = summary_test::test_names();
    const SummarySpec spec = spec_of(by, sort, top);
    Summary scanned(spec, names, nullptr);
    scanned.add(std::span<const flowfile::Record>(flows));
    flowfile::FileTotals totals;
    count_into(totals, flows);
    Summary indexed(spec, names, nullptr);
    if (!add_file_totals(indexed, spec.by, totals)) {
        CHECK(all_formats(indexed) == all_formats(Summary(spec, names, nullptr)));
        return false;
    }
    CHECK(all_formats(indexed) == all_formats(scanned));
    return true;
}

}  // namespace

TEST_CASE("totals and protocol reports come from the totals of any file") {
    const auto flows = random_flows(3000, {1, 6, 17, 47, 58}, {40000, 50000, 0});
    CHECK(answers_as_records("", flows));
    CHECK(answers_as_records("protocol", flows));
    CHECK(answers_as_records("protocol", flows, "flows", 2));
    CHECK(answers_as_records("protocol", flows, "packets"));
}

TEST_CASE("port reports come from the totals of a file of TCP UDP and SCTP flows") {
    const auto flows = random_flows(3000, {6, 17, 132}, {40000, 50000, 443});
    CHECK(answers_as_records("dst-port", flows));
    CHECK(answers_as_records("src-port", flows, "flows"));
    CHECK(answers_as_records("dst-port", flows, "packets", 3));
}

TEST_CASE("port reports need the records of a file holding ICMP flows") {
    // ICMP's type and code sit in the port fields: the totals count them
    // under ports the report must not show, and cannot take them out.
    const auto flows = random_flows(3000, {1, 6, 17}, {40000, 50000});
    CHECK_FALSE(answers_as_records("dst-port", flows));
    CHECK_FALSE(answers_as_records("src-port", flows));
    CHECK_FALSE(answers_as_records("protocol,dst-port", flows));
}

TEST_CASE("port counts over TCP UDP and SCTP flows alone answer port reports beside ICMP") {
    // Totals whose port counts leave other protocols out fix a port
    // report's rows whatever else the file holds.
    const auto flows = random_flows(3000, {1, 6, 17, 47}, {40000, 50000});
    std::vector<flowfile::Record> with_ports;
    for (const auto& r : flows)
        if (r.prot == 6 || r.prot == 17) with_ports.push_back(r);
    flowfile::FileTotals totals, port_totals;
    count_into(totals, flows);
    count_into(port_totals, with_ports);
    totals.src_ports = port_totals.src_ports;
    totals.dst_ports = port_totals.dst_ports;
    const ServiceNames names = summary_test::test_names();
    for (const char* by : {"dst-port", "src-port", "protocol"}) {
        INFO(by);
        const SummarySpec spec = spec_of(by);
        Summary scanned(spec, names, nullptr);
        scanned.add(std::span<const flowfile::Record>(flows));
        Summary indexed(spec, names, nullptr);
        REQUIRE(add_file_totals(indexed, spec.by, totals));
        CHECK(all_formats(indexed) == all_formats(scanned));
    }
    // Two protocols with ports: the totals know no protocol and port pairs.
    const SummarySpec pairs = spec_of("protocol,dst-port");
    Summary indexed(pairs, names, nullptr);
    CHECK_FALSE(add_file_totals(indexed, pairs.by, totals));
}

TEST_CASE("a file of flows without ports adds nothing to a port report") {
    const auto flows = random_flows(500, {1, 47}, {0});
    CHECK(answers_as_records("dst-port", flows));
    CHECK(answers_as_records("protocol,src-port", flows));
}

TEST_CASE("two keys come from the totals only when one of them has one value") {
    const auto tcp_only = random_flows(2000, {6}, {40000, 50000});
    CHECK(answers_as_records("protocol,dst-port", tcp_only));
    CHECK(answers_as_records("dst-port,protocol", tcp_only, "flows", 4));
    // Both ports vary: the totals know no pairs of them.
    CHECK_FALSE(answers_as_records("src-port,dst-port", tcp_only));

    const auto one_source_port = random_flows(2000, {6, 17}, {53});
    CHECK(answers_as_records("src-port,dst-port", one_source_port));
    CHECK(answers_as_records("protocol,src-port", one_source_port));
    CHECK_FALSE(answers_as_records("protocol,dst-port", one_source_port));
    CHECK(answers_as_records("protocol,src-port,dst-port", random_flows(100, {17}, {53})));
}

TEST_CASE("reports on other keys never come from the totals") {
    const auto flows = random_flows(100, {6}, {40000});
    for (const char* by : {"service", "port", "src-ip", "exporter", "dst-port,ip"}) {
        INFO(by);
        CHECK_FALSE(report_fits_file_totals(spec_of(by).by));
        CHECK_FALSE(answers_as_records(by, flows));
    }
    CHECK(report_fits_file_totals(spec_of("protocol,src-port,dst-port").by));
    CHECK(report_fits_file_totals(spec_of("").by));
}

TEST_CASE("totals that do not add up to the file's flows are not printed") {
    const auto flows = random_flows(100, {6}, {40000});
    flowfile::FileTotals totals;
    count_into(totals, flows);
    totals.dst_ports.begin()->second.flows += 1;
    const ServiceNames names = summary_test::test_names();
    const SummarySpec spec = spec_of("dst-port");
    Summary s(spec, names, nullptr);
    CHECK_FALSE(add_file_totals(s, spec.by, totals));
    CHECK(s.total().flows == 0);
}

TEST_CASE("index totals of IPv6 and IPv4 files count as their records together") {
    const ServiceNames names = summary_test::test_names();
    const auto flows = random_flows(1000, {6, 17}, {40000});
    std::vector<flowfile::Record6> flows6;
    for (std::size_t i = 0; i < 700; ++i) {
        flowfile::Record6 r;
        r.prot = i % 3 == 0 ? 17 : 6;
        r.srcport = 40000;
        r.dstport = static_cast<std::uint16_t>(i % 3 == 0 ? 53 : 443);
        r.dpkts = 1 + i % 7;
        r.doctets = (std::uint64_t{1} << 33) + i;  // beyond any IPv4 counter
        flows6.push_back(r);
    }
    for (const char* by : {"", "protocol", "dst-port", "src-port"}) {
        INFO(by);
        const SummarySpec spec = spec_of(by);
        Summary scanned(spec, names, nullptr);
        scanned.add(std::span<const flowfile::Record>(flows));
        scanned.add(std::span<const flowfile::Record6>(flows6));
        flowfile::FileTotals totals, totals6;
        count_into(totals, flows);
        count_into(totals6, flows6);
        Summary indexed(spec, names, nullptr);
        REQUIRE(add_file_totals(indexed, spec.by, totals));
        REQUIRE(add_file_totals(indexed, spec.by, totals6));
        CHECK(all_formats(indexed) == all_formats(scanned));
    }
}

TEST_CASE("add_counted refuses keys that count a flow twice or number their values") {
    const ServiceNames names = summary_test::test_names();
    const std::uint64_t one[] = {80};
    for (const char* by : {"port", "ip", "src-ip", "exporter"}) {
        Summary s(spec_of(by), names, nullptr);
        CHECK_THROWS_AS(s.add_counted(one, {1, 1, 100}), std::invalid_argument);
    }
    Summary ports(spec_of("dst-port"), names, nullptr);
    CHECK_THROWS_AS(ports.add_counted({}, {1, 1, 100}), std::invalid_argument);
    const std::uint64_t too_wide[] = {70000};
    CHECK_THROWS_AS(ports.add_counted(too_wide, {1, 1, 100}), std::invalid_argument);
    ports.add_counted(one, {2, 3, 400});
    CHECK(ports.total() == SummaryCounters{2, 3, 400});
}
