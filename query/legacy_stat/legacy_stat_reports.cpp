#include "legacy_stat/legacy_stat_reports.hpp"

#include <cstdint>
#include <functional>
#include <iterator>
#include <ostream>
#include <string>

#include "filter/service_names.hpp"
#include "flowfile/export_fields.hpp"
#include "legacy_stat/legacy_stat_summary.hpp"
#include "legacy_stat/legacy_stat_table_text.hpp"
#include "legacy_stat/legacy_stat_tables.hpp"
#include "legacy_stat/legacy_stat_text.hpp"

namespace flowquery {

namespace {

using flowfile::Record;
namespace f = flowfile::export_field;

StatCounters counters_of(const Record& r) {
    return StatCounters{1, r.doctets, r.dpkts, flowfile::flow_duration_ms(r)};
}

bool tcp_or_udp(const Record& r) {
    return r.prot == 6 || r.prot == 17;
}

std::uint32_t prefix_of(std::uint32_t addr, std::uint8_t mask) {
    // ipv4_len2mask() looks the length up in a table whose entry 0, also used
    // for any length above 32, is all ones: a /0 flow keeps its whole address
    // (query-tools.md §5, the -f 26 sample: 0.0.0.1/0, 0.0.0.2/0, ...).
    if (mask == 0 || mask > 32) return addr;
    return addr & (0xFFFFFFFFu << (32 - mask));
}

template <class Visit>
void for_each_record(const LegacyStatInput& input, Visit&& visit) {
    for (;;) {
        const auto batch = input.next_batch();
        if (batch.empty()) return;
        for (const Record& r : batch) visit(r);
    }
}

using KeyNames = std::function<std::string_view(std::uint32_t)>;

struct Run {
    const LegacyStatOptions& o;
    const LegacyStatInput& input;
    std::ostream& out;
    std::ostream& err;
    // Port and protocol names for -n; without -n they name nothing.
    const KeyNames& services;
    const KeyNames& protocols;

    // `add(record, table, total)` counts one flow.
    template <class Add>
    void array_report(std::size_t keys, std::string_view title, const KeyNames& names, Add&& add) {
        KeyArrayTable table(keys);
        StatCounters total;
        for_each_record(input, [&](const Record& r) { add(r, table, total); });
        write_array_report(out, err, o, table, total, title, names);
    }

    // `key(record)` gives the flow's key; every flow counts once.
    template <class Key>
    void hash_report(HashKeyLayout layout, Key&& key, std::string_view title = {},
                     std::string_view title2 = {}) {
        FirstSeenTable table;
        StatCounters total;
        for_each_record(input, [&](const Record& r) {
            const StatCounters c = counters_of(r);
            total.add(c);
            table.add(key(r), c);
        });
        write_hash_report(out, err, o, table, total, layout, title, title2);
    }

    // Report 11: both addresses of a flow count, but the flow only once in
    // the total.
    void either_address() {
        FirstSeenTable table;
        StatCounters total;
        for_each_record(input, [&](const Record& r) {
            const StatCounters c = counters_of(r);
            total.add(c);
            table.add(TableKey{r.srcaddr}, c);
            table.add(TableKey{r.dstaddr}, c);
        });
        write_hash_report(out, err, o, table, total, HashKeyLayout::address);
    }

    void overall_summary() {
        OverallSummary summary;
        for_each_record(input, [&](const Record& r) {
            if (!summary.add(r)) err << "Ignoring bogus flow dPkts=0\n";
        });
        out << summary.text();
    }

    // Report 1: the flow counts in the total even when it is skipped.
    void packet_sizes() {
        FirstSeenTable table;
        StatCounters total;
        for_each_record(input, [&](const Record& r) {
            const StatCounters c = counters_of(r);
            total.add(c);
            if (r.dpkts == 0) {
                err << "Ignoring bogus flow dPkts=0\n";
                return;
            }
            table.add(TableKey{r.doctets / r.dpkts}, c);
        });
        write_hash_report(out, err, o, table, total, HashKeyLayout::number, "Pkt Size");
    }

