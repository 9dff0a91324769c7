#include "ipv6_image.hpp"

namespace flowkeep_bench {

flowfile::Record6 ipv6_image(const flowfile::Record& r,
                             flowfile::Ipv6Address (*address)(std::uint32_t)) {
    flowfile::Record6 s;
    s.srcaddr = address(r.srcaddr);
    s.dstaddr = address(r.dstaddr);
    s.nexthop = address(r.nexthop);
    s.exaddr = flowfile::ipv4_mapped(r.exaddr);
    s.dpkts = r.dpkts;
    s.doctets = r.doctets;
    const flowfile::FlowTimes t = flowfile::flow_times(r);
    s.start_ms = t.start_ms;
    s.end_ms = t.end_ms;
    s.input = r.input;
    s.output = r.output;
    s.src_as = r.src_as;
    s.dst_as = r.dst_as;
    s.srcport = r.srcport;
    s.dstport = r.dstport;
    s.prot = r.prot;
    s.traffic_class = r.tos;
    s.tcp_flags = r.tcp_flags;
    s.src_mask = static_cast<std::uint8_t>(r.src_mask ? r.src_mask + 32 : 0);
    s.dst_mask = static_cast<std::uint8_t>(r.dst_mask ? r.dst_mask + 32 : 0);
    s.engine_type = r.engine_type;
    s.engine_id = r.engine_id;
    return s;
}

}  // namespace flowkeep_bench
