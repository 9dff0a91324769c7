#include "information_elements.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace capture {

namespace {

// RFC 7011 §6.1.9/6.1.10: dateTimeMicroseconds and dateTimeNanoseconds are
// NTP timestamps, seconds since 1900 and a binary fraction.
constexpr std::int64_t ntp_to_unix_seconds = 2208988800;

std::int64_t ntp_ms(const std::uint8_t* p) {
    const std::uint64_t v = read_unsigned(p, 8);
    const std::int64_t seconds = static_cast<std::int64_t>(v >> 32) - ntp_to_unix_seconds;
    const std::uint64_t fraction_ms = ((v & 0xffffffffu) * 1000) >> 32;
    return seconds * 1000 + static_cast<std::int64_t>(fraction_ms);
}

void set_ipv4(std::uint32_t& out, const std::uint8_t* p, ExportedFlow& flow) {
    out = static_cast<std::uint32_t>(read_unsigned(p, 4));
    if (flow.ip_version == 0) flow.ip_version = 4;
}

void set_ipv6(std::array<std::uint8_t, 16>& out, const std::uint8_t* p, ExportedFlow& flow) {
    std::memcpy(out.data(), p, 16);
    flow.ip_version = 6;
}

}  // namespace

std::uint64_t read_unsigned(const std::uint8_t* p, std::size_t length) {
    // The widths templates use are read in one go; others byte by byte.
    switch (length) {
        case 1:
            return p[0];
        case 2:
            return (std::uint64_t{p[0]} << 8) | p[1];
        case 4:
            return (std::uint64_t{p[0]} << 24) | (std::uint64_t{p[1]} << 16) |
                   (std::uint64_t{p[2]} << 8) | p[3];
        case 8: {
            std::uint64_t v;
            std::memcpy(&v, p, 8);
            return __builtin_bswap64(v);
        }
        default: {
            std::uint64_t v = 0;
            for (std::size_t i = 0; i < length; ++i) v = (v << 8) | p[i];
            return v;
        }
    }
}

namespace {

// Reads each field of a record in turn; `fixed` as for read_flow_record.
template <typename Read>
std::size_t walk_record(const Template& t, bool fixed, const std::uint8_t* p,
                        const std::uint8_t* end, Read read) {
    const std::uint8_t* start = p;
    if (fixed) {
        for (const TemplateField& f : t.fields) {
            read(f, p, f.length);
            p += f.length;
        }
        return static_cast<std::size_t>(p - start);
    }
    for (const TemplateField& f : t.fields) {
        std::size_t length = f.length;
        if (length == variable_field_length) {
            // RFC 7011 §7: one length byte, or 255 and two more.
            if (end - p < 1) return 0;
            length = *p++;
            if (length == 255) {
                if (end - p < 2) return 0;
                length = static_cast<std::size_t>((p[0] << 8) | p[1]);
                p += 2;
            }
        }
        if (static_cast<std::size_t>(end - p) < length) return 0;
        read(f, p, length);
        p += length;
    }
    return static_cast<std::size_t>(p - start);
}

}  // namespace

std::size_t read_flow_record(const Template& t, bool fixed, const std::uint8_t* p,
                             const std::uint8_t* end, ExportedFlow& flow) {
    return walk_record(t, fixed, p, end,
                       [&flow](const TemplateField& f, const std::uint8_t* v, std::size_t n) {
                           read_flow_element(f, v, n, flow);
                       });
}

std::size_t read_options_record(const Template& t, const std::uint8_t* p, const std::uint8_t* end,
                                ExporterOptions& options) {
    return walk_record(t, false, p, end,
                       [&options](const TemplateField& f, const std::uint8_t* v, std::size_t n) {
                           read_option_element(f, v, n, options);
                       });
}