    // Reports 13 and 14: two lines per flow for plotting, then the ranges.
    // Report 14 compares octets but keeps packets in ymin/ymax, as the
    // original does.
    void plot_data(bool packets) {
        const char cc = o.comment;
        std::string text =
            c_format(packets ? "%c\n%c start     packets\n%c end       packets\n%c\n"
                             : "%c\n%c start      octets\n%c end        octets\n%c\n",
                     cc, cc, cc, cc);
        std::uint64_t xmin = 0xFFFFFFFF, ymin = 0xFFFFFFFF, xmax = 0, ymax = 0;
        const char* line = packets ? "%-10lu    %-10lu\n" : "%-10lu   %-10lu\n";
        for_each_record(input, [&](const Record& r) {
            xmax = std::max<std::uint64_t>(xmax, r.last);
            xmin = std::min<std::uint64_t>(xmin, r.first);
            if (r.doctets > ymax) ymax = packets ? r.dpkts : r.doctets;
            if (r.doctets < ymin) ymin = packets ? r.dpkts : r.doctets;
            const unsigned long y = packets ? r.dpkts : r.doctets;
            text += c_format(line, static_cast<unsigned long>(r.first), y);
            text += c_format(line, static_cast<unsigned long>(r.last), y);
            text += '\n';
            if (text.size() > 65536) {
                out << text;
                text.clear();
            }
        });
        text += c_format("%c xmin=%-10lu   ymin=%-10lu   xmax=%-10lu   ymax=%-10lu\n", cc,
                         static_cast<unsigned long>(xmin), static_cast<unsigned long>(ymin),
                         static_cast<unsigned long>(xmax), static_cast<unsigned long>(ymax));
        out << text;
    }

