#include "information_elements.hpp"

#include <algorithm>
#include <cstring>

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
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < length; ++i) v = (v << 8) | p[i];
    return v;
}

bool read_flow_element(const TemplateField& field, const std::uint8_t* value, std::size_t length,
                       ExportedFlow& flow) {
    if (field.enterprise != 0 || length == 0) return false;
    const bool number = length <= 8;
    const auto u = [&] { return read_unsigned(value, length); };
    switch (field.id) {
        case ie::octet_delta_count:
            if (!number) return false;
            flow.octets = u();
            flow.has_octet_delta = true;
            return true;
        case ie::packet_delta_count:
            if (!number) return false;
            flow.packets = u();
            flow.has_packet_delta = true;
            return true;
        // Totals only when the record has no deltas: some exporters send
        // their per-flow count under the total's number.
        case ie::octet_total_count:
            if (!number) return false;
            if (!flow.has_octet_delta) flow.octets = u();
            return true;
        case ie::packet_total_count:
            if (!number) return false;
            if (!flow.has_packet_delta) flow.packets = u();
            return true;
        case ie::protocol:
            if (length != 1) return false;
            flow.prot = value[0];
            return true;
        case ie::class_of_service:
            if (length != 1) return false;
            flow.tos = value[0];
            return true;
        case ie::tcp_control_bits:
            // RFC 7125 widened it to 16 bits; the low byte is the v5 field.
            if (!number) return false;
            flow.tcp_flags = static_cast<std::uint8_t>(u() & 0xff);
            return true;
        case ie::source_port:
            if (length != 2) return false;
            flow.srcport = static_cast<std::uint16_t>(u());
            return true;
        case ie::destination_port:
            if (length != 2) return false;
            flow.dstport = static_cast<std::uint16_t>(u());
            return true;
        case ie::source_ipv4:
            if (length != 4) return false;
            set_ipv4(flow.src4, value, flow);
            return true;
        case ie::destination_ipv4:
            if (length != 4) return false;
            set_ipv4(flow.dst4, value, flow);
            return true;
        case ie::next_hop_ipv4:
            if (length != 4) return false;
            flow.nexthop4 = static_cast<std::uint32_t>(u());
            return true;
        case ie::source_ipv6:
            if (length != 16) return false;
            set_ipv6(flow.src6, value, flow);
            return true;
        case ie::destination_ipv6:
            if (length != 16) return false;
            set_ipv6(flow.dst6, value, flow);
            return true;
        case ie::next_hop_ipv6:
            if (length != 16) return false;
            std::memcpy(flow.nexthop6.data(), value, 16);
            return true;
        case ie::source_ipv4_prefix:
        case ie::source_ipv6_prefix:
            if (length != 1) return false;
            flow.src_mask = value[0];
            return true;
        case ie::destination_ipv4_prefix:
        case ie::destination_ipv6_prefix:
            if (length != 1) return false;
            flow.dst_mask = value[0];
            return true;
        case ie::ingress_interface:
            if (length > 4) return false;
            flow.input = static_cast<std::uint32_t>(u());
            return true;
        case ie::egress_interface:
            if (length > 4) return false;
            flow.output = static_cast<std::uint32_t>(u());
            return true;
        case ie::source_as:
            if (length > 4) return false;
            flow.src_as = static_cast<std::uint32_t>(u());
            return true;
        case ie::destination_as:
            if (length > 4) return false;
            flow.dst_as = static_cast<std::uint32_t>(u());
            return true;
        case ie::icmp_type_code_ipv4:
        case ie::icmp_type_code_ipv6:
            if (length != 2) return false;
            flow.icmp_type_code = static_cast<std::uint16_t>(u());
            flow.has_icmp_type_code = true;
            return true;
        case ie::icmp_type_ipv4:
            if (length != 1) return false;
            flow.icmp_type_code =
                static_cast<std::uint16_t>((flow.icmp_type_code & 0x00ff) | (value[0] << 8));
            flow.has_icmp_type_code = true;
            return true;
        case ie::icmp_code_ipv4:
            if (length != 1) return false;
            flow.icmp_type_code =
                static_cast<std::uint16_t>((flow.icmp_type_code & 0xff00) | value[0]);
            flow.has_icmp_type_code = true;
            return true;
        case ie::engine_type:
            if (length != 1) return false;
            flow.engine_type = value[0];
            flow.has_engine_type = true;
            return true;
        case ie::engine_id:
            if (length != 1) return false;
            flow.engine_id = value[0];
            flow.has_engine_id = true;
            return true;
        case ie::start_sysuptime:
        case ie::end_sysuptime: {
            if (length != 4) return false;
            FlowInstant& t = field.id == ie::start_sysuptime ? flow.start : flow.end;
            t = {FlowClock::uptime_ms, static_cast<std::int64_t>(u())};
            return true;
        }
        case ie::start_seconds:
        case ie::end_seconds: {
            if (length != 4) return false;
            FlowInstant& t = field.id == ie::start_seconds ? flow.start : flow.end;
            t = {FlowClock::absolute_ms, static_cast<std::int64_t>(u()) * 1000};
            return true;
        }
        case ie::start_milliseconds:
        case ie::end_milliseconds: {
            if (length != 8) return false;
            FlowInstant& t = field.id == ie::start_milliseconds ? flow.start : flow.end;
            t = {FlowClock::absolute_ms, static_cast<std::int64_t>(u())};
            return true;
        }
        case ie::start_microseconds:
        case ie::end_microseconds:
        case ie::start_nanoseconds:
        case ie::end_nanoseconds: {
            if (length != 8) return false;
            const bool start =
                field.id == ie::start_microseconds || field.id == ie::start_nanoseconds;
            (start ? flow.start : flow.end) = {FlowClock::absolute_ms, ntp_ms(value)};
            return true;
        }
        case ie::start_delta_microseconds:
        case ie::end_delta_microseconds: {
            if (length != 4) return false;
            FlowInstant& t = field.id == ie::start_delta_microseconds ? flow.start : flow.end;
            t = {FlowClock::before_export, static_cast<std::int64_t>(u())};
            return true;
        }
        case ie::system_init_milliseconds:
            if (length != 8) return false;
            flow.system_init_ms = static_cast<std::int64_t>(u());
            return true;
        case ie::duration_milliseconds:
            if (length != 4) return false;
            flow.duration_ms = static_cast<std::int64_t>(u());
            return true;
        case ie::duration_microseconds:
            if (length != 4) return false;
            flow.duration_ms = static_cast<std::int64_t>(u() / 1000);
            return true;
        default:
            return false;
    }
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
