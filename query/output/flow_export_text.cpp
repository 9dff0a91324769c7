#include "output/flow_export_text.hpp"

#include <stdexcept>
#include <string_view>

#include "flowfile/export_fields.hpp"
#include "flowfile/ipv4_text.hpp"

namespace flowquery {

namespace {

using flowfile::Record;
namespace f = flowfile::export_field;

std::string num(std::uint64_t v) {
    return std::to_string(v);
}

struct Column {
    std::uint64_t bit;
    std::string_view name;
    std::string (*value)(const Record&);  // nullptr: a v8 field Record cannot hold
};

// query-tools.md §4.2, in bit order.  Two quirks of the original are kept
// because the goldens contain them: peer_nexthop is announced as "nexthop",
// and for v8.6-8.8 the extra_pkts value is printed after marked_tos although
// the header names it first (moot here, Record has neither).
constexpr Column columns[] = {
    {f::unix_secs, "unix_secs", [](const Record& r) { return num(r.unix_secs); }},
    {f::unix_nsecs, "unix_nsecs", [](const Record& r) { return num(r.unix_nsecs); }},
    {f::sysuptime, "sysuptime", [](const Record& r) { return num(r.sysuptime); }},
    {f::exaddr, "exaddr", [](const Record& r) { return flowfile::ipv4_text(r.exaddr); }},
    {f::dflows, "dflows", nullptr},
    {f::dpkts, "dpkts", [](const Record& r) { return num(r.dpkts); }},
    {f::doctets, "doctets", [](const Record& r) { return num(r.doctets); }},
    {f::first, "first", [](const Record& r) { return num(r.first); }},
    {f::last, "last", [](const Record& r) { return num(r.last); }},
    {f::engine_type, "engine_type", [](const Record& r) { return num(r.engine_type); }},
    {f::engine_id, "engine_id", [](const Record& r) { return num(r.engine_id); }},
    {f::srcaddr, "srcaddr", [](const Record& r) { return flowfile::ipv4_text(r.srcaddr); }},
    {f::dstaddr, "dstaddr", [](const Record& r) { return flowfile::ipv4_text(r.dstaddr); }},
    {f::nexthop, "nexthop", [](const Record& r) { return flowfile::ipv4_text(r.nexthop); }},
    {f::input, "input", [](const Record& r) { return num(r.input); }},
    {f::output, "output", [](const Record& r) { return num(r.output); }},
    {f::srcport, "srcport", [](const Record& r) { return num(r.srcport); }},
    {f::dstport, "dstport", [](const Record& r) { return num(r.dstport); }},
    {f::prot, "prot", [](const Record& r) { return num(r.prot); }},
    {f::tos, "tos", [](const Record& r) { return num(r.tos); }},
    {f::tcp_flags, "tcp_flags", [](const Record& r) { return num(r.tcp_flags); }},
    {f::src_mask, "src_mask", [](const Record& r) { return num(r.src_mask); }},
    {f::dst_mask, "dst_mask", [](const Record& r) { return num(r.dst_mask); }},
    {f::src_as, "src_as", [](const Record& r) { return num(r.src_as); }},
    {f::dst_as, "dst_as", [](const Record& r) { return num(r.dst_as); }},
    {f::in_encaps, "in_encaps", [](const Record& r) { return num(r.in_encaps); }},
    {f::out_encaps, "out_encaps", [](const Record& r) { return num(r.out_encaps); }},
    {f::peer_nexthop, "nexthop",
     [](const Record& r) { return flowfile::ipv4_text(r.peer_nexthop); }},
    {f::router_sc, "router_sc", [](const Record& r) { return flowfile::ipv4_text(r.router_sc); }},
    {f::extra_pkts, "extra_pkts", nullptr},
    {f::marked_tos, "marked_tos", nullptr},
    {f::src_tag, "src_tag", [](const Record& r) { return num(r.src_tag); }},
    {f::dst_tag, "dst_tag", [](const Record& r) { return num(r.dst_tag); }},
};

std::uint64_t mask_of(std::uint16_t export_version) {
    const std::uint64_t mask = flowfile::field_mask(export_version);
    for (const Column& c : columns)
        if ((mask & c.bit) && !c.value)
            throw std::invalid_argument("export version " + std::to_string(export_version) +
                                        " has fields a flowfile::Record cannot hold");
    return mask;
}

}  // namespace

std::vector<std::string> export_f2_columns(std::uint16_t export_version) {
    const std::uint64_t mask = flowfile::field_mask(export_version);
    std::vector<std::string> names;
    for (const Column& c : columns)
        if (mask & c.bit) names.emplace_back(c.name);
    return names;
}

std::string render_export_f2_row(std::uint16_t export_version, const Record& r) {
    const std::uint64_t mask = mask_of(export_version);
    std::string line;
    bool first = true;
    for (const Column& c : columns) {
        if (!(mask & c.bit)) continue;
        if (!first) line += ',';
        first = false;
        line += c.value(r);
    }
    return line;
}

std::string render_export_f2(const flowfile::Header& h, std::span<const Record> records) {
    const std::uint16_t version = h.export_version.value_or(0);
    std::string out = "#:";
    const auto names = export_f2_columns(version);
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i) out += ',';
        out += names[i];
    }
    out += '\n';
    for (const Record& r : records) {
        const std::string row = render_export_f2_row(version, r);
        // A record with no selected field prints nothing, not an empty line.
        if (row.empty()) continue;
        out += row;
        out += '\n';
    }
    return out;
}

}  // namespace flowquery
