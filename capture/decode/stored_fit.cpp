#include "stored_fit.hpp"

#include <algorithm>
#include <limits>

#include "flow_times.hpp"

namespace capture {

namespace {

constexpr std::uint64_t max32 = std::numeric_limits<std::uint32_t>::max();

std::uint16_t fit_ifindex(std::uint32_t v, bool& clamped) {
    if (v <= 0xffff) return static_cast<std::uint16_t>(v);
    clamped = true;
    return 0xffff;
}

std::uint16_t fit_as(std::uint32_t v, bool& trans) {
    if (v <= 0xffff) return static_cast<std::uint16_t>(v);
    trans = true;
    return as_trans_number;
}

}  // namespace

FitCounters& FitCounters::operator+=(const FitCounters& o) {
    unplaceable_time += o.unplaceable_time;
    no_address += o.no_address;
    oversized += o.oversized;
    ipv6_flows += o.ipv6_flows;
    untimed += o.untimed;
    split_flows += o.split_flows;
    extra_records += o.extra_records;
    ifindex_clamped += o.ifindex_clamped;
    as_trans += o.as_trans;
    return *this;
}

FlowEngine engine_of(const ExportedFlow& flow, const ExportContext& c) {
    FlowEngine e;
    if (c.engine_from_domain) {
        e.type = static_cast<std::uint8_t>(c.domain >> 8);
        e.id = static_cast<std::uint8_t>(c.domain);
    }
    if (flow.has_engine_type) e.type = flow.engine_type;
    if (flow.has_engine_id) e.id = flow.engine_id;
    return e;
}

std::uint16_t stored_dstport(const ExportedFlow& flow) {
    return flow.dstport == 0 && flow.has_icmp_type_code ? flow.icmp_type_code : flow.dstport;
}

std::size_t fit_to_stored(const ExportedFlow& flow, const ExportContext& c,
                          std::vector<flowfile::Record>& out, FitCounters& counters,
                          std::size_t budget) {
    if (flow.ip_version != 4) {
        ++counters.no_address;
        return 0;
    }
    const std::optional<FlowSpan> span = place_flow_times(flow, c, counters);
    if (!span) return 0;

    // sysUpTime S for this record so that First = S - (export - start) and
    // Last = S - (export - end) are both 32-bit: the exporter's own uptime
    // when it fits (v9: the values stay as the router sent them), else the
    // smallest that does.
    const std::int64_t export_ms = std::int64_t{c.unix_secs} * 1000;
    const std::int64_t before_start = export_ms - span->start_ms;
    const std::int64_t before_end = export_ms - span->end_ms;
    const auto fits = [&](std::int64_t s) {
        return s >= 0 && s <= static_cast<std::int64_t>(max32) && s - before_start >= 0 &&
               s - before_start <= static_cast<std::int64_t>(max32) && s - before_end >= 0 &&
               s - before_end <= static_cast<std::int64_t>(max32);
    };
    std::int64_t uptime = std::int64_t{c.sysuptime};
    if (!c.has_sysuptime || !fits(uptime))
        uptime = std::max<std::int64_t>({0, before_start, before_end});
    if (!fits(uptime)) {
        ++counters.unplaceable_time;
        return 0;
    }

    flowfile::Record r;
    r.unix_secs = c.unix_secs;
    r.sysuptime = static_cast<std::uint32_t>(uptime);
    r.exaddr = c.exporter;
    r.first = static_cast<std::uint32_t>(uptime - before_start);
    r.last = static_cast<std::uint32_t>(uptime - before_end);
    r.srcaddr = flow.src4;
    r.dstaddr = flow.dst4;
    r.nexthop = flow.nexthop4;
    bool clamped = false;
    r.input = fit_ifindex(flow.input, clamped);
    r.output = fit_ifindex(flow.output, clamped);
    if (clamped) ++counters.ifindex_clamped;
    r.srcport = flow.srcport;
    r.dstport = stored_dstport(flow);
    r.prot = flow.prot;
    r.tos = flow.tos;
    r.tcp_flags = flow.tcp_flags;
    if (c.stored_version != 1) {
        const FlowEngine engine = engine_of(flow, c);
        r.engine_type = engine.type;
        r.engine_id = engine.id;
        r.src_mask = flow.src_mask;
        r.dst_mask = flow.dst_mask;
        bool trans = false;
        r.src_as = fit_as(flow.src_as, trans);
        r.dst_as = fit_as(flow.dst_as, trans);
        if (trans) ++counters.as_trans;
    }

    // 64-bit counters: as many records as the larger count needs, the same
    // flow otherwise, the counts spread so that they sum exactly.
    // Rounded up without `n + max32 - 1`, which wraps for an 8-byte counter
    // near 2^64 and would store a huge count as one small record.
    const auto records_for = [](std::uint64_t n) { return n / max32 + (n % max32 != 0); };
    const std::uint64_t parts =
        flow.packets <= max32 && flow.octets <= max32
            ? 1
            : std::max<std::uint64_t>({1, records_for(flow.packets), records_for(flow.octets)});
    if (parts > max_split_records || parts > budget) {
        ++counters.oversized;
        return 0;
    }
    if (parts > 1) {
        ++counters.split_flows;
        counters.extra_records += parts - 1;
    }
    if (parts == 1) {
        r.dpkts = static_cast<std::uint32_t>(flow.packets);
        r.doctets = static_cast<std::uint32_t>(flow.octets);
        out.push_back(r);
        return 1;
    }
    for (std::uint64_t i = 0; i < parts; ++i) {
        r.dpkts =
            static_cast<std::uint32_t>(flow.packets / parts + (i < flow.packets % parts ? 1 : 0));
        r.doctets =
            static_cast<std::uint32_t>(flow.octets / parts + (i < flow.octets % parts ? 1 : 0));
        out.push_back(r);
    }
    return static_cast<std::size_t>(parts);
}

}  // namespace capture
