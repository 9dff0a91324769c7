#pragma once

#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "flowfile/record.hpp"
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
// octets.  The total (the last "total" row of a table, the "total" object
// of JSON, and in CSV the only row when there is no --by) counts every flow
// the report counted once, including the rows --top leaves out.
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
//             dotted-quad addresses; exporter is the router that sent the
//             flow.
//   account   the customer on the client side of the flow (--clients): the
//             source address's account if the file maps it at the flow's
//             start, else the destination's; "(unknown)" when neither.
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
// the keys in --by order, ascending (numbers numerically, addresses and
// services by number, accounts by name), so the output does not depend on
// the order flows were read in.  With an interval key, rows are grouped by
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

    // Adds another Summary's rows and total.  It must have the same spec
    // (std::invalid_argument otherwise); the result does not depend on which
    // records went to which Summary.
    void merge(Summary&& other);

    void write(std::ostream& out, SummaryFormat format, TimeZoneStyle zone) const;

    // The rows of write() as text, in output order.
    SummaryReport report(TimeZoneStyle zone) const;

    const SummaryCounters& total() const { return total_; }

  private:
    void add_record(const flowfile::Record& r);
    void add_direct(std::span<const flowfile::Record> records);
    // Calls fn(key, counters) for every row, from table_ and direct_.
    template <typename Fn>
    void for_each_row(Fn&& fn) const {
        table_.for_each(fn);
        for (std::size_t value = 0; value < direct_.size(); ++value) {
            if (direct_[value].flows == 0) continue;
            PackedSummaryKey key{};
            layout_.set(key, 0, value);
            fn(static_cast<const PackedSummaryKey&>(key), direct_[value]);
        }
    }
    std::uint32_t account_id(std::string_view account);
    std::uint32_t intern_account(std::string_view account);
    std::string cell_text(std::size_t column, std::uint64_t value, TimeZoneStyle zone) const;

    struct TransparentHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };

    SummarySpec spec_;
    const ServiceNames* names_;
    const ClientMap* clients_;
    SummaryKeyLayout layout_;
    SummaryTable table_;
    // A report on one key of at most 16 bits (a protocol or a port) counts in
    // a plain array indexed by the value instead of table_: no hashing in the
    // hottest loop of the top-N port report.  Empty otherwise.
    std::vector<SummaryCounters> direct_;
    SummaryCounters total_;
    bool needs_ports_ = false;
    IntervalBuckets intervals_;

    // Account key values: 0 is "(unknown)", n is account_names_[n - 1].
    std::vector<std::string> account_names_;
    std::unordered_map<std::string, std::uint32_t, TransparentHash, std::equal_to<>> account_ids_;
    // The client map hands out views of its own text, so a repeated view
    // (the same customer's flows often come together) skips hashing the name.
    const char* last_account_data_ = nullptr;
    std::size_t last_account_size_ = 0;
    std::uint32_t last_account_id_ = 0;
};

}  // namespace flowquery
