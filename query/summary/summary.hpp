#pragma once

#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"
#include "summary/ipv6_numbering.hpp"
#include "summary/name_numbering.hpp"
#include "summary/summary_interval.hpp"
#include "summary/summary_key.hpp"
#include "summary/summary_render.hpp"
#include "summary/summary_spec.hpp"
#include "summary/summary_table.hpp"
#include "time/time_text.hpp"

namespace flowquery {

class ClientMap;
class ServiceNames;

// The reports of flow-stat --by / --interval / --top / --sort.
//
// Every row has the key columns, in --by order, then flows, packets and
// octets: the number of flows and the 64-bit sums of their packets and
// octets (an IPv6 flow's counters are 64-bit themselves; a sum that would
// pass 2^64 - 1 stays there instead of wrapping round to a small number).
// IPv4 and IPv6 flows count in the same report.  The total (the last "total" row of a table, the
// "total" object of JSON, and in CSV the only row when there is no --by) counts every flow the
// report counted once, including the rows --top leaves out.
//
// Keys:
//   protocol  the IP protocol, by name from /etc/protocols ("tcp"), else its
//             number.
//   service   the protocol plus its server's port (see ServicePortRule: the
//             port the filters matched, else the one below 1024, else the
//             lower), printed by name "smtp/tcp" or number "8443/tcp".
//             Protocols without ports show the protocol alone ("icmp").
//   src-port, dst-port, port
//             only TCP, UDP and SCTP flows have ports: a report with a port
//             key leaves out all other flows (its total too).
//   src-ip, dst-ip, ip, exporter
//             dotted-quad IPv4 addresses and RFC 5952 IPv6 addresses
//             ("2001:db8::1"); exporter is the router that sent the flow,
//             one row per router whichever series its flows are in (an
//             IPv4 exporter of IPv6 flows, ::ffff:a.b.c.d in their
//             records, is the IPv4 row a.b.c.d).
//   account   the customer on the client side of the flow (--clients): the
//             source address's account if the file maps it at the flow's
//             start, else the destination's; "(unknown)" when neither.
//   connection
//             the connection type (FTTH, xDSL...) of that client; "(unknown)"
//             without a client or when the clients file gives none.
//   interval  the period (--interval) holding the flow's start, printed as
//             the period's start in ISO 8601 with its UTC offset.  Periods
//             follow the local wall clock (or UTC with --utc): a day starts
//             at local midnight, so a daylight saving day has 23 or 25 hours,
//             hour periods start on the local hour, in half-hour zones too;
//             week periods start on Monday.  See IntervalBuckets.
// `port` and `ip` count each flow under both its values (like the original
// flow-stat's reports 7 and 11), so their rows add up to more than the
// total; a flow whose two sides are equal is counted once.  With both keys
// a flow may count under four rows.
//
// Order: descending by the --sort metric (default octets), ties broken by
// the keys in --by order, ascending (numbers numerically, services by
// number, addresses by number with every IPv4 address before every IPv6
// one, accounts and connection types by name), so the output does not
// depend on the order flows were read in.  With an interval key, rows are grouped by
// period, oldest first, and sorted within each period; --top N keeps the
// first N rows of each period (of the whole report otherwise).
//
// Memory grows with the number of distinct rows only.  Names are looked up
// when printing; adding a record costs one hash lookup per row it counts in.
//
// One Summary per thread: add() and merge() are not thread-safe.
class Summary {
  public:
    // `names` and `clients` (nullptr: no --clients, every account is
    // "(unknown)") must outlive the Summary.
    Summary(SummarySpec spec, const ServiceNames& names, const ClientMap* clients);

    void add(std::span<const flowfile::Record> records);
    void add(std::span<const flowfile::Record6> records);

    // Counts flows that were counted elsewhere (a file's index totals) as
    // add() would count their records: `counters` under the row whose key
    // columns, in --by order, have `values` (a protocol number, a port, as
    // add() takes them from a record), and in the total; with no --by,
    // `values` is empty and only the total counts.  For reports where a flow
    // counts under one row: std::invalid_argument for a key that counts it
    // under two (port, ip) or numbers its values itself (addresses,
    // account, connection), or a wrong number of values.
    void add_counted(std::span<const std::uint64_t> values, const SummaryCounters& counters);

    // Adds another Summary's rows and total.  It must have the same spec
    // (std::invalid_argument otherwise); the result does not depend on which
    // records went to which Summary.
    void merge(Summary&& other);

    void write(std::ostream& out, SummaryFormat format, TimeZoneStyle zone) const;

    // The rows of write() as text, in output order.
    SummaryReport report(TimeZoneStyle zone) const;

    const SummaryCounters& total() const { return total_; }

  private:
    template <typename R>
    void add_record(const R& r);
    template <typename R>
    void add_direct(std::span<const R> records);
    // Calls fn(layout, key, counters) for every row of table_, table6_ and
    // direct_; a row of both families comes once from each table.
    template <typename Fn>
    void for_each_row(Fn&& fn) const {
        table_.for_each([&](const PackedSummaryKey& key, const SummaryCounters& counters) {
            fn(layout_, key, counters);
        });
        table6_.for_each([&](const PackedSummaryKey& key, const SummaryCounters& counters) {
            fn(layout6_, key, counters);
        });
        for (std::size_t value = 0; value < direct_.size(); ++value) {
            if (direct_[value].flows == 0) continue;
            PackedSummaryKey key{};
            layout_.set(key, 0, value);
            fn(layout_, static_cast<const PackedSummaryKey&>(key), direct_[value]);
        }
    }
    void merge_table(Summary& other, const SummaryKeyLayout& layout, const SummaryTable& from,
                     SummaryTable& to);
    // Address key values (summary_key.hpp): an IPv4 address as itself, an
    // IPv6 one numbered; an IPv4-mapped exporter is the IPv4 exporter.
    static std::uint64_t address_value(std::uint32_t address) { return address; }
    std::uint64_t address_value(const flowfile::Ipv6Address& address) {
        return ipv6_address_key_bit | ipv6_.number(address);
    }
    static std::uint64_t exporter_value(std::uint32_t address) { return address; }
    std::uint64_t exporter_value(const flowfile::Ipv6Address& address);
    std::string cell_text(std::size_t column, std::uint64_t value, TimeZoneStyle zone) const;

    SummarySpec spec_;
    const ServiceNames* names_;
    const ClientMap* clients_;
    // The rows of IPv4 records and of IPv6 records apart, each in its
    // family's layout: an IPv4-only report packs its keys as tightly as
    // before there was IPv6.  report() adds up a row found in both.
    SummaryKeyLayout layout_;
    SummaryKeyLayout layout6_;
    SummaryTable table_;
    SummaryTable table6_;
    // A report on one key of at most 16 bits (a protocol or a port) counts in
    // a plain array indexed by the value instead of table_: no hashing in the
    // hottest loop of the top-N port report.  Empty otherwise.
    std::vector<SummaryCounters> direct_;
    SummaryCounters total_;
    bool needs_ports_ = false;
    bool needs_client_ = false;
    IntervalBuckets intervals_;

    NameNumbering accounts_;
    NameNumbering connections_;
    Ipv6Numbering ipv6_;
};

}  // namespace flowquery
