#include "output/flow_export_text.hpp"

#include <stdexcept>
#include <string_view>

#include "flowfile/ipv4_text.hpp"

namespace flowquery {

namespace {

using flowfile::Record;

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
    {0x1, "unix_secs", [](const Record& r) { return num(r.unix_secs); }},
    {0x2, "unix_nsecs", [](const Record& r) { return num(r.unix_nsecs); }},
    {0x4, "sysuptime", [](const Record& r) { return num(r.sysuptime); }},
    {0x8, "exaddr", [](const Record& r) { return flowfile::ipv4_text(r.exaddr); }},
    {0x10, "dflows", nullptr},
    {0x20, "dpkts", [](const Record& r) { return num(r.dpkts); }},
    {0x40, "doctets", [](const Record& r) { return num(r.doctets); }},
    {0x80, "first", [](const Record& r) { return num(r.first); }},
    {0x100, "last", [](const Record& r) { return num(r.last); }},
    {0x200, "engine_type", [](const Record& r) { return num(r.engine_type); }},
    {0x400, "engine_id", [](const Record& r) { return num(r.engine_id); }},
    {0x1000, "srcaddr", [](const Record& r) { return flowfile::ipv4_text(r.srcaddr); }},
    {0x2000, "dstaddr", [](const Record& r) { return flowfile::ipv4_text(r.dstaddr); }},
    {0x10000, "nexthop", [](const Record& r) { return flowfile::ipv4_text(r.nexthop); }},
    {0x20000, "input", [](const Record& r) { return num(r.input); }},
    {0x40000, "output", [](const Record& r) { return num(r.output); }},
    {0x80000, "srcport", [](const Record& r) { return num(r.srcport); }},
    {0x100000, "dstport", [](const Record& r) { return num(r.dstport); }},
    {0x200000, "prot", [](const Record& r) { return num(r.prot); }},
    {0x400000, "tos", [](const Record& r) { return num(r.tos); }},
    {0x800000, "tcp_flags", [](const Record& r) { return num(r.tcp_flags); }},
    {0x1000000, "src_mask", [](const Record& r) { return num(r.src_mask); }},
    {0x2000000, "dst_mask", [](const Record& r) { return num(r.dst_mask); }},
    {0x4000000, "src_as", [](const Record& r) { return num(r.src_as); }},
    {0x8000000, "dst_as", [](const Record& r) { return num(r.dst_as); }},
    {0x10000000, "in_encaps", [](const Record& r) { return num(r.in_encaps); }},
    {0x20000000, "out_encaps", [](const Record& r) { return num(r.out_encaps); }},
    {0x40000000, "nexthop", [](const Record& r) { return flowfile::ipv4_text(r.peer_nexthop); }},
    {0x80000000, "router_sc", [](const Record& r) { return flowfile::ipv4_text(r.router_sc); }},
    {0x100000000, "extra_pkts", nullptr},
    {0x200000000, "marked_tos", nullptr},
    {0x400000000, "src_tag", [](const Record& r) { return num(r.src_tag); }},
    {0x800000000, "dst_tag", [](const Record& r) { return num(r.dst_tag); }},
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
