#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "filter/address_set.hpp"
#include "filter/port_set.hpp"
#include "filter/protocol_set.hpp"
#include "flowfile/archive.hpp"
#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"

namespace flowquery {

// --from/--to to the millisecond, as the tools print times: [from_ms, to_ms).
struct FlowWindow {
    std::int64_t from_ms = 0;
    std::int64_t to_ms = 0;
};

// The filter options of a query, parsed.  An absent criterion accepts every
// flow.
struct FilterSpec {
    std::optional<AddressSet> ip, src_ip, dst_ip, exporter;  // ip: source OR destination
    std::optional<PortSet> port, src_port, dst_port;         // port: source OR destination
    std::optional<ProtocolSet> protocol;
    std::optional<FlowWindow> window;
};

// A FilterSpec compiled into the short list of tests it really needs.
//
// Semantics:
//   * every given criterion must hold (AND); inside one criterion the list
//     is an OR ("--ip 10.0.0.1,10.0.0.2" matches either address);
//   * --ip and --port match when the source OR the destination does;
//   * an address list may mix the families; an IPv4 flow matches its IPv4
//     items and an IPv6 flow its IPv6 items, so "--ip 0.0.0.0/0" selects
//     every IPv4 flow and no IPv6 one.  --exporter also matches an IPv6
//     flow whose exporter is the IPv4 address (IPv4-mapped in the record);
//   * port criteria only match TCP (6), UDP (17) and SCTP (132) flows: other
//     protocols carry something else in the port fields (ICMP and ICMPv6,
//     58, their type and code), and "port 771" must not select ICMP
//     port-unreachable messages;
//   * the time window keeps the flows that overlap it:
//       start_ms < to_ms && end_ms >= from_ms
//     with start and end from flowfile::flow_times for an IPv4 record and
//     Record6's own start_ms/end_ms, so a flow that ends exactly at `from`
//     is kept and one that starts exactly at `to` is not.
//
// Copies share the (immutable) sets, so a filter may be copied into each
// worker's selector and used from several threads at once.
class FlowFilter {
  public:
    explicit FlowFilter(FilterSpec spec);

    bool matches(const flowfile::Record& r) const;

    bool matches(const flowfile::Record6& r) const;

    // Appends the matching records of `in` to `out`.
    void select(std::span<const flowfile::Record> in, std::vector<flowfile::Record>& out) const;
    void select(std::span<const flowfile::Record6> in, std::vector<flowfile::Record6>& out) const;

    // True when no criterion narrows anything (none given, or only ones like
    // "0.0.0.0/0,::/0"): callers may skip filtering altogether.
    bool accepts_everything() const;

    // False when no flow of that family can match: some address filter
    // (--ip, --src-ip, --dst-ip) names only addresses of the other family,
    // so a scan may skip that family's files.  --exporter does not count:
    // an IPv4 exporter also sends IPv6 flows.
    bool accepts_ipv4() const { return accepts_ipv4_; }
    bool accepts_ipv6() const { return accepts_ipv6_; }

    ~FlowFilter();
    FlowFilter(const FlowFilter&);
    FlowFilter(FlowFilter&&) noexcept;
    FlowFilter& operator=(const FlowFilter&);
    FlowFilter& operator=(FlowFilter&&) noexcept;

    // One compiled criterion; opaque, defined in flow_filter.cpp.
    struct Test;

  private:
    // Most selective first: the later tests only see what the earlier kept.
    // One list per family: a criterion may narrow one family and not the
    // other (0.0.0.0/0 holds every IPv4 address and no IPv6 one).
    std::vector<Test> tests_;
    std::vector<Test> tests6_;
    bool accepts_ipv4_ = true;
    bool accepts_ipv6_ = true;
};

}  // namespace flowquery