namespace {

// What a flow field fills.  Deltas come before totals and IPv4 before IPv6,
// so that reading the slots in this order (a planned record) ends as
// reading the fields in template order does.
enum class Slot : std::uint8_t {
    octets,
    packets,
    octets_total,
    packets_total,
    prot,
    tos,
    tcp_flags,
    srcport,
    dstport,
    src4,
    dst4,
    nexthop4,
    src6,
    dst6,
    nexthop6,
    flow_label,
    src_mask,
    dst_mask,
    input,
    output,
    src_as,
    dst_as,
    icmp_type_code,
    icmp_type,
    icmp_code,
    engine_type,
    engine_id,
    start_uptime,
    end_uptime,
    start_seconds,
    end_seconds,
    start_ms,
    end_ms,
    start_ntp,
    end_ntp,
    start_delta,
    end_delta,
    system_init,
    duration_ms,
    duration_us,
    none,  // skipped
};
static_assert(static_cast<std::size_t>(Slot::none) == FlowRecordPlan::slot_count);

// The one place that knows which element of which length means what: a
// value of a length its element cannot have is skipped, as are enterprise
// and unknown elements.
Slot slot_of(const TemplateField& field, std::size_t length) {
    if (field.enterprise != 0 || length == 0) return Slot::none;
    const bool number = length <= 8;
    const auto exactly = [&](std::size_t n, Slot s) { return length == n ? s : Slot::none; };
    const auto up_to = [&](std::size_t n, Slot s) { return length <= n ? s : Slot::none; };
    switch (field.id) {
        case ie::octet_delta_count:
            return number ? Slot::octets : Slot::none;
        case ie::packet_delta_count:
            return number ? Slot::packets : Slot::none;
        case ie::octet_total_count:
            return number ? Slot::octets_total : Slot::none;
        case ie::packet_total_count:
            return number ? Slot::packets_total : Slot::none;
        case ie::protocol:
            return exactly(1, Slot::prot);
        case ie::class_of_service:
            return exactly(1, Slot::tos);
        case ie::tcp_control_bits:
            return number ? Slot::tcp_flags : Slot::none;
        case ie::source_port:
            return exactly(2, Slot::srcport);
        case ie::destination_port:
            return exactly(2, Slot::dstport);
        case ie::source_ipv4:
            return exactly(4, Slot::src4);
        case ie::destination_ipv4:
            return exactly(4, Slot::dst4);
        case ie::next_hop_ipv4:
            return exactly(4, Slot::nexthop4);
        case ie::source_ipv6:
            return exactly(16, Slot::src6);
        case ie::destination_ipv6:
            return exactly(16, Slot::dst6);
        case ie::next_hop_ipv6:
            return exactly(16, Slot::nexthop6);
        case ie::flow_label_ipv6:
            return up_to(4, Slot::flow_label);
        case ie::source_ipv4_prefix:
        case ie::source_ipv6_prefix:
            return exactly(1, Slot::src_mask);
        case ie::destination_ipv4_prefix:
        case ie::destination_ipv6_prefix:
            return exactly(1, Slot::dst_mask);
        case ie::ingress_interface:
            return up_to(4, Slot::input);
        case ie::egress_interface:
            return up_to(4, Slot::output);
        case ie::source_as:
            return up_to(4, Slot::src_as);
        case ie::destination_as:
            return up_to(4, Slot::dst_as);
        case ie::icmp_type_code_ipv4:
        case ie::icmp_type_code_ipv6:
            return exactly(2, Slot::icmp_type_code);
        case ie::icmp_type_ipv4:
            return exactly(1, Slot::icmp_type);
        case ie::icmp_code_ipv4:
            return exactly(1, Slot::icmp_code);
        case ie::engine_type:
            return exactly(1, Slot::engine_type);
        case ie::engine_id:
            return exactly(1, Slot::engine_id);
        case ie::start_sysuptime:
            return exactly(4, Slot::start_uptime);
        case ie::end_sysuptime:
            return exactly(4, Slot::end_uptime);
        case ie::start_seconds:
            return exactly(4, Slot::start_seconds);
        case ie::end_seconds:
            return exactly(4, Slot::end_seconds);
        case ie::start_milliseconds:
            return exactly(8, Slot::start_ms);
        case ie::end_milliseconds:
            return exactly(8, Slot::end_ms);
        case ie::start_microseconds:
        case ie::start_nanoseconds:
            return exactly(8, Slot::start_ntp);
        case ie::end_microseconds:
        case ie::end_nanoseconds:
            return exactly(8, Slot::end_ntp);
        case ie::start_delta_microseconds:
            return exactly(4, Slot::start_delta);
        case ie::end_delta_microseconds:
            return exactly(4, Slot::end_delta);
        case ie::system_init_milliseconds:
            return exactly(8, Slot::system_init);
        case ie::duration_milliseconds:
            return exactly(4, Slot::duration_ms);
        case ie::duration_microseconds:
            return exactly(4, Slot::duration_us);
        default:
            return Slot::none;
    }
}

// Writes a value of a length slot_of() accepted.  Inlined with a constant
// slot, the switch disappears (read_planned_record).
[[gnu::always_inline]] inline void store(Slot slot, const std::uint8_t* value, std::size_t length,
                                         ExportedFlow& flow) {
    const auto u = [&] { return read_unsigned(value, length); };
    switch (slot) {
        case Slot::octets:
            flow.octets = u();
            flow.has_octet_delta = true;
            return;
        case Slot::packets:
            flow.packets = u();
            flow.has_packet_delta = true;
            return;
        // Totals only when the record has no deltas: some exporters send
        // their per-flow count under the total's number.
        case Slot::octets_total:
            if (!flow.has_octet_delta) flow.octets = u();
            return;
        case Slot::packets_total:
            if (!flow.has_packet_delta) flow.packets = u();
            return;
        case Slot::prot:
            flow.prot = value[0];
            return;
        case Slot::tos:
            flow.tos = value[0];
            return;
        case Slot::tcp_flags:
            // RFC 7125 widened it to 16 bits; the low byte is the v5 field.
            flow.tcp_flags = static_cast<std::uint8_t>(u() & 0xff);
            return;
        case Slot::srcport:
            flow.srcport = static_cast<std::uint16_t>(u());
            return;
        case Slot::dstport:
            flow.dstport = static_cast<std::uint16_t>(u());
            return;
        case Slot::src4:
            set_ipv4(flow.src4, value, flow);
            return;
        case Slot::dst4:
            set_ipv4(flow.dst4, value, flow);
            return;
        case Slot::nexthop4:
            flow.nexthop4 = static_cast<std::uint32_t>(u());
            return;
        case Slot::src6:
            set_ipv6(flow.src6, value, flow);
            return;
        case Slot::dst6:
            set_ipv6(flow.dst6, value, flow);
            return;
        case Slot::nexthop6:
            std::memcpy(flow.nexthop6.data(), value, 16);
            return;
        case Slot::flow_label:
            flow.flow_label = static_cast<std::uint32_t>(u());
            return;
        case Slot::src_mask:
            flow.src_mask = value[0];
            return;
        case Slot::dst_mask:
            flow.dst_mask = value[0];
            return;
        case Slot::input:
            flow.input = static_cast<std::uint32_t>(u());
            return;
        case Slot::output:
            flow.output = static_cast<std::uint32_t>(u());
            return;
        case Slot::src_as:
            flow.src_as = static_cast<std::uint32_t>(u());
            return;
        case Slot::dst_as:
            flow.dst_as = static_cast<std::uint32_t>(u());
            return;
        case Slot::icmp_type_code:
            flow.icmp_type_code = static_cast<std::uint16_t>(u());
            flow.has_icmp_type_code = true;
            return;
        case Slot::icmp_type:
            flow.icmp_type_code =
                static_cast<std::uint16_t>((flow.icmp_type_code & 0x00ff) | (value[0] << 8));
            flow.has_icmp_type_code = true;
            return;
        case Slot::icmp_code:
            flow.icmp_type_code =
                static_cast<std::uint16_t>((flow.icmp_type_code & 0xff00) | value[0]);
            flow.has_icmp_type_code = true;
            return;
        case Slot::engine_type:
            flow.engine_type = value[0];
            flow.has_engine_type = true;
            return;
        case Slot::engine_id:
            flow.engine_id = value[0];
            flow.has_engine_id = true;
            return;
        case Slot::start_uptime:
            flow.start = {FlowClock::uptime_ms, static_cast<std::int64_t>(u())};
            return;
        case Slot::end_uptime:
            flow.end = {FlowClock::uptime_ms, static_cast<std::int64_t>(u())};
            return;
        case Slot::start_seconds:
            flow.start = {FlowClock::absolute_ms, static_cast<std::int64_t>(u()) * 1000};
            return;
        case Slot::end_seconds:
            flow.end = {FlowClock::absolute_ms, static_cast<std::int64_t>(u()) * 1000};
            return;
        case Slot::start_ms:
            flow.start = {FlowClock::absolute_ms, static_cast<std::int64_t>(u())};
            return;
        case Slot::end_ms:
            flow.end = {FlowClock::absolute_ms, static_cast<std::int64_t>(u())};
            return;
        case Slot::start_ntp:
            flow.start = {FlowClock::absolute_ms, ntp_ms(value)};
            return;
        case Slot::end_ntp:
            flow.end = {FlowClock::absolute_ms, ntp_ms(value)};
            return;
        case Slot::start_delta:
            flow.start = {FlowClock::before_export, static_cast<std::int64_t>(u())};
            return;
        case Slot::end_delta:
            flow.end = {FlowClock::before_export, static_cast<std::int64_t>(u())};
            return;
        case Slot::system_init:
            flow.system_init_ms = static_cast<std::int64_t>(u());
            return;
        case Slot::duration_ms:
            flow.duration_ms = static_cast<std::int64_t>(u());
            return;
        case Slot::duration_us:
            flow.duration_ms = static_cast<std::int64_t>(u() / 1000);
            return;
        case Slot::none:
            return;
    }
}

template <std::size_t... I>
void read_slots(const FlowRecordPlan& plan, const std::uint8_t* p, ExportedFlow& flow,
                std::index_sequence<I...>) {
    ((plan.fields[I].length != 0
          ? store(static_cast<Slot>(I), p + plan.fields[I].offset, plan.fields[I].length, flow)
          : void()),
     ...);
}

}  // namespace

