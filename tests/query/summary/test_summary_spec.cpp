#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "summary/summary_spec.hpp"
#include "tools/usage_error.hpp"

using namespace flowquery;

namespace {

std::string error_of(std::string_view by, std::string_view interval = "",
                     std::string_view sort = "octets") {
    try {
        parse_summary_spec(by, interval, sort, 0);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("by takes a comma list of keys in the given order") {
    const SummarySpec spec = parse_summary_spec(
        "proto, service,src-port,dst_port,port,src-ip,dst-ip,ip,exporter,account", "", "", 0);
    CHECK(spec.by == std::vector<SummaryKey>{SummaryKey::protocol, SummaryKey::service,
                                             SummaryKey::src_port, SummaryKey::dst_port,
                                             SummaryKey::port, SummaryKey::src_ip,
                                             SummaryKey::dst_ip, SummaryKey::ip,
                                             SummaryKey::exporter, SummaryKey::account});
    CHECK(spec.interval_seconds == 0);
    CHECK(spec.sort == SummaryMetric::octets);
    CHECK(spec.top == 0);
}

TEST_CASE("no --by means totals only") {
    CHECK(parse_summary_spec("", "", "", 0).by.empty());
}

TEST_CASE("interval alone adds the interval as the first key") {
    const SummarySpec hourly = parse_summary_spec("dst-port", "1h", "bytes", 10);
    CHECK(hourly.by == std::vector<SummaryKey>{SummaryKey::interval, SummaryKey::dst_port});
    CHECK(hourly.interval_seconds == 3600);
    CHECK(hourly.sort == SummaryMetric::octets);
    CHECK(hourly.top == 10);

    const SummarySpec placed = parse_summary_spec("protocol,interval", "1d", "flows", 0);
    CHECK(placed.by == std::vector<SummaryKey>{SummaryKey::protocol, SummaryKey::interval});
    CHECK(placed.interval_seconds == 86400);
    CHECK(placed.sort == SummaryMetric::flows);
    CHECK(parse_summary_spec("", "", "packets", 0).sort == SummaryMetric::packets);
}

TEST_CASE("bad by or interval or sort values are one-line errors naming them") {
    CHECK(error_of("protocol,dport") ==
          "--by: unknown key 'dport' (expected protocol, service, src-port, dst-port, port, "
          "src-ip, dst-ip, ip, exporter, account, connection, interval)");
    CHECK(error_of("port,,ip").find("--by: empty key in 'port,,ip'") == 0);
    CHECK(error_of("ip,").find("--by: empty key in 'ip,'") == 0);
    CHECK(error_of("port,proto,PORT") == "--by: key 'PORT' given twice in 'port,proto,PORT'");
    CHECK(error_of("interval") == "--by interval needs --interval DURATION (e.g. 1h or 1d)");
    CHECK(error_of("", "1x").find("--interval: bad duration '1x'") == 0);
    CHECK(error_of("", "0").find("--interval: bad duration '0'") == 0);
    CHECK(error_of("", "", "bits") ==
          "--sort: unknown metric 'bits' (expected flows, packets, octets or bytes)");
}