    void short_summary() {
        StatCounters total;
        for_each_record(input, [&](const Record& r) { total.add(counters_of(r)); });
        const char cc = o.comment;
        out << c_format("%c\n%c Octets            Packets             MBytes\n%c\n", cc, cc, cc)
            << padded_count(total.octets) << padded_count(total.packets)
            << c_format("%3.3f\n", static_cast<double>(total.octets) / 1000000.0);
    }
};

// Array reports count every flow under one key; report 7 under two.
template <class Key>
auto one_key(Key key, bool ports_only = false) {
    return [key, ports_only](const Record& r, KeyArrayTable& table, StatCounters& total) {
        if (ports_only && !tcp_or_udp(r)) return;
        const StatCounters c = counters_of(r);
        total.add(c);
        table.add(key(r), c);
    };
}

constexpr std::uint64_t flow_counts = f::dpkts | f::doctets | f::first | f::last;

using L = HashKeyLayout;

// One flow-stat report, at the index of its format number: the name printed
// in "# Name:", the fields the original checks a file for before reading any
// record, and how the report counts and prints.
struct Report {
    std::string_view name;
    std::uint64_t required_fields;
    void (*run)(Run&);
};

constexpr Report reports[] = {
    // -f 0
    {"Overall Summary", flow_counts | f::unix_secs, [](Run& run) { run.overall_summary(); }},
    // -f 1
    {"Average packet size distribution", flow_counts, [](Run& run) { run.packet_sizes(); }},
    // -f 2
    {"Packets per flow distribution", flow_counts,
     [](Run& run) {
         run.hash_report(
             L::number, [](const Record& r) { return TableKey{r.dpkts}; }, "Packets ");
     }},
    // -f 3
    {"Octets per flow distribution", flow_counts,
     [](Run& run) {
         run.hash_report(
             L::number, [](const Record& r) { return TableKey{r.doctets}; }, "Octets  ");
     }},
    // -f 4: the original checks no field for it.
    {"Bandwidth per flow distribution", 0, [](Run& run) { run.out << "Not implemented.\n"; }},
    // -f 5
    {"UDP/TCP destination port", flow_counts | f::prot | f::dstport,
     [](Run& run) {
         run.array_report(65536, "port      ", run.services,
                          one_key([](const Record& r) { return r.dstport; }, true));
     }},
    // -f 6
    {"UDP/TCP source port", flow_counts | f::prot | f::srcport,
     [](Run& run) {
         run.array_report(65536, "port      ", run.services,
                          one_key([](const Record& r) { return r.srcport; }, true));
     }},
    // -f 7
    {"UDP/TCP port", flow_counts | f::prot | f::srcport | f::dstport,
     [](Run& run) {
         run.array_report(65536, "port      ", run.services,
                          [](const Record& r, KeyArrayTable& table, StatCounters& total) {
                              if (!tcp_or_udp(r)) return;
                              const StatCounters c = counters_of(r);
                              total.add(c);
                              total.add(c);
                              table.add(r.srcport, c);
                              table.add(r.dstport, c);
                          });
     }},
    // -f 8
    {"Destination IP", flow_counts | f::dstaddr,
     [](Run& run) {
         run.hash_report(L::address, [](const Record& r) { return TableKey{r.dstaddr}; });
     }},
    // -f 9
    {"Source IP", flow_counts | f::srcaddr,
     [](Run& run) {
         run.hash_report(L::address, [](const Record& r) { return TableKey{r.srcaddr}; });
     }},
    // -f 10
    {"Source/Destination IP", flow_counts | f::srcaddr | f::dstaddr,
     [](Run& run) {
         run.hash_report(L::address_pair, [](const Record& r) {
             return TableKey{r.srcaddr, r.dstaddr};
         });
     }},
    // -f 11
    {"Source or Destination IP", flow_counts | f::srcaddr | f::dstaddr,
     [](Run& run) { run.either_address(); }},
    // -f 12
    {"IP protocol", flow_counts | f::prot,
     [](Run& run) {
         run.array_report(256, "protocol  ", run.protocols,
                          one_key([](const Record& r) { return r.prot; }));
     }},
    // -f 13
    {"octets for flow duration plot data", flow_counts, [](Run& run) { run.plot_data(false); }},
    // -f 14
    {"packets for flow duration plot data", flow_counts, [](Run& run) { run.plot_data(true); }},
    // -f 15
    {"short summary", flow_counts, [](Run& run) { run.short_summary(); }},
    // -f 16
    {"IP Next Hop", flow_counts | f::nexthop,
     [](Run& run) {
         run.hash_report(L::address, [](const Record& r) { return TableKey{r.nexthop}; });
     }},
    // -f 17: interface numbers have no names; the original turns -n off for them.
    {"Input interface", flow_counts | f::input,
     [](Run& run) {
         run.array_report(65536, "interface ", {},
                          one_key([](const Record& r) { return r.input; }));
     }},
    // -f 18
    {"Output interface", flow_counts | f::output,
     [](Run& run) {
         run.array_report(65536, "interface ", {},
                          one_key([](const Record& r) { return r.output; }));
     }},
    // -f 19: AS names would come from flow-tools' own symbol file; numbers are
    // printed.
    {"Source AS", flow_counts | f::src_as,
     [](Run& run) {
         run.array_report(65536, "src AS    ", {},
                          one_key([](const Record& r) { return r.src_as; }));
     }},
    // -f 20
    {"Destination AS", flow_counts | f::dst_as,
     [](Run& run) {
         run.array_report(65536, "dst AS    ", {},
                          one_key([](const Record& r) { return r.dst_as; }));
     }},
    // -f 21
    {"Source/Destination AS", flow_counts | f::src_as | f::dst_as,
     [](Run& run) {
         run.hash_report(L::as_pair, [](const Record& r) { return TableKey{r.src_as, r.dst_as}; });
     }},
    // -f 22
    {"IP ToS", flow_counts | f::tos,
     [](Run& run) {
         run.array_report(256, "ToS       ", {}, one_key([](const Record& r) { return r.tos; }));
     }},
    // -f 23
    {"Input/Output Interface", flow_counts | f::input | f::output,
     [](Run& run) {
         run.hash_report(L::interface_pair, [](const Record& r) {
             return TableKey{r.input, r.output};
         });
     }},
    // -f 24
    {"Source Prefix", flow_counts | f::srcaddr | f::src_mask,
     [](Run& run) {
         run.hash_report(L::prefix, [](const Record& r) {
             return TableKey{prefix_of(r.srcaddr, r.src_mask), 0, r.src_mask};
         });
     }},
    // -f 25
    {"Destination Prefix", flow_counts | f::dstaddr | f::dst_mask,
     [](Run& run) {
         run.hash_report(L::prefix, [](const Record& r) {
             return TableKey{prefix_of(r.dstaddr, r.dst_mask), 0, r.dst_mask};
         });
     }},
    // -f 26
    {"Source/Destination Prefix", flow_counts | f::srcaddr | f::dstaddr | f::src_mask | f::dst_mask,
     [](Run& run) {
         run.hash_report(L::prefix_pair, [](const Record& r) {
             return TableKey{prefix_of(r.srcaddr, r.src_mask), prefix_of(r.dstaddr, r.dst_mask),
                             std::uint32_t{r.src_mask} | (std::uint32_t{r.dst_mask} << 8)};
         });
     }},
    // -f 27
    {"Exporter IP", flow_counts | f::exaddr,
     [](Run& run) {
         run.hash_report(L::address, [](const Record& r) { return TableKey{r.exaddr}; });
     }},
    // -f 28
    {"Engine Id", flow_counts | f::engine_id,
     [](Run& run) {
         run.array_report(256, "engine_id ", {},
                          one_key([](const Record& r) { return r.engine_id; }));
     }},
    // -f 29
    {"Engine Type", flow_counts | f::engine_type,
     [](Run& run) {
         run.array_report(256, "engine_type ", {},
                          one_key([](const Record& r) { return r.engine_type; }));
     }},
    // -f 30
    {"Source Tag", flow_counts | f::src_tag,
     [](Run& run) {
         run.hash_report(
             L::number, [](const Record& r) { return TableKey{r.src_tag}; }, "Src Tag ");
     }},
    // -f 31
    {"Destination Tag", flow_counts | f::dst_tag,
     [](Run& run) {
         run.hash_report(
             L::number, [](const Record& r) { return TableKey{r.dst_tag}; }, "Dst Tag ");
     }},
    // -f 32
    {"Source/Destination Tag", flow_counts | f::src_tag | f::dst_tag,
     [](Run& run) {
         run.hash_report(
             L::number_pair,
             [](const Record& r) {
                 return TableKey{r.src_tag, r.dst_tag};
             },
             "Src Tag ", "Dst Tag   ");
     }},
};
static_assert(std::size(reports) == legacy_stat_report_count);

}  // namespace

std::string_view legacy_stat_report_name(int format) {
    if (format < 0 || format >= legacy_stat_report_count) return {};
    return reports[static_cast<std::size_t>(format)].name;
}

void run_legacy_stat_report(const LegacyStatOptions& o, const LegacyStatInput& input,
                            std::string_view program, std::ostream& out, std::ostream& err) {
    if (o.format < 0 || o.format >= legacy_stat_report_count) return;
    const Report& report = reports[static_cast<std::size_t>(o.format)];
    const std::uint64_t fields = flowfile::field_mask(input.export_version);
    if ((fields & report.required_fields) != report.required_fields) {
        err << program << ": Flow record missing required field for format.\n";
        return;
    }

    // -n: flow-tools' own symbol files hold the same names as services(5)
    // and protocols(5); a port is looked up as tcp, then as udp.
    const ServiceNames symbols = o.names ? ServiceNames::load() : ServiceNames();
    const KeyNames services = [&](std::uint32_t port) {
        const auto p = static_cast<std::uint16_t>(port);
        const std::string_view tcp = symbols.port_name(p, 6);
        return tcp.empty() ? symbols.port_name(p, 17) : tcp;
    };
    const KeyNames protocols = [&](std::uint32_t prot) {
        return symbols.protocol_name(static_cast<std::uint8_t>(prot));
    };
    Run run{o, input, out, err, services, protocols};
    report.run(run);
}

}  // namespace flowquery
