// Row order: first seen, hash chunks, sorting and its ties, tally lines.

#include <catch2/catch.hpp>

#include <sstream>

#include "legacy_stat/legacy_stat_tables.hpp"
#include "stat_run.hpp"

using namespace flowkeep_test;
using flowquery::FirstSeenTable;
using flowquery::KeyArrayTable;
using flowquery::StatCounters;
using flowquery::TableKey;

namespace {

std::string first_lines(const std::string& text, int n) {
    std::istringstream in(text);
    std::string line, out;
    for (int i = 0; i < n && std::getline(in, line); ++i) out += line + "\n";
    return out;
}

const std::filesystem::path v5_file() {
    return test_data("files/v5_zdefault/ft-v05.2009-10-15.153110+0000");
}

}  // namespace

TEST_CASE("real file: -f8 -S3 lists the destinations with most packets first") {
    const StatRun r = run_stat({"flow-stat", "-f8", "-S3"}, v5_file());
    CHECK(first_lines(r.out, 16) ==
          "#  --- ---- ---- Report Information --- --- ---\n"
          "#\n"
          "# Fields:    Total\n"
          "# Symbols:   Disabled\n"
          "# Sorting:   Descending Field 3\n"
          "# Name:      Destination IP\n"
          "#\n"
          "# Args:      flow-stat -f8 -S3 \n"
          "#\n"
          "#\n"
          "# IPaddr         flows                 octets                packets\n"
          "#\n"
          "104.16.132.229   51                    779946102             1373775\n"
          "212.58.224.138   59                    509233248             1324013\n"
          "185.199.108.153  48                    1012985126            1303761\n"
          "195.113.144.201  38                    791015394             1186616\n");
}

TEST_CASE("real file: -P -t 3 puts a SUB line of cumulated percentages before every third row") {
    const StatRun r = run_stat({"flow-stat", "-f5", "-S2", "-P", "-t", "3"}, v5_file());
    CHECK(first_lines(r.out, 20) ==
          "#  --- ---- ---- Report Information --- --- ---\n"
          "#\n"
          "# Fields:    Percent Total\n"
          "# Symbols:   Disabled\n"
          "# Sorting:   Descending Field 2\n"
          "# Name:      UDP/TCP destination port\n"
          "#\n"
          "# Args:      flow-stat -f5 -S2 -P -t 3 \n"
          "#\n"
          "#\n"
          "# port      flows    octets   packets\n"
          "#\n"
          "443         11.522   9.939    15.692\n"
          "59909       0.109    3.156    1.208 \n"
          "36510       0.109    2.740    0.968 \n"
          "#SUB 0.000   11.739   15.835   17.867   7.255 \n"
          "44073       0.109    2.477    0.887 \n"
          "55560       0.109    2.336    1.069 \n"
          "46454       0.109    2.219    1.188 \n"
          "#SUB 0.000   12.065   22.867   21.011   7.558 \n");
}

TEST_CASE("option -t without -P prints no tally lines") {
    const StatRun r = run_stat({"flow-stat", "-f5", "-t", "3"}, v5_file());
    CHECK(r.out.find("SUB") == std::string::npos);
}

TEST_CASE("array reports: unsorted and -S 0 descend by key while -s 0 ascends") {
    KeyArrayTable t(8);
    for (std::uint32_t k : {2u, 5u, 7u}) t.add(k, StatCounters{1, 10, 1, 0});
    const auto keys_with_flows = [&](std::int64_t sort_order) {
        std::vector<std::uint32_t> keys;
        const auto order = t.print_order(sort_order);
        for (std::uint32_t k : *order)
            if (t.at(k).flows) keys.push_back(k);
        return keys;
    };
    CHECK(keys_with_flows(0) == std::vector<std::uint32_t>{7, 5, 2});
    CHECK(keys_with_flows(1) == std::vector<std::uint32_t>{7, 5, 2});
    CHECK(keys_with_flows(-1) == std::vector<std::uint32_t>{2, 5, 7});
}

TEST_CASE("array reports: ties on the sort column keep key order with -s and reverse it with -S") {
    KeyArrayTable t(8);
    t.add(1, StatCounters{1, 50, 1, 0});
    t.add(3, StatCounters{1, 10, 1, 0});
    t.add(4, StatCounters{1, 50, 1, 0});
    t.add(6, StatCounters{1, 10, 1, 0});
    const auto rows = [&](std::int64_t sort_order) {
        std::vector<std::uint32_t> keys;
        const auto order = t.print_order(sort_order);
        for (std::uint32_t k : *order)
            if (t.at(k).flows) keys.push_back(k);
        return keys;
    };
    CHECK(rows(3) == std::vector<std::uint32_t>{4, 1, 6, 3});   // -S 2 (octets)
    CHECK(rows(-3) == std::vector<std::uint32_t>{3, 6, 1, 4});  // -s 2
    CHECK_FALSE(t.print_order(6).has_value());                  // -S 5
}

TEST_CASE("hash reports: ties keep first-seen order with -s and reverse it with -S") {
    FirstSeenTable t;
    t.add(TableKey{30}, StatCounters{1, 5, 1, 0});
    t.add(TableKey{10}, StatCounters{1, 9, 1, 0});
    t.add(TableKey{20}, StatCounters{1, 5, 1, 0});
    const auto keys = [&](std::int64_t sort_order) {
        std::vector<std::uint32_t> k;
        const auto order = t.print_order(sort_order, 1);
        for (const auto* e : *order) k.push_back(e->key.a);
        return k;
    };
    CHECK(keys(0) == std::vector<std::uint32_t>{30, 10, 20});
    CHECK(keys(-3) == std::vector<std::uint32_t>{30, 20, 10});  // -s 2: ascending octets
    CHECK(keys(3) == std::vector<std::uint32_t>{10, 20, 30});   // -S 2
    CHECK(keys(1) == std::vector<std::uint32_t>{30, 20, 10});   // -S 0: by key
    CHECK_FALSE(t.print_order(6, 1).has_value());               // -S 5
    CHECK(t.print_order(6, 2).has_value());                     // pairs: 5 is the duration
}

TEST_CASE("hash reports past one chunk of keys: newest chunk first and first seen within") {
    FirstSeenTable t;
    const std::uint32_t n = FirstSeenTable::chunk_entries + 3;
    for (std::uint32_t i = 0; i < n; ++i) t.add(TableKey{i}, StatCounters{1, 1, 1, 0});
    t.add(TableKey{5}, StatCounters{1, 1, 1, 0});  // a known key stays where it was
    const auto rows = *t.print_order(0, 1);
    REQUIRE(rows.size() == n);
    CHECK(rows[0]->key.a == FirstSeenTable::chunk_entries);
    CHECK(rows[2]->key.a == FirstSeenTable::chunk_entries + 2);
    CHECK(rows[3]->key.a == 0);
    CHECK(rows[8]->key.a == 5);
    CHECK(rows[8]->counters.flows == 2);
    CHECK(rows.back()->key.a == FirstSeenTable::chunk_entries - 1);
}
