#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace flowfile {

// The one in-memory flow record.  It carries every field a stored v5 record
// has, plus the few extra fields of v6, v7 and v1005 files, so that any
// supported file round-trips.  Readers of versions that lack a field leave it
// zero.  Addresses are IPv4 in host order (10.0.0.1 == 0x0a000001).
struct Record {
    // Export header of the PDU this flow came in (filled in by the collector).
    std::uint32_t unix_secs = 0;   // export time, seconds since 1970 UTC
    std::uint32_t unix_nsecs = 0;  // residual nanoseconds of the export time
    std::uint32_t sysuptime = 0;   // exporter uptime (ms) at export time
    std::uint32_t exaddr = 0;      // UDP source address of the exporter

    std::uint32_t srcaddr = 0;
    std::uint32_t dstaddr = 0;
    std::uint32_t nexthop = 0;
    std::uint16_t input = 0;   // ifIndex
    std::uint16_t output = 0;  // ifIndex
    std::uint32_t dpkts = 0;
    std::uint32_t doctets = 0;
    std::uint32_t first = 0;  // sysUpTime (ms) at the first packet
    std::uint32_t last = 0;   // sysUpTime (ms) at the last packet
    std::uint16_t srcport = 0;
    std::uint16_t dstport = 0;
    std::uint8_t prot = 0;
    std::uint8_t tos = 0;
    std::uint8_t tcp_flags = 0;
    std::uint8_t pad = 0;  // byte 55: padding in v1/v5, "flags" in v7 files
    std::uint8_t engine_type = 0;
    std::uint8_t engine_id = 0;
    std::uint8_t src_mask = 0;
    std::uint8_t dst_mask = 0;
    std::uint16_t src_as = 0;
    std::uint16_t dst_as = 0;

    // v6 only
    std::uint8_t in_encaps = 0;
    std::uint8_t out_encaps = 0;
    std::uint32_t peer_nexthop = 0;
    // v7 only
    std::uint32_t router_sc = 0;
    // v1005 ("tagged v5") only
    std::uint32_t src_tag = 0;
    std::uint32_t dst_tag = 0;

    friend bool operator==(const Record&, const Record&) = default;
};

// Absolute wall-clock times of a flow, in milliseconds since 1970 UTC.
struct FlowTimes {
    std::int64_t start_ms = 0;
    std::int64_t end_ms = 0;
};

// The only place where First/Last are turned into wall-clock time, the way
// the original tools do it (file-format.md §6.8): relative to the export time
// of the PDU, with no correction for a sysUpTime wrap.
FlowTimes flow_times(const Record& r);

// Duration in ms, in unsigned 32-bit arithmetic like the original.
inline std::uint32_t flow_duration_ms(const Record& r) {
    return r.last - r.first;
}

// Export versions (TLV 2) whose records this library reads and writes.
// v8 (router aggregation) files are recognised but not supported.
enum class ExportVersion : std::uint16_t {
    v1 = 1,
    v5 = 5,
    v6 = 6,
    v7 = 7,
    v1005 = 1005,
};

// Size in bytes of one stored record, or nullopt for an unsupported version.
std::optional<std::size_t> record_size(std::uint16_t export_version);

// True for the export versions in ExportVersion.
bool is_supported_export_version(std::uint16_t export_version);

}  // namespace flowfile
