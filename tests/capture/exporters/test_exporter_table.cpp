#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "capture/pdu_builder.hpp"
#include "exporters/exporter_address.hpp"
#include "exporters/exporter_table.hpp"
#include "flowfile/record6.hpp"

using capture::ExporterKey;
using capture::ExporterTable;
using capture::no_exporter;
using flowkeep_test::ip;

TEST_CASE("an exporter entry is created once per key", "[exporters]") {
    ExporterTable t;
    const ExporterKey a{ip(127, 0, 0, 2), ip(127, 0, 0, 1), 5, 9991};
    const auto first = t.find_or_add(a, 100);
    CHECK(first.created);
    CHECK(first.id == 0);
    const auto again = t.find_or_add(a, 200);
    CHECK_FALSE(again.created);
    CHECK(again.id == first.id);
    CHECK(t.at(first.id).first_seen == 100);
    CHECK(t.find(a) == first.id);

    // Every part of the key makes a different exporter.
    for (const ExporterKey& other : {ExporterKey{ip(127, 0, 0, 3), ip(127, 0, 0, 1), 5, 9991},
                                     ExporterKey{ip(127, 0, 0, 2), ip(127, 0, 0, 9), 5, 9991},
                                     ExporterKey{ip(127, 0, 0, 2), ip(127, 0, 0, 1), 1, 9991},
                                     ExporterKey{ip(127, 0, 0, 2), ip(127, 0, 0, 1), 5, 2055}}) {
        CHECK(t.find(other) == no_exporter);
        CHECK(t.find_or_add(other, 300).created);
    }
    CHECK(t.size() == 5);
}

TEST_CASE("the table stops growing at its limit", "[exporters]") {
    ExporterTable t(3);
    for (std::uint32_t i = 1; i <= 3; ++i)
        CHECK(t.find_or_add({ip(10, 0, 0, i), 0, 5, 9991}, 0).created);
    CHECK(t.full());
    const auto refused = t.find_or_add({ip(10, 0, 0, 4), 0, 5, 9991}, 0);
    CHECK(refused.id == no_exporter);
    CHECK_FALSE(refused.created);
    CHECK(t.size() == 3);
    CHECK(t.find_or_add({ip(10, 0, 0, 2), 0, 5, 9991}, 0).id == 1);
}

TEST_CASE("entries stay where they are while the table grows", "[exporters]") {
    ExporterTable t(10000);
    const capture::Exporter* first = &t.at(t.find_or_add({1, 1, 5, 1}, 0).id);
    for (std::uint32_t i = 2; i < 5000; ++i) t.find_or_add({i, 1, 5, 1}, 0);
    CHECK(&t.at(0) == first);
    for (std::uint32_t i = 1; i < 5000; ++i) CHECK(t.find({i, 1, 5, 1}) == i - 1);
}

TEST_CASE("STAT lines: one per exporter, newest first, flow-capture's format", "[exporters]") {
    ExporterTable t;
    std::vector<std::string> lines;
    auto sink = [&](const std::string& l) { lines.push_back(l); };

    t.log_stat_lines(1255687500, 1255687410, sink);
    CHECK(lines.empty());  // nothing while no exporter is known

    const auto a = t.find_or_add({ip(127, 0, 0, 2), ip(127, 0, 0, 1), 5, 9991}, 1255687444).id;
    const auto b = t.find_or_add({ip(127, 0, 0, 3), ip(127, 0, 0, 1), 5, 9991}, 1255687444).id;
    t.at(a).counters.pkts = 1;
    t.at(a).counters.flows = 3;
    t.at(b).counters.pkts = 1;
    t.at(b).counters.flows = 2;
    t.log_stat_lines(1255687500, 1255687410, sink);
    // flow-capture.md §9's example.
    CHECK(lines == std::vector<std::string>{
                       "STAT: now=1255687500 startup=1255687410 src_ip=127.0.0.3 dst_ip=127.0.0.1 "
                       "d_ver=5 pkts=1 flows=2 lost=0 reset=0 filter_drops=0",
                       "STAT: now=1255687500 startup=1255687410 src_ip=127.0.0.2 dst_ip=127.0.0.1 "
                       "d_ver=5 pkts=1 flows=3 lost=0 reset=0 filter_drops=0",
                   });

    t.count_filter_drops(a, 5);
    t.at(a).counters.lost = 7;
    t.at(a).counters.reset = 1;
    CHECK(capture::stat_line(t.at(a), 1, 0) ==
          "STAT: now=1 startup=0 src_ip=127.0.0.2 dst_ip=127.0.0.1 d_ver=5 pkts=1 flows=3 lost=7 "
          "reset=1 filter_drops=5");
    CHECK(capture::new_exporter_line(t.at(b)) ==
          "New exporter: time=1255687444 src_ip=127.0.0.3 dst_ip=127.0.0.1 d_version=5");
}

TEST_CASE("the key hash tells apart keys that differ in any field", "[exporters]") {
    const capture::ExporterKeyHash hash;
    const ExporterKey k{ip(10, 0, 0, 1), ip(10, 0, 0, 2), 5, 9991};
    CHECK(hash(k) != hash(ExporterKey{ip(10, 0, 0, 2), ip(10, 0, 0, 1), 5, 9991}));
    CHECK(hash(k) != hash(ExporterKey{ip(10, 0, 0, 1), ip(10, 0, 0, 2), 1, 9991}));
    CHECK(hash(k) != hash(ExporterKey{ip(10, 0, 0, 1), ip(10, 0, 0, 2), 5, 9992}));
    CHECK(hash(ExporterKey{ip(10, 0, 0, 1), ip(10, 0, 0, 2), 10, 9991, 4739}) !=
          hash(ExporterKey{ip(10, 0, 0, 1), ip(10, 0, 0, 2), 10, 9991, 4740}));
}