bool read_flow_element(const TemplateField& field, const std::uint8_t* value, std::size_t length,
                       ExportedFlow& flow) {
    const Slot slot = slot_of(field, length);
    if (slot == Slot::none) return false;
    store(slot, value, length, flow);
    return true;
}

std::optional<FlowRecordPlan> plan_flow_record(const Template& t) {
    FlowRecordPlan plan;
    std::size_t offset = 0;
    for (const TemplateField& f : t.fields) {
        if (f.length == variable_field_length) return std::nullopt;
        const Slot slot = slot_of(f, f.length);
        // Offsets past 65535 cannot occur in a datagram; such a template
        // is read field by field.
        if (offset > 0xffff) return std::nullopt;
        // A later field of the same meaning wins, as in template order.
        if (slot != Slot::none)
            plan.fields[static_cast<std::size_t>(slot)] = {static_cast<std::uint16_t>(offset),
                                                           static_cast<std::uint8_t>(f.length)};
        offset += f.length;
    }
    plan.record_length = offset;
    return plan;
}

void read_planned_record(const FlowRecordPlan& plan, const std::uint8_t* p, ExportedFlow& flow) {
    read_slots(plan, p, flow, std::make_index_sequence<FlowRecordPlan::slot_count>{});
}

bool read_option_element(const TemplateField& field, const std::uint8_t* value, std::size_t length,
                         ExporterOptions& options) {
    if (field.enterprise != 0 || length == 0) return false;
    switch (field.id) {
        case ie::sampling_interval:
        case ie::sampler_random_interval:
        case ie::sampling_packet_interval:
            if (length > 8) return false;
            options.sampling_interval = read_unsigned(value, length);
            return true;
        case ie::ingress_interface:
            if (length > 4) return false;
            options.interface = static_cast<std::uint32_t>(read_unsigned(value, length));
            return true;
        case ie::interface_name: {
            // Names are padded with NULs to the field's fixed length.
            const auto* end = std::find(value, value + length, std::uint8_t{0});
            options.interface_name.assign(value, end);
            return true;
        }
        default:
            return false;
    }
}

}  // namespace capture
