#include "legacy_stat/legacy_stat_reports.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include "filter/service_names.hpp"
#include "legacy_stat/legacy_stat_summary.hpp"
#include "legacy_stat/legacy_stat_table_text.hpp"
#include "legacy_stat/legacy_stat_tables.hpp"
#include "legacy_stat/legacy_stat_text.hpp"

namespace flowquery {

namespace {

using flowfile::Record;

constexpr std::array<std::string_view, legacy_stat_report_count> report_names = {
    "Overall Summary",
    "Average packet size distribution",
    "Packets per flow distribution",
    "Octets per flow distribution",
    "Bandwidth per flow distribution",
    "UDP/TCP destination port",
    "UDP/TCP source port",
    "UDP/TCP port",
    "Destination IP",
    "Source IP",
    "Source/Destination IP",
    "Source or Destination IP",
    "IP protocol",
    "octets for flow duration plot data",
    "packets for flow duration plot data",
    "short summary",
    "IP Next Hop",
    "Input interface",
    "Output interface",
    "Source AS",
    "Destination AS",
    "Source/Destination AS",
    "IP ToS",
    "Input/Output Interface",
    "Source Prefix",
    "Destination Prefix",
    "Source/Destination Prefix",
    "Exporter IP",
    "Engine Id",
    "Engine Type",
    "Source Tag",
    "Destination Tag",
    "Source/Destination Tag",
};

// Field bits of flowfile::field_mask (query-tools.md §4.2).
namespace field {
constexpr std::uint64_t unix_secs = 0x1;
constexpr std::uint64_t exaddr = 0x8;
constexpr std::uint64_t dpkts = 0x20;
constexpr std::uint64_t doctets = 0x40;
constexpr std::uint64_t first = 0x80;
constexpr std::uint64_t last = 0x100;
constexpr std::uint64_t engine_type = 0x200;
constexpr std::uint64_t engine_id = 0x400;
constexpr std::uint64_t srcaddr = 0x1000;
constexpr std::uint64_t dstaddr = 0x2000;
constexpr std::uint64_t nexthop = 0x10000;
constexpr std::uint64_t input = 0x20000;
constexpr std::uint64_t output = 0x40000;
constexpr std::uint64_t srcport = 0x80000;
constexpr std::uint64_t dstport = 0x100000;
constexpr std::uint64_t prot = 0x200000;
constexpr std::uint64_t tos = 0x400000;
constexpr std::uint64_t src_mask = 0x1000000;
constexpr std::uint64_t dst_mask = 0x2000000;
constexpr std::uint64_t src_as = 0x4000000;
constexpr std::uint64_t dst_as = 0x8000000;
constexpr std::uint64_t src_tag = 0x400000000;
constexpr std::uint64_t dst_tag = 0x800000000;
constexpr std::uint64_t counts = dpkts | doctets | first | last;
}  // namespace field

// The fields each report needs, as the original checks them before reading.
constexpr std::array<std::uint64_t, legacy_stat_report_count> required_fields = {
    field::counts | field::unix_secs,
    field::counts,
    field::counts,
    field::counts,
    0,
    field::counts | field::prot | field::dstport,
    field::counts | field::prot | field::srcport,
    field::counts | field::prot | field::srcport | field::dstport,
    field::counts | field::dstaddr,
    field::counts | field::srcaddr,
    field::counts | field::srcaddr | field::dstaddr,
    field::counts | field::srcaddr | field::dstaddr,
    field::counts | field::prot,
    field::counts,
    field::counts,
    field::counts,
    field::counts | field::nexthop,
    field::counts | field::input,
    field::counts | field::output,
    field::counts | field::src_as,
    field::counts | field::dst_as,
    field::counts | field::src_as | field::dst_as,
    field::counts | field::tos,
    field::counts | field::input | field::output,
    field::counts | field::srcaddr | field::src_mask,
    field::counts | field::dstaddr | field::dst_mask,
    field::counts | field::srcaddr | field::dstaddr | field::src_mask | field::dst_mask,
    field::counts | field::exaddr,
    field::counts | field::engine_id,
    field::counts | field::engine_type,
    field::counts | field::src_tag,
    field::counts | field::dst_tag,
    field::counts | field::src_tag | field::dst_tag,
};

StatCounters counters_of(const Record& r) {
    return StatCounters{1, r.doctets, r.dpkts, flowfile::flow_duration_ms(r)};
}

bool tcp_or_udp(const Record& r) {
    return r.prot == 6 || r.prot == 17;
}

std::uint32_t prefix_of(std::uint32_t addr, std::uint8_t mask) {
    // ipv4_len2mask(): a length above 32 gives an empty mask.
    if (mask == 0 || mask > 32) return 0;
    return addr & (0xFFFFFFFFu << (32 - mask));
}

template <class Visit>
void for_each_record(flowfile::Reader& reader, Visit&& visit) {
    for (;;) {
        const auto batch = reader.next_batch();
        if (batch.empty()) return;
        for (const Record& r : batch) visit(r);
    }
}

struct Run {
    const LegacyStatOptions& o;
    flowfile::Reader& reader;
    std::ostream& out;
    std::ostream& err;

