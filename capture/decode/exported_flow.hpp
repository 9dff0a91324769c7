#pragma once

// One NetFlow v9 or IPFIX data record as its exporter described it, before it
// is fitted into a flow-tools record: full-width counters, ifIndex and AS
// numbers, either IP version, and its times in whatever form the template
// chose.  Keeping this step apart means the rules for what does not fit a v5
// record live in one place (stored_fit.hpp), whatever the wire format.

#include <array>
#include <cstdint>

namespace capture {

// How a record gave its start or end time.
enum class FlowClock : std::uint8_t {
    none,
    uptime_ms,     // ms of the exporter's sysUpTime (v9 21/22, IPFIX 21/22)
    absolute_ms,   // ms since 1970 UTC (IPFIX 150-157, converted)
    before_export  // µs before the export time (IPFIX 158/159)
};

struct FlowInstant {
    FlowClock clock = FlowClock::none;
    std::int64_t value = 0;  // in the clock's unit (ms; µs for before_export)

    friend bool operator==(const FlowInstant&, const FlowInstant&) = default;
};

struct ExportedFlow {
    std::uint8_t ip_version = 0;  // 4 or 6 from the addresses present; 0: neither
    std::uint32_t src4 = 0, dst4 = 0, nexthop4 = 0;  // host order
    std::array<std::uint8_t, 16> src6{}, dst6{}, nexthop6{};

    std::uint64_t packets = 0;
    std::uint64_t octets = 0;
    // A delta count was read: totals (85/86) then only stand in for a
    // missing one, whatever the field order and even when the delta is 0.
    bool has_packet_delta = false, has_octet_delta = false;
    std::uint32_t input = 0, output = 0;  // ifIndex
    std::uint16_t srcport = 0, dstport = 0;
    std::uint16_t icmp_type_code = 0;  // type * 256 + code
    bool has_icmp_type_code = false;
    std::uint8_t prot = 0, tos = 0, tcp_flags = 0;
    std::uint8_t src_mask = 0, dst_mask = 0;
    std::uint32_t flow_label = 0;  // IPv6 (IPFIX 31), as sent
    std::uint32_t src_as = 0, dst_as = 0;
    std::uint8_t engine_type = 0, engine_id = 0;
    bool has_engine_type = false, has_engine_id = false;

    FlowInstant start, end;
    std::int64_t duration_ms = -1;  // IPFIX 161/162; -1: not given
    // IPFIX 160: when the exporter's sysUpTime was 0, ms since 1970.
    std::int64_t system_init_ms = -1;

    friend bool operator==(const ExportedFlow&, const ExportedFlow&) = default;
};

}  // namespace capture