TEST_CASE("v9 and IPFIX exporters are told apart by UDP source port and say so in their lines",
          "[exporters]") {
    capture::ExporterTable t;
    const ExporterKey a{ip(192, 0, 2, 1), ip(127, 0, 0, 1), 10, 9995, 4739};
    const ExporterKey b{ip(192, 0, 2, 1), ip(127, 0, 0, 1), 10, 9995, 4740};
    const auto ia = t.find_or_add(a, 1773518400).id;
    const auto ib = t.find_or_add(b, 1773518401).id;
    REQUIRE(ia != ib);
    t.at(ia).counters.pkts = 2;
    t.at(ia).counters.flows = 40;
    t.at(ia).counters.no_template_sets = 1;
    t.at(ia).counters.ipv6_flows = 3;
    CHECK(capture::new_exporter_line(t.at(ib)) ==
          "New exporter: time=1773518401 src_ip=192.0.2.1 dst_ip=127.0.0.1 d_version=10 "
          "src_port=4740");
    // flow-tools' fields first and unchanged, the v9/IPFIX ones after.
    CHECK(capture::stat_line(t.at(ia), 1773518460, 1773518000) ==
          "STAT: now=1773518460 startup=1773518000 src_ip=192.0.2.1 dst_ip=127.0.0.1 d_ver=10 "
          "pkts=2 flows=40 lost=0 reset=0 filter_drops=0 no_template_sets=1 ipv6_flows=3 "
          "src_port=4739");
}

namespace {

// 2001:db8:e::<last>
flowfile::Ipv6Address ipv6_exporter(std::uint8_t last) {
    return {0x20, 0x01, 0x0d, 0xb8, 0, 0x0e, 0, 0, 0, 0, 0, 0, 0, 0, 0, last};
}

ExporterKey ipv6_key(std::uint8_t last, std::uint16_t version = 10) {
    ExporterKey k{0, ip(127, 0, 0, 1), version, 9995, 4739};
    k.source_ipv6 = ipv6_exporter(last);
    return k;
}

}  // namespace

TEST_CASE("two IPv6 exporters are two entries, apart from the IPv4 ones", "[exporters][ipv6]") {
    ExporterTable t;
    const auto a = t.find_or_add(ipv6_key(1), 1773518400);
    const auto b = t.find_or_add(ipv6_key(2), 1773518401);
    // An IPv4 exporter with the same 32-bit part (0.0.0.0) is a third.
    const auto v4 = t.find_or_add({0, ip(127, 0, 0, 1), 10, 9995, 4739}, 1773518402);
    REQUIRE(a.created);
    REQUIRE(b.created);
    REQUIRE(v4.created);
    CHECK(a.id != b.id);
    CHECK(t.size() == 3);
    CHECK(t.find(ipv6_key(1)) == a.id);
    CHECK(t.find(ipv6_key(2)) == b.id);
    CHECK_FALSE(t.find_or_add(ipv6_key(2), 1773518500).created);

    t.at(b.id).counters.pkts = 4;
    t.at(b.id).counters.flows = 9;
    t.at(b.id).counters.ipv6_flows = 9;
    CHECK(t.at(a.id).counters.pkts == 0);
    CHECK(capture::new_exporter_line(t.at(a.id)) ==
          "New exporter: time=1773518400 src_ip=2001:db8:e::1 dst_ip=127.0.0.1 d_version=10 "
          "src_port=4739");
    CHECK(capture::stat_line(t.at(b.id), 1773518460, 1773518000) ==
          "STAT: now=1773518460 startup=1773518000 src_ip=2001:db8:e::2 dst_ip=127.0.0.1 "
          "d_ver=10 pkts=4 flows=9 lost=0 reset=0 filter_drops=0 no_template_sets=0 "
          "ipv6_flows=9 src_port=4739");
    std::vector<std::string> lines;
    t.log_stat_lines(1773518460, 1773518000, [&](const std::string& l) { lines.push_back(l); });
    REQUIRE(lines.size() == 3);
    CHECK(lines[1].find(" src_ip=2001:db8:e::2 ") != std::string::npos);
    CHECK(lines[2].find(" src_ip=2001:db8:e::1 ") != std::string::npos);
    // A v5 exporter over IPv6 is named the same way.
    CHECK(capture::new_exporter_line(t.at(t.find_or_add(ipv6_key(1, 5), 7).id)) ==
          "New exporter: time=7 src_ip=2001:db8:e::1 dst_ip=127.0.0.1 d_version=5");
}

TEST_CASE("the key hash tells IPv6 exporters apart in any byte", "[exporters][ipv6]") {
    const capture::ExporterKeyHash hash;
    const ExporterKey k = ipv6_key(1);
    for (std::size_t byte = 0; byte < 16; ++byte) {
        ExporterKey other = k;
        other.source_ipv6[byte] ^= 0x40;
        INFO(byte);
        CHECK(hash(other) != hash(k));
    }
}

TEST_CASE("an exporter's address for IPv6 records and log lines", "[exporters][ipv6]") {
    CHECK(capture::exporter_address(ip(192, 0, 2, 1), {}) ==
          flowfile::ipv4_mapped(ip(192, 0, 2, 1)));
    CHECK(capture::exporter_address(0, ipv6_exporter(9)) == ipv6_exporter(9));
    CHECK(capture::exporter_text(ip(192, 0, 2, 1), {}) == "192.0.2.1");
    CHECK(capture::exporter_text(0, ipv6_exporter(9)) == "2001:db8:e::9");
    CHECK_FALSE(capture::is_ipv6_exporter({}));
    CHECK(capture::is_ipv6_exporter(ipv6_exporter(9)));
}
