// --interval periods on the local clock, across daylight saving changes.
#include <catch2/catch.hpp>

#include <vector>

#include "summary/summary_interval.hpp"
#include "summary_fixtures.hpp"
#include "support/time_zone.hpp"

using namespace flowquery;
using flowkeep_test::ScopedTimeZone;
using summary_test::csv;
using summary_test::Flow;
using summary_test::ip;

namespace {

const std::int64_t prague_spring_midnight = 1774738800;  // 2026-03-29T00:00+01:00
const std::int64_t prague_spring_next = 1774821600;      // 2026-03-30T00:00+02:00
const std::int64_t prague_autumn_midnight = 1792879200;  // 2026-10-25T00:00+02:00
const std::int64_t prague_autumn_next = 1792969200;      // 2026-10-26T00:00+01:00

// One 100-octet tcp flow to port 80 every `step` seconds in [from, to).
std::vector<flowfile::Record> flows_every(std::int64_t step, std::int64_t from, std::int64_t to) {
    std::vector<flowfile::Record> flows;
    for (std::int64_t t = from; t < to; t += step)
        flows.push_back(Flow().start(t).src(ip(10, 0, 0, 1), 40000).dst(ip(10, 0, 0, 2), 80));
    return flows;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::size_t begin = 0;
    while (begin < text.size()) {
        const std::size_t end = text.find('\n', begin);
        out.push_back(text.substr(begin, end - begin));
        begin = end + 1;
    }
    return out;
}

std::string interval_csv(std::string_view by, std::string_view interval,
                         const std::vector<flowfile::Record>& flows, std::size_t top = 0,
                         TimeZoneStyle zone = TimeZoneStyle::local) {
    const ServiceNames names = summary_test::test_names();
    SummarySpec spec = parse_summary_spec(by, interval, "", top);
    spec.zone = zone;
    Summary summary(spec, names, nullptr);
    summary.add(flows);
    return csv(summary, zone);
}

}  // namespace

TEST_CASE("the spring-forward day in Prague has 23 hourly periods with 02:00 missing") {
    ScopedTimeZone zone("Europe/Prague");
    const auto rows = lines(
        interval_csv("", "1h", flows_every(1800, prague_spring_midnight, prague_spring_next)));
    REQUIRE(rows.size() == 1 + 23);
    CHECK(rows[0] == "interval,flows,packets,octets");
    CHECK(rows[1] == "2026-03-29T00:00:00+01:00,2,2,200");
    CHECK(rows[2] == "2026-03-29T01:00:00+01:00,2,2,200");
    CHECK(rows[3] == "2026-03-29T03:00:00+02:00,2,2,200");
    CHECK(rows[23] == "2026-03-29T23:00:00+02:00,2,2,200");
}

TEST_CASE("a daily period starts at local midnight and lasts 23 hours on the spring-forward day") {
    ScopedTimeZone zone("Europe/Prague");
    // One flow a minute from 12:00 local on the 28th to 12:00 local on the 30th.
    const auto flows =
        flows_every(60, prague_spring_midnight - 12 * 3600, prague_spring_next + 11 * 3600);
    CHECK(interval_csv("", "1d", flows) ==
          "interval,flows,packets,octets\n"
          "2026-03-28T00:00:00+01:00,720,720,72000\n"
          "2026-03-29T00:00:00+01:00,1380,1380,138000\n"
          "2026-03-30T00:00:00+02:00,660,660,66000\n");
}

TEST_CASE(
    "the fall-back day has 25 hourly periods with 02:00 once in summer and once in winter time") {
    ScopedTimeZone zone("Europe/Prague");
    const auto rows = lines(
        interval_csv("", "1h", flows_every(1200, prague_autumn_midnight, prague_autumn_next)));
    REQUIRE(rows.size() == 1 + 25);
    CHECK(rows[1] == "2026-10-25T00:00:00+02:00,3,3,300");
    CHECK(rows[3] == "2026-10-25T02:00:00+02:00,3,3,300");
    CHECK(rows[4] == "2026-10-25T02:00:00+01:00,3,3,300");
    CHECK(rows[5] == "2026-10-25T03:00:00+01:00,3,3,300");
    CHECK(rows[25] == "2026-10-25T23:00:00+01:00,3,3,300");
    CHECK(interval_csv("", "1d", flows_every(1200, prague_autumn_midnight, prague_autumn_next)) ==
          "interval,flows,packets,octets\n2026-10-25T00:00:00+02:00,75,75,7500\n");
}

