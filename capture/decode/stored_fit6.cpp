#include "stored_fit6.hpp"

#include <optional>

#include "flow_times.hpp"

namespace capture {

namespace {

// RFC 8200 §6: the flow label is the low 20 bits of its 32-bit element.
constexpr std::uint32_t flow_label_mask = 0xfffff;

}  // namespace

std::size_t fit_to_stored6(const ExportedFlow& flow, const ExportContext& c,
                           std::vector<flowfile::Record6>& out, FitCounters& counters,
                           std::size_t budget) {
    const std::optional<FlowSpan> span = place_flow_times(flow, c, counters);
    if (!span) return 0;
    if (budget == 0) {
        ++counters.oversized;
        return 0;
    }

    flowfile::Record6 r;
    r.srcaddr = flow.src6;
    r.dstaddr = flow.dst6;
    r.nexthop = flow.nexthop6;
    r.exaddr = c.exporter_address;
    r.dpkts = flow.packets;
    r.doctets = flow.octets;
    r.start_ms = span->start_ms;
    r.end_ms = span->end_ms;
    r.input = flow.input;
    r.output = flow.output;
    r.src_as = flow.src_as;
    r.dst_as = flow.dst_as;
    r.flow_label = flow.flow_label & flow_label_mask;
    r.domain = c.domain;
    r.srcport = flow.srcport;
    // As in the v5 records, so that the query tools find an ICMPv6 flow's
    // type and code where they find ICMP's.
    r.dstport = stored_dstport(flow);
    r.prot = flow.prot;
    r.traffic_class = flow.tos;
    r.tcp_flags = flow.tcp_flags;
    r.src_mask = flow.src_mask;
    r.dst_mask = flow.dst_mask;
    const FlowEngine engine = engine_of(flow, c);
    r.engine_type = engine.type;
    r.engine_id = engine.id;
    out.push_back(r);
    ++counters.ipv6_flows;
    return 1;
}

}  // namespace capture