    // `add(record, table, total)` counts one flow.
    template <class Add>
    void array_report(std::size_t keys, std::string_view title,
                      const std::function<std::string_view(std::uint32_t)>& names, Add&& add) {
        KeyArrayTable table(keys);
        StatCounters total;
        for_each_record(reader, [&](const Record& r) { add(r, table, total); });
        write_array_report(out, err, o, table, total, title, names);
    }

    // `key(record)` gives the flow's key; every flow counts once.
    template <class Key>
    void hash_report(HashKeyLayout layout, Key&& key, std::string_view title = {},
                     std::string_view title2 = {}) {
        FirstSeenTable table;
        StatCounters total;
        for_each_record(reader, [&](const Record& r) {
            const StatCounters c = counters_of(r);
            total.add(c);
            table.add(key(r), c);
        });
        write_hash_report(out, err, o, table, total, layout, title, title2);
    }

    void overall_summary() {
        OverallSummary summary;
        for_each_record(reader, [&](const Record& r) {
            if (!summary.add(r)) err << "Ignoring bogus flow dPkts=0\n";
        });
        out << summary.text();
    }

    // Report 1: the flow counts in the total even when it is skipped.
    void packet_sizes() {
        FirstSeenTable table;
        StatCounters total;
        for_each_record(reader, [&](const Record& r) {
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
        for_each_record(reader, [&](const Record& r) {
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
        for_each_record(reader, [&](const Record& r) { total.add(counters_of(r)); });
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

}  // namespace

std::string_view legacy_stat_report_name(int format) {
    if (format < 0 || format >= legacy_stat_report_count) return {};
    return report_names[static_cast<std::size_t>(format)];
}

void run_legacy_stat_report(const LegacyStatOptions& o, flowfile::Reader& reader,
                            std::string_view program, std::ostream& out, std::ostream& err) {
    const int format = static_cast<int>(o.format);
    if (format == 4) {
        out << "Not implemented.\n";
        return;
    }
    const std::uint64_t fields = flowfile::field_mask(reader.header().export_version.value_or(0));
    if ((fields & required_fields[static_cast<std::size_t>(format)]) !=
        required_fields[static_cast<std::size_t>(format)]) {
        err << program << ": Flow record missing required field for format.\n";
        return;
    }

    Run run{o, reader, out, err};
    // -n: flow-tools' own symbol files hold the same names as services(5)
    // and protocols(5); a port is looked up as tcp, then as udp.
    const ServiceNames symbols = o.names ? ServiceNames::load() : ServiceNames();
    const std::function<std::string_view(std::uint32_t)> services = [&](std::uint32_t port) {
        const auto p = static_cast<std::uint16_t>(port);
        const std::string_view tcp = symbols.port_name(p, 6);
        return tcp.empty() ? symbols.port_name(p, 17) : tcp;
    };
    const std::function<std::string_view(std::uint32_t)> protocols = [&](std::uint32_t prot) {
        return symbols.protocol_name(static_cast<std::uint8_t>(prot));
    };
    using L = HashKeyLayout;
    switch (format) {
        case 0:
            return run.overall_summary();
        case 1:
            return run.packet_sizes();
        case 2:
            return run.hash_report(
                L::number, [](const Record& r) { return TableKey{r.dpkts}; }, "Packets ");
        case 3:
            return run.hash_report(
                L::number, [](const Record& r) { return TableKey{r.doctets}; }, "Octets  ");
        case 5:
            return run.array_report(65536, "port      ", services,
                                    one_key([](const Record& r) { return r.dstport; }, true));
        case 6:
            return run.array_report(65536, "port      ", services,
                                    one_key([](const Record& r) { return r.srcport; }, true));
        case 7:
            return run.array_report(65536, "port      ", services,
                                    [](const Record& r, KeyArrayTable& table, StatCounters& total) {
                                        if (!tcp_or_udp(r)) return;
                                        const StatCounters c = counters_of(r);
                                        total.add(c);
                                        total.add(c);
                                        table.add(r.srcport, c);
                                        table.add(r.dstport, c);
                                    });
        case 8:
            return run.hash_report(L::address, [](const Record& r) { return TableKey{r.dstaddr}; });
        case 9:
            return run.hash_report(L::address, [](const Record& r) { return TableKey{r.srcaddr}; });
        case 10:
            return run.hash_report(L::address_pair, [](const Record& r) {
                return TableKey{r.srcaddr, r.dstaddr};
            });
        case 11: {
            // Both addresses of a flow count, but the flow only once in the total.
            FirstSeenTable table;
            StatCounters total;
            for_each_record(reader, [&](const Record& r) {
                const StatCounters c = counters_of(r);
                total.add(c);
                table.add(TableKey{r.srcaddr}, c);
                table.add(TableKey{r.dstaddr}, c);
            });
            return write_hash_report(out, err, o, table, total, L::address);
        }
        case 12:
            return run.array_report(256, "protocol  ", protocols,
                                    one_key([](const Record& r) { return r.prot; }));
        case 13:
        case 14:
            return run.plot_data(format == 14);
        case 15:
            return run.short_summary();
        case 16:
            return run.hash_report(L::address, [](const Record& r) { return TableKey{r.nexthop}; });
        // Interface numbers have no names; the original turns -n off for them.
        case 17:
            return run.array_report(65536, "interface ", {},
                                    one_key([](const Record& r) { return r.input; }));
        case 18:
            return run.array_report(65536, "interface ", {},
                                    one_key([](const Record& r) { return r.output; }));
        // AS names would come from flow-tools' own symbol file; numbers are printed.
        case 19:
            return run.array_report(65536, "src AS    ", {},
                                    one_key([](const Record& r) { return r.src_as; }));
        case 20:
            return run.array_report(65536, "dst AS    ", {},
                                    one_key([](const Record& r) { return r.dst_as; }));
        case 21:
            return run.hash_report(L::as_pair, [](const Record& r) {
                return TableKey{r.src_as, r.dst_as};
            });
        case 22:
            return run.array_report(256, "ToS       ", {},
                                    one_key([](const Record& r) { return r.tos; }));
        case 23:
            return run.hash_report(L::interface_pair, [](const Record& r) {
                return TableKey{r.input, r.output};
            });
        case 24:
            return run.hash_report(L::prefix, [](const Record& r) {
                return TableKey{prefix_of(r.srcaddr, r.src_mask), 0, r.src_mask};
            });
        case 25:
            return run.hash_report(L::prefix, [](const Record& r) {
                return TableKey{prefix_of(r.dstaddr, r.dst_mask), 0, r.dst_mask};
            });
        case 26:
            return run.hash_report(L::prefix_pair, [](const Record& r) {
                return TableKey{prefix_of(r.srcaddr, r.src_mask), prefix_of(r.dstaddr, r.dst_mask),
                                std::uint32_t{r.src_mask} | (std::uint32_t{r.dst_mask} << 8)};
            });
        case 27:
            return run.hash_report(L::address, [](const Record& r) { return TableKey{r.exaddr}; });
        case 28:
            return run.array_report(256, "engine_id ", {},
                                    one_key([](const Record& r) { return r.engine_id; }));
        case 29:
            return run.array_report(256, "engine_type ", {},
                                    one_key([](const Record& r) { return r.engine_type; }));
        case 30:
            return run.hash_report(
                L::number, [](const Record& r) { return TableKey{r.src_tag}; }, "Src Tag ");
        case 31:
            return run.hash_report(
                L::number, [](const Record& r) { return TableKey{r.dst_tag}; }, "Dst Tag ");
        case 32:
            return run.hash_report(
                L::number_pair,
                [](const Record& r) {
                    return TableKey{r.src_tag, r.dst_tag};
                },
                "Src Tag ", "Dst Tag   ");
        default:
            return;
    }
}

}  // namespace flowquery
