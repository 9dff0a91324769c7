#pragma once

// Fitting a NetFlow v9 / IPFIX flow into the flow-tools record of the files'
// version (flow-capture(8), "NetFlow v9 and IPFIX"): nothing that does not
// fit is cut silently.  A counter over 2^32-1 becomes several records whose
// sums are exact; an ifIndex over 65535 is stored as 65535 and a 4-byte AS
// number as AS_TRANS (23456, RFC 6793), each counted; times of any clock
// become First/Last/sysUpTime/unix_secs that give flow-tools' reader the same
// absolute milliseconds.  IPv6 flows go to the IPv6 series instead
// (stored_fit6.hpp).

#include <cstdint>
#include <vector>

#include "exported_flow.hpp"
#include "flowfile/ipv6_text.hpp"
#include "flowfile/record.hpp"

namespace capture {

// What the export packet says about every flow in it.
struct ExportContext {
    std::uint32_t unix_secs = 0;  // export time (header)
    bool has_sysuptime = false;   // v9: the header gives the exporter's uptime
    std::uint32_t sysuptime = 0;
    std::uint32_t exporter = 0;  // exaddr, host order; 0 for an IPv6 exporter
    // The exporter's address in IPv6 records: IPv4-mapped for an IPv4
    // exporter.
    flowfile::Ipv6Address exporter_address{};
    std::uint32_t domain = 0;  // v9 source ID, IPFIX observation domain
    // v9 only: Cisco puts engine type and ID in the source ID's low two
    // bytes; an IPFIX domain is just a number (nfdump reads both this way).
    bool engine_from_domain = false;
    std::uint16_t stored_version = 5;
};

// Flows counted by what happened to them: the first three are not stored,
// the others are, as the comments say.
struct FitCounters {
    // Start or end too far from the export time for a 32-bit sysUpTime (49
    // days), or relative to an uptime whose origin the exporter never sent.
    std::uint64_t unplaceable_time = 0;
    std::uint64_t no_address = 0;  // neither IPv4 nor IPv6 addresses: not a flow
    // Counters needing more records than max_split_records (over 2^42
    // octets or packets: 4 TiB in one flow record), or more than are left of
    // a datagram's record budget: a hostile exporter must not turn one
    // datagram into millions of records.
    std::uint64_t oversized = 0;
    std::uint64_t ipv6_flows = 0;     // stored as IPv6 records (stored_fit6.hpp)
    std::uint64_t untimed = 0;        // no time field at all: stored at the export time
    std::uint64_t split_flows = 0;    // stored as several records (64-bit counters)
    std::uint64_t extra_records = 0;  // the records the splits added
    std::uint64_t ifindex_clamped = 0;
    std::uint64_t as_trans = 0;

    FitCounters& operator+=(const FitCounters& o);
};

inline constexpr std::uint16_t as_trans_number = 23456;
inline constexpr std::uint64_t max_split_records = 1024;
// Stored records one datagram may become; a 1500-byte datagram of real
// flows stays far below it even with elephants among them.
inline constexpr std::size_t max_records_per_datagram = 4096;

// What the records of both series take from a flow alike.
struct FlowEngine {
    std::uint8_t type = 0;
    std::uint8_t id = 0;
};
// The record's own engine fields, each on its own, else (v9) the source
// ID's low two bytes.
FlowEngine engine_of(const ExportedFlow& flow, const ExportContext& context);
// The destination port, or an ICMP flow's type and code where flow-tools
// keeps them.
std::uint16_t stored_dstport(const ExportedFlow& flow);

// Appends the record(s) an IPv4 flow becomes, at most `budget`; returns how
// many (0 when not stored).  An IPv6 flow is fit_to_stored6's.
std::size_t fit_to_stored(const ExportedFlow& flow, const ExportContext& context,
                          std::vector<flowfile::Record>& out, FitCounters& counters,
                          std::size_t budget = max_split_records);

}  // namespace capture
