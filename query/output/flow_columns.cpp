#include "output/flow_columns.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>

#include "clients/connection_event.hpp"
#include "flowfile/ipv4_text.hpp"
#include "flowfile/ipv6_text.hpp"
#include "output/icmp_type_code.hpp"
#include "tools/usage_error.hpp"

namespace flowquery {

namespace {

using flowfile::Record;
using flowfile::Record6;

constexpr std::array<ColumnInfo, 26> columns{{
    {FlowColumn::start, "start", "Start", 29, false},
    {FlowColumn::end, "end", "End", 29, false},
    {FlowColumn::duration, "duration", "Duration", 10, true},
    {FlowColumn::protocol, "protocol", "Proto", 5, false},
    {FlowColumn::src_ip, "src_ip", "Src IP", 15, false},
    {FlowColumn::src_port, "src_port", "Src Port", 8, true},
    {FlowColumn::dst_ip, "dst_ip", "Dst IP", 15, false},
    {FlowColumn::dst_port, "dst_port", "Dst Port", 8, true},
    {FlowColumn::packets, "packets", "Packets", 10, true},
    {FlowColumn::bytes, "bytes", "Bytes", 12, true},
    {FlowColumn::tcp_flags, "tcp_flags", "Flags", 6, false},
    {FlowColumn::tos, "tos", "ToS", 3, true},
    {FlowColumn::exporter, "exporter", "Exporter", 15, false},
    {FlowColumn::input, "input", "In", 5, true},
    {FlowColumn::output, "output", "Out", 5, true},
    {FlowColumn::nexthop, "nexthop", "Next Hop", 15, false},
    {FlowColumn::src_as, "src_as", "Src AS", 6, true},
    {FlowColumn::dst_as, "dst_as", "Dst AS", 6, true},
    {FlowColumn::src_mask, "src_mask", "SMask", 5, true},
    {FlowColumn::dst_mask, "dst_mask", "DMask", 5, true},
    {FlowColumn::engine_type, "engine_type", "EType", 5, true},
    {FlowColumn::engine_id, "engine_id", "EId", 3, true},
    {FlowColumn::event, "event", "Event", 12, false},
    {FlowColumn::account, "account", "Account", 12, false},
    {FlowColumn::device, "device", "Device", 12, false},
    {FlowColumn::connection, "connection", "Connection", 10, false},
}};

bool has_ports(std::uint8_t protocol) {
    return protocol == 6 || protocol == 17 || protocol == 132;
}

void append_number(std::string& out, std::uint64_t v) {
    char buf[24];
    const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
    out.append(buf, end);
}

}  // namespace

const ColumnInfo& column_info(FlowColumn c) {
    return columns[static_cast<std::size_t>(c)];
}

bool is_address_column(FlowColumn c) {
    return c == FlowColumn::src_ip || c == FlowColumn::dst_ip || c == FlowColumn::nexthop ||
           c == FlowColumn::exporter;
}

std::string column_names() {
    std::string names;
    for (const auto& c : columns) {
        if (!names.empty()) names += ',';
        names += c.name;
    }
    return names;
}

std::vector<FlowColumn> parse_columns(std::string_view list, std::string_view option) {
    std::vector<FlowColumn> out;
    std::size_t pos = 0;
    while (pos <= list.size()) {
        const std::size_t comma = std::min(list.find(',', pos), list.size());
        const std::string_view word = list.substr(pos, comma - pos);
        const auto* found = std::find_if(columns.begin(), columns.end(),
                                         [&](const ColumnInfo& c) { return c.name == word; });
        if (found == columns.end())
            throw UsageError(std::string(option) + ": unknown field '" + std::string(word) +
                             "' (fields: " + column_names() + ")");
        out.push_back(found->column);
        pos = comma + 1;
    }
    return out;
}

bool needs_clients(const std::vector<FlowColumn>& cols) {
    return std::any_of(cols.begin(), cols.end(), [](FlowColumn c) {
        return c == FlowColumn::account || c == FlowColumn::device || c == FlowColumn::connection;
    });
}

std::string tcp_flags_text(std::uint8_t flags) {
    static constexpr char letters[] = "UAPRSF";
    std::string out(6, '.');
    for (int i = 0; i < 6; ++i)
        if (flags & (0x20 >> i)) out[i] = letters[i];
    return out;
}

namespace {

// The columns whose text is the same rule for both series: numbers of the
// same meaning (wider in an IPv6 record) and what the clients file says.
template <typename R>
bool append_shared_value(std::string& out, FlowColumn c, const R& r,
                         const std::optional<FlowClient>& client) {
    switch (c) {
        case FlowColumn::packets:
            append_number(out, r.dpkts);
            return true;
        case FlowColumn::bytes:
            append_number(out, r.doctets);
            return true;
        case FlowColumn::tcp_flags:
            if (r.prot == 6) out += tcp_flags_text(r.tcp_flags);
            return true;
        case FlowColumn::input:
            append_number(out, r.input);
            return true;
        case FlowColumn::output:
            append_number(out, r.output);
            return true;
        case FlowColumn::src_as:
            append_number(out, r.src_as);
            return true;
        case FlowColumn::dst_as:
            append_number(out, r.dst_as);
            return true;
        case FlowColumn::src_mask:
            append_number(out, r.src_mask);
            return true;
        case FlowColumn::dst_mask:
            append_number(out, r.dst_mask);
            return true;
        case FlowColumn::engine_type:
            append_number(out, r.engine_type);
            return true;
        case FlowColumn::engine_id:
            append_number(out, r.engine_id);
            return true;
        case FlowColumn::event:
            out += event_name(classify_connection(r));
            return true;
        case FlowColumn::account:
            if (client) out += client->identity.account;
            return true;
        case FlowColumn::device:
            if (client) out += client->identity.device;
            return true;
        case FlowColumn::connection:
            if (client) out += client->identity.connection;
            return true;
        default:
            return false;
    }
}

}  // namespace

FlowRenderer::FlowRenderer(std::vector<FlowColumn> cols, RenderContext context)
    : columns_(std::move(cols)), context_(context), wants_client_(needs_clients(columns_)) {}

void FlowRenderer::append_port(std::uint16_t p, std::uint8_t protocol) {
    if (context_.names && has_ports(protocol)) {
        const std::string_view name = context_.names->port_name(p, protocol);
        if (!name.empty()) {
            value_ += name;
            return;
        }
    }
    append_number(value_, p);
}

void FlowRenderer::append_value(FlowColumn c, const Record& r,
                                const std::optional<FlowClient>& client) {
    std::string& out = value_;
    const auto port = [&](std::uint16_t p) { append_port(p, r.prot); };
    if (append_shared_value(out, c, r, client)) return;
    switch (c) {
        case FlowColumn::start:
            out += format_time(flowfile::flow_times(r).start_ms, context_.zone, true);
            break;
        case FlowColumn::end:
            out += format_time(flowfile::flow_times(r).end_ms, context_.zone, true);
            break;
        case FlowColumn::duration: {
            const std::uint32_t ms = flowfile::flow_duration_ms(r);
            char buf[32];
            std::snprintf(buf, sizeof buf, "%u.%03u", ms / 1000, ms % 1000);
            out += buf;
            break;
        }
        case FlowColumn::protocol:
            if (context_.names && !context_.names->protocol_name(r.prot).empty()) {
                out += context_.names->protocol_name(r.prot);
            } else {
                append_number(out, r.prot);
            }
            break;
        case FlowColumn::src_ip:
            out += flowfile::ipv4_text(r.srcaddr);
            break;
        case FlowColumn::src_port:
            // ICMP has no source port; a value an exporter put there anyway
            // is still shown.
            if (r.prot != icmp_protocol || r.srcport != 0) port(r.srcport);
            break;
        case FlowColumn::dst_ip:
            out += flowfile::ipv4_text(r.dstaddr);
            break;
        case FlowColumn::dst_port:
            if (r.prot == icmp_protocol)
                out += icmp_type_code_text(r.dstport);
            else
                port(r.dstport);
            break;
        case FlowColumn::tos:
            append_number(out, r.tos);
            break;
        case FlowColumn::exporter:
            out += flowfile::ipv4_text(r.exaddr);
            break;
        case FlowColumn::nexthop:
            out += flowfile::ipv4_text(r.nexthop);
            break;
        default:
            break;  // append_shared_value's
    }
}

// The same columns for an IPv6 flow: RFC 5952 addresses, 64-bit counters,
// the absolute start and end it carries, traffic class in the tos column.
void FlowRenderer::append_value(FlowColumn c, const Record6& r,
                                const std::optional<FlowClient>& client) {
    std::string& out = value_;
    // ICMPv6 carries type * 256 + code in the destination port as ICMP does.
    const bool icmp = r.prot == icmpv6_protocol || r.prot == icmp_protocol;
    if (append_shared_value(out, c, r, client)) return;
    switch (c) {
        case FlowColumn::start:
            out += format_time(r.start_ms, context_.zone, true);
            break;
        case FlowColumn::end:
            out += format_time(r.end_ms, context_.zone, true);
            break;
        case FlowColumn::duration: {
            // An exporter's end before its start would print as a huge
            // duration; it is a zero-length flow as far as anyone can tell.
            const std::int64_t ms = r.end_ms > r.start_ms ? r.end_ms - r.start_ms : 0;
            char buf[40];
            std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(ms / 1000),
                          static_cast<long long>(ms % 1000));
            out += buf;
            break;
        }
        case FlowColumn::protocol:
            if (context_.names && !context_.names->protocol_name(r.prot).empty()) {
                out += context_.names->protocol_name(r.prot);
            } else {
                append_number(out, r.prot);
            }
            break;
        case FlowColumn::src_ip:
            out += flowfile::ipv6_text(r.srcaddr);
            break;
        case FlowColumn::src_port:
            if (!icmp || r.srcport != 0) append_port(r.srcport, r.prot);
            break;
        case FlowColumn::dst_ip:
            out += flowfile::ipv6_text(r.dstaddr);
            break;
        case FlowColumn::dst_port:
            if (icmp)
                out += icmp_type_code_text(r.dstport);
            else
                append_port(r.dstport, r.prot);
            break;
        case FlowColumn::tos:
            append_number(out, r.traffic_class);
            break;
        case FlowColumn::exporter:
            // An IPv4 exporter is kept IPv4-mapped; it is printed as the
            // IPv4 flows of the same exporter print it.
            if (flowfile::is_ipv4_mapped(r.exaddr))
                out += flowfile::ipv4_text(flowfile::mapped_ipv4(r.exaddr));
            else
                out += flowfile::ipv6_text(r.exaddr);
            break;
        default:
            break;  // append_shared_value's
        case FlowColumn::nexthop:
            out += flowfile::ipv6_text(r.nexthop);
            break;
    }
}

}  // namespace flowquery
