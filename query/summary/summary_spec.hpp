#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "summary/service_port.hpp"
#include "time/time_text.hpp"

namespace flowquery {

// What flow-stat --by can group by.  `port` and `ip` mean "either side".
enum class SummaryKey {
    protocol,
    service,
    src_port,
    dst_port,
    port,
    src_ip,
    dst_ip,
    ip,
    exporter,
    account,
    connection,
    interval,
};

enum class SummaryMetric { flows, packets, octets };

enum class SummaryFormat { table, csv, json };

struct SummarySpec {
    std::vector<SummaryKey> by;         // empty: totals only; no key twice
    std::int64_t interval_seconds = 0;  // > 0 iff `interval` is in `by`
    SummaryMetric sort = SummaryMetric::octets;
    std::size_t top = 0;  // 0: all rows
    // How interval periods are aligned: to the local clock (TZ) or to UTC.
    // Set it to the tool's --utc choice; write() only prints in a zone.
    TimeZoneStyle zone = TimeZoneStyle::local;
    // Which port a `service` row names.  Set it from the tool's port filters.
    ServicePortRule service_ports;
};

// by: a comma list of protocol (or proto), service, src-port, dst-port, port,
// src-ip, dst-ip, ip, exporter, account, connection, interval ('_' may
// replace '-').
// interval: "" or a duration ("1h", "1d", see parse_duration); given without
// `interval` in `by`, interval becomes the first key.
// sort: flows, packets, octets or bytes (= octets); "" means octets.
// Throws UsageError naming the option and the bad word (listing the accepted
// ones), a key given twice, or `interval` in --by without --interval.
SummarySpec parse_summary_spec(std::string_view by, std::string_view interval,
                               std::string_view sort, std::size_t top);

// --top N: a whole number of rows, at least 1.  Throws UsageError naming
// --top and the text otherwise ("0", "-3", "ten").
std::size_t parse_top(std::string_view text);

// The column name of a key in every output format ("src_port").
std::string_view summary_key_name(SummaryKey key);

}  // namespace flowquery