TEST_CASE("a period whose first wall time was skipped starts at the change") {
    ScopedTimeZone zone("Europe/Prague");
    // 2h periods: 00:00-02:00 CET, then 02:00 does not exist, so 03:00 CEST.
    IntervalBuckets buckets(7200, TimeZoneStyle::local);
    const std::int64_t change = prague_spring_midnight + 2 * 3600;  // 03:00+02:00
    CHECK(buckets.start_of(prague_spring_midnight + 5400) == prague_spring_midnight);
    CHECK(buckets.start_of(change - 1) == prague_spring_midnight);
    CHECK(buckets.start_of(change) == change);
    CHECK(buckets.start_of(change + 1800) == change);
    CHECK(buckets.start_of(change + 3600) == change + 3600);  // 04:00+02:00
}

TEST_CASE("hourly periods follow the local clock in a half-hour zone") {
    ScopedTimeZone zone("Asia/Kolkata");
    const std::int64_t evening_utc = 1773518400;  // 2026-03-14T20:00Z = 01:30+05:30
    const std::vector<flowfile::Record> flows{Flow().start(evening_utc),
                                              Flow().start(evening_utc + 1799),
                                              Flow().start(evening_utc + 1800)};
    CHECK(interval_csv("", "1h", flows) ==
          "interval,flows,packets,octets\n"
          "2026-03-15T01:00:00+05:30,2,2,200\n"
          "2026-03-15T02:00:00+05:30,1,1,100\n");
    CHECK(interval_csv("", "1h", flows, 0, TimeZoneStyle::utc) ==
          "interval,flows,packets,octets\n"
          "2026-03-14T20:00:00Z,3,3,300\n");
}

TEST_CASE("weekly periods start on Monday") {
    ScopedTimeZone zone("Europe/Prague");
    const std::int64_t saturday = 1773518400;  // 2026-03-14T21:00+01:00
    const std::vector<flowfile::Record> flows{Flow().start(saturday),
                                              Flow().start(saturday + 2 * 86400)};
    CHECK(interval_csv("", "1w", flows) ==
          "interval,flows,packets,octets\n"
          "2026-03-09T00:00:00+01:00,1,1,100\n"
          "2026-03-16T00:00:00+01:00,1,1,100\n");
}

TEST_CASE("rows are grouped by period and top N applies within each period") {
    // Periods of UTC, whatever TZ says.
    ScopedTimeZone zone("Europe/Prague");
    const std::int64_t hour = 1773518400;  // 2026-03-14T20:00Z
    std::vector<flowfile::Record> flows{
        Flow().start(hour + 10).dst(ip(10, 0, 0, 2), 25).size(1, 100),
        Flow().start(hour + 20).dst(ip(10, 0, 0, 2), 80).size(1, 500),
        Flow().start(hour + 30).dst(ip(10, 0, 0, 2), 443).size(1, 300),
        Flow().start(hour + 3600).dst(ip(10, 0, 0, 2), 25).size(1, 900),
        Flow().start(hour + 3700).dst(ip(10, 0, 0, 2), 443).size(1, 50),
    };
    CHECK(interval_csv("dst-port", "1h", flows, 2, TimeZoneStyle::utc) ==
          "interval,dst_port,flows,packets,octets\n"
          "2026-03-14T20:00:00Z,80,1,1,500\n"
          "2026-03-14T20:00:00Z,443,1,1,300\n"
          "2026-03-14T21:00:00Z,25,1,1,900\n"
          "2026-03-14T21:00:00Z,443,1,1,50\n");
    // Placed after another key, the interval is still the grouping.
    CHECK(interval_csv("dst-port,interval", "1h", flows, 1, TimeZoneStyle::utc) ==
          "dst_port,interval,flows,packets,octets\n"
          "80,2026-03-14T20:00:00Z,1,1,500\n"
          "25,2026-03-14T21:00:00Z,1,1,900\n");
}

TEST_CASE("periods are printed in UTC or local time as asked") {
    ScopedTimeZone zone("Europe/Prague");
    const ServiceNames names = summary_test::test_names();
    Summary summary(parse_summary_spec("", "1d", "", 0), names, nullptr);
    const std::vector<flowfile::Record> flows{Flow().start(prague_spring_midnight + 60)};
    summary.add(flows);
    CHECK(csv(summary, TimeZoneStyle::local) ==
          "interval,flows,packets,octets\n2026-03-29T00:00:00+01:00,1,1,100\n");
    CHECK(csv(summary, TimeZoneStyle::utc) ==
          "interval,flows,packets,octets\n2026-03-28T23:00:00Z,1,1,100\n");
}
