#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string_view>

#include "legacy_stat/legacy_stat_options.hpp"
#include "legacy_stat/legacy_stat_tables.hpp"

namespace flowquery {

// Writes an array report (ports, protocols, interfaces, AS, ToS, engines):
// column header, rows with flows, and #SUB tally lines with -P -t.  `title`
// is the key column name ("port      "); `key_name` (may be empty, or return
// "" for a key without a name) gives the symbolic names of -n.  A sort field that does not exist
// prints the original's "<cc> can't sort on field N." on err and nothing on out.
void write_array_report(std::ostream& out, std::ostream& err, const LegacyStatOptions& options,
                        const KeyArrayTable& table, const StatCounters& total,
                        std::string_view title,
                        const std::function<std::string_view(std::uint32_t)>& key_name = {});

// How a hash report prints its key column(s).
enum class HashKeyLayout {
    number,          // one 32-bit number: packet size, packets, octets, tag
    address,         // one IPv4 address
    address_pair,    // source / destination address
    as_pair,         // source / destination AS
    interface_pair,  // input / output interface
    prefix,          // one prefix with its mask
    prefix_pair,     // source / destination prefix
    number_pair,     // source / destination tag
};

// Writes a hash report in first-seen or sorted order.  `title` and `title2`
// name the key columns of the `number` and `number_pair` layouts.
void write_hash_report(std::ostream& out, std::ostream& err, const LegacyStatOptions& options,
                       const FirstSeenTable& table, const StatCounters& total, HashKeyLayout layout,
                       std::string_view title = {}, std::string_view title2 = {});

}  // namespace flowquery
