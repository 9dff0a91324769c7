#include "stored_fit.hpp"

#include <algorithm>
#include <limits>
#include <optional>

namespace capture {

namespace {

constexpr std::uint64_t max32 = std::numeric_limits<std::uint32_t>::max();

// Absolute times further than this from 1970 (about 35 000 years) are no
// flow's: refusing them here keeps every later sum and difference far from
// 64-bit overflow, whatever an 8-byte field held.
constexpr std::int64_t time_limit_ms = std::int64_t{1} << 50;

bool plausible(std::int64_t ms) {
    return ms > -time_limit_ms && ms < time_limit_ms;
}

// Milliseconds since 1970, or nothing when the clock's origin is unknown or
// the time is no flow's.
std::optional<std::int64_t> absolute_ms(const FlowInstant& t, const ExportedFlow& flow,
                                        const ExportContext& c) {
    const std::int64_t export_ms = std::int64_t{c.unix_secs} * 1000;
    switch (t.clock) {
        case FlowClock::absolute_ms:
            if (!plausible(t.value)) return std::nullopt;
            return t.value;
        case FlowClock::before_export:
            return export_ms - t.value / 1000;
        case FlowClock::uptime_ms:
            // v9 and flow-tools alike: boot = export time - sysUpTime, with
            // no wrap correction (file-format.md §6.8).
            if (c.has_sysuptime) return export_ms - std::int64_t{c.sysuptime} + t.value;
            if (flow.system_init_ms >= 0 && plausible(flow.system_init_ms))
                return flow.system_init_ms + t.value;
            return std::nullopt;
        case FlowClock::none:
            break;
    }
    return std::nullopt;
}

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
    ipv6_not_stored += o.ipv6_not_stored;
    unplaceable_time += o.unplaceable_time;
    no_address += o.no_address;
    oversized += o.oversized;
    untimed += o.untimed;
    split_flows += o.split_flows;
    extra_records += o.extra_records;
    ifindex_clamped += o.ifindex_clamped;
    as_trans += o.as_trans;
    return *this;
}

std::size_t fit_to_stored(const ExportedFlow& flow, const ExportContext& c,
                          std::vector<flowfile::Record>& out, FitCounters& counters,
                          std::size_t budget) {
    if (flow.ip_version == 6) {
        ++counters.ipv6_not_stored;
        return 0;
    }
    if (flow.ip_version != 4) {
        ++counters.no_address;
        return 0;
    }

    // Start and end in absolute ms; a missing one comes from the other and
    // the duration, or is the other.
    const std::int64_t export_ms = std::int64_t{c.unix_secs} * 1000;
    std::optional<std::int64_t> start, end;
    if (flow.start.clock != FlowClock::none) {
        start = absolute_ms(flow.start, flow, c);
        if (!start) {
            ++counters.unplaceable_time;
            return 0;
        }
    }
    if (flow.end.clock != FlowClock::none) {
        end = absolute_ms(flow.end, flow, c);
        if (!end) {
            ++counters.unplaceable_time;
            return 0;
        }
    }
    if (flow.duration_ms >= 0) {
        if (start && !end) end = *start + flow.duration_ms;
        if (end && !start) start = *end - flow.duration_ms;
    }
    if (!start && !end) {
        ++counters.untimed;
        start = end = export_ms;
    }
    if (!start) start = end;
    if (!end) end = start;

    // sysUpTime S for this record so that First = S - (export - start) and
    // Last = S - (export - end) are both 32-bit: the exporter's own uptime
    // when it fits (v9: the values stay as the router sent them), else the
    // smallest that does.
    const std::int64_t before_start = export_ms - *start;
    const std::int64_t before_end = export_ms - *end;
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
    // flow-tools keeps an ICMP flow's type and code in the destination port.
    r.dstport = flow.dstport == 0 && flow.has_icmp_type_code ? flow.icmp_type_code : flow.dstport;
    r.prot = flow.prot;
    r.tos = flow.tos;
    r.tcp_flags = flow.tcp_flags;
    if (c.stored_version != 1) {
        // The record's own engine fields win, each on its own, over the v9
        // source ID's.
        if (c.engine_from_domain) {
            r.engine_type = static_cast<std::uint8_t>(c.domain >> 8);
            r.engine_id = static_cast<std::uint8_t>(c.domain);
        }
        if (flow.has_engine_type) r.engine_type = flow.engine_type;
        if (flow.has_engine_id) r.engine_id = flow.engine_id;
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
