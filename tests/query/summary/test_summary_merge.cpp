// Two workers' summaries merged give the single-pass answer, whatever
// records each worker saw and in which order they are merged.
#include <catch2/catch.hpp>

#include <random>
#include <stdexcept>
#include <vector>

#include "clients/client_map.hpp"
#include "summary_fixtures.hpp"
#include "support/time_zone.hpp"

using namespace flowquery;
using flowkeep_test::ScopedTimeZone;
using summary_test::Flow;
using summary_test::ip;

namespace {

// Few distinct values, so that many rows tie on every metric.
std::vector<flowfile::Record> random_flows(std::size_t count) {
    std::mt19937 random(20260314);
    auto pick = [&](unsigned n) { return static_cast<unsigned>(random() % n); };
    const std::uint8_t protocols[] = {1, 6, 6, 17, 47, 132};
    const std::uint16_t ports[] = {22, 25, 53, 80, 443, 8443, 40000, 50000};
    std::vector<flowfile::Record> flows;
    for (std::size_t i = 0; i < count; ++i) {
        flows.push_back(Flow()
                            .proto(protocols[pick(6)])
                            .src(ip(10, 0, 0, 1 + pick(6)), ports[pick(8)])
                            .dst(ip(10, 0, 0, 1 + pick(6)), ports[pick(8)])
                            .exporter(ip(198, 51, 100, 1 + pick(2)))
                            .size(1 + pick(3), 100 * (1 + pick(3)))
                            .start(1774738800 + pick(3 * 86400)));
    }
    return flows;
}

const char* const clients_text =
    "10.0.0.1,zeta\n10.0.0.2,alpha\n10.0.0.3,mid,,2026-03-30,\n10.0.0.4,alpha\n";

std::string all_formats(const Summary& s) {
    return summary_test::write(s, SummaryFormat::table, TimeZoneStyle::local) +
           summary_test::write(s, SummaryFormat::csv, TimeZoneStyle::local) +
           summary_test::write(s, SummaryFormat::json, TimeZoneStyle::local);
}

}  // namespace

TEST_CASE("merging two workers' summaries equals one pass in either merge order") {
    ScopedTimeZone zone("Europe/Prague");
    const ServiceNames names = summary_test::test_names();
    const ClientMap clients = ClientMap::parse(clients_text, "clients.csv");
    const auto flows = random_flows(5000);
    const std::span<const flowfile::Record> all(flows);

    const char* const keys[] = {"protocol",       "service,exporter",        "ip,port",
                                "account,src-ip", "dst-ip,account,interval", "port,interval"};
    for (const char* by : keys) {
        for (const char* sort : {"flows", "packets", "octets"}) {
            for (std::size_t top : {std::size_t{0}, std::size_t{3}}) {
                CAPTURE(by, sort, top);
                const SummarySpec spec = parse_summary_spec(
                    by, std::string_view(by).find("interval") != std::string_view::npos ? "6h" : "",
                    sort, top);
                Summary single(spec, names, &clients);
                single.add(all);
                const std::string expected = all_formats(single);

                // Worker 1 sees the second half first, worker 2 every other batch.
                Summary first(spec, names, &clients);
                Summary second(spec, names, &clients);
                for (std::size_t begin = 0; begin < flows.size(); begin += 250) {
                    Summary& worker = (begin / 250) % 2 == 0 ? second : first;
                    worker.add(all.subspan(flows.size() - begin - 250, 250));
                }
                Summary first_copy(spec, names, &clients);
                Summary second_copy(spec, names, &clients);
                for (std::size_t begin = 0; begin < flows.size(); begin += 250) {
                    Summary& worker = (begin / 250) % 2 == 0 ? second_copy : first_copy;
                    worker.add(all.subspan(flows.size() - begin - 250, 250));
                }
                first.merge(std::move(second));
                CHECK(all_formats(first) == expected);
                second_copy.merge(std::move(first_copy));
                CHECK(all_formats(second_copy) == expected);
            }
        }
    }
}

TEST_CASE("accounts tie-break by name and not by the order they were first seen") {
    const ServiceNames names = summary_test::test_names();
    const ClientMap clients = ClientMap::parse(clients_text, "clients.csv");
    const SummarySpec spec = parse_summary_spec("account", "", "flows", 0);
    const std::vector<flowfile::Record> flows{Flow().src(ip(10, 0, 0, 1)).start(1774738800),
                                              Flow().src(ip(10, 0, 0, 2)).start(1774738800),
                                              Flow().src(ip(10, 0, 0, 9)).start(1774738800)};
    Summary summary(spec, names, &clients);
    summary.add(flows);
    CHECK(summary_test::csv(summary) ==
          "account,flows,packets,octets\n"
          "(unknown),1,1,100\n"
          "alpha,1,1,100\n"
          "zeta,1,1,100\n");
}

TEST_CASE("summaries of different keys are not merged") {
    const ServiceNames names = summary_test::test_names();
    Summary ports(parse_summary_spec("port", "", "", 0), names, nullptr);
    Summary hosts(parse_summary_spec("ip", "", "", 0), names, nullptr);
    CHECK_THROWS_AS(ports.merge(std::move(hosts)), std::invalid_argument);
}
