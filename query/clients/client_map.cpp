#include "clients/client_map.hpp"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <tuple>
#include <utility>

#include "clients/csv_line.hpp"
#include "filter/ipv4_prefix.hpp"
#include "filter/ipv6_prefix.hpp"
#include "flowfile/ipv4_text.hpp"
#include "flowfile/text_lines.hpp"
#include "time/time_spec.hpp"
#include "tools/usage_error.hpp"

namespace flowquery {

struct ClientMap::Entry {
    bool ipv6 = false;
    // IPv4: network; IPv6: network6_high and network6_low.
    std::uint32_t network = 0;
    std::uint64_t network6_high = 0;
    std::uint64_t network6_low = 0;
    unsigned length = 32;
    std::int64_t from = std::numeric_limits<std::int64_t>::min();
    std::int64_t until = std::numeric_limits<std::int64_t>::max();
    std::string account;
    std::string device;
    std::string connection;
    std::size_t line = 0;

    auto key() const { return std::tuple(ipv6, length, network, network6_high, network6_low); }
};

namespace {

constexpr std::size_t column_count = 6;
// Files written before the connection column stay valid, header and all.
constexpr std::size_t first_column_count = 5;
constexpr std::string_view header_names[column_count] = {"prefix",     "account",     "device",
                                                         "valid_from", "valid_until", "connection"};
constexpr std::string_view header_line = "prefix,account,device,valid_from,valid_until,connection";

constexpr unsigned mapped_prefix_length = 96;

// Knuth's multiplicative constant: spreads neighbouring addresses (a customer
// pool is usually one run of them) over the whole table.
constexpr std::uint32_t fibonacci_multiplier = 2654435769u;
constexpr std::uint64_t fibonacci_multiplier64 = 11400714819323198485ull;

std::uint32_t prefix_mask(unsigned length) {
    return length == 0 ? 0 : ~std::uint32_t{0} << (32 - length);
}

std::uint64_t half_mask(unsigned length) {
    return length == 0 ? 0 : length >= 64 ? ~std::uint64_t{0} : ~std::uint64_t{0} << (64 - length);
}

// Delegated prefixes differ in the bits just above the prefix length, so
// both halves feed the hash.
std::uint64_t hash6(std::uint64_t high, std::uint64_t low) {
    return (high ^ low * fibonacci_multiplier64) * fibonacci_multiplier64;
}

std::uint64_t half_number(const flowfile::Ipv6Address& a, std::size_t from) {
    std::uint64_t n = 0;
    for (std::size_t i = from; i < from + 8; ++i) n = n << 8 | a[i];
    return n;
}

flowfile::Ipv6Address address_of(std::uint64_t high, std::uint64_t low) {
    flowfile::Ipv6Address a{};
    for (int i = 7; i >= 0; --i, high >>= 8, low >>= 8) {
        a[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(high);
        a[static_cast<std::size_t>(i) + 8] = static_cast<std::uint8_t>(low);
    }
    return a;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
        return lower(x) == lower(y);
    });
}

bool is_header(const std::vector<std::string>& fields) {
    return !fields.empty() && equals_ignoring_case(fields[0], header_names[0]);
}

bool is_complete_header(const std::vector<std::string>& fields) {
    if (fields.size() != column_count && fields.size() != first_column_count) return false;
    for (std::size_t i = 0; i < fields.size(); ++i)
        if (!equals_ignoring_case(fields[i], header_names[i])) return false;
    return true;
}

std::string prefix_text(const auto& e) {
    return (e.ipv6 ? flowfile::ipv6_text(address_of(e.network6_high, e.network6_low))
                   : flowfile::ipv4_text(e.network)) +
           '/' + std::to_string(e.length);
}

}  // namespace

ClientMap ClientMap::load(const std::filesystem::path& file) {
    const std::string name = file.string();
    struct FileCloser {
        void operator()(std::FILE* f) const { std::fclose(f); }
    };
    std::unique_ptr<std::FILE, FileCloser> stream(std::fopen(name.c_str(), "rb"));
    if (!stream)
        throw UsageError("clients file " + name + ": cannot open (" + std::strerror(errno) + ")");
    std::string text;
    char buffer[1 << 16];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, stream.get())) > 0) text.append(buffer, got);
    if (std::ferror(stream.get()))
        throw UsageError("clients file " + name + ": cannot read (" + std::strerror(errno) + ")");
    return parse(text, name);
}

ClientMap ClientMap::parse(std::string_view text, std::string_view file_name) {
    constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";
    if (text.substr(0, byte_order_mark.size()) == byte_order_mark)
        text.remove_prefix(byte_order_mark.size());

    std::vector<Entry> entries;
    bool first_entry_line = true;
    flowfile::TextLines lines(text);
    while (const auto text_line = lines.next()) {
        const std::size_t line_number = text_line->number;
        const std::string_view line = text_line->text;
        const std::size_t first_char = line.find_first_not_of(" \t");
        if (first_char == std::string_view::npos || line[first_char] == '#') continue;

        const std::string where = "clients file " + std::string(file_name) + " line " +
                                  std::to_string(line_number) + ": ";
        auto fail = [&](const std::string& what) { throw UsageError(where + what); };

        std::vector<std::string> fields;
        try {
            fields = split_csv_line(line);
        } catch (const CsvLineError& e) {
            fail(e.what());
        }
        if (first_entry_line) {
            first_entry_line = false;
            if (is_header(fields)) {
                if (!is_complete_header(fields))
                    fail("the header must be '" + std::string(header_line) + "'");
                continue;
            }
        }
        if (fields.size() > column_count)
            fail("expected at most " + std::to_string(column_count) + " fields (" +
                 std::string(header_line) + "), found " + std::to_string(fields.size()));
        fields.resize(column_count);

        Entry entry;
        entry.line = line_number;
        std::string_view prefix = fields[0];
        if (prefix.empty()) fail("missing address");
        if (looks_like_ipv6(prefix)) {
            const flowfile::Ipv6Prefix parsed = parse_ipv6_prefix_strict(prefix, where);
            if (parsed.length >= mapped_prefix_length && flowfile::is_ipv4_mapped(parsed.address)) {
                entry.network = flowfile::mapped_ipv4(parsed.address);
                entry.length = parsed.length - mapped_prefix_length;
            } else {
                entry.ipv6 = true;
                entry.network6_high = half_number(parsed.address, 0);
                entry.network6_low = half_number(parsed.address, 8);
                entry.length = parsed.length;
            }
        } else {
            const Ipv4Prefix parsed = parse_ipv4_prefix(prefix, where);
            entry.network = parsed.network;
            entry.length = parsed.length;
        }

        if (fields[1].empty()) fail("missing account");
        entry.account = std::move(fields[1]);
        entry.device = std::move(fields[2]);
        entry.connection = std::move(fields[5]);
        try {
            if (!fields[3].empty()) entry.from = parse_time_point(fields[3], "valid_from");
            if (!fields[4].empty()) entry.until = parse_time_point(fields[4], "valid_until");
        } catch (const UsageError& e) {
            fail(e.what());
        }
        if (entry.until <= entry.from)
            fail("valid_until '" + fields[4] + "' is not after valid_from '" + fields[3] + "'");
        entries.push_back(std::move(entry));
    }
    return build(std::move(entries), file_name);
}

ClientMap ClientMap::build(std::vector<Entry> entries, std::string_view file_name) {
    // Longest prefixes first, so that find() meets the most specific one
    // first; within a prefix by time, so that overlaps are neighbours.
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return std::tuple(a.ipv6, -int(a.length), a.network, a.network6_high, a.network6_low,
                          a.from, a.line) < std::tuple(b.ipv6, -int(b.length), b.network,
                                                       b.network6_high, b.network6_low, b.from,
                                                       b.line);
    });

    // Of all overlapping pairs, report the one whose later line comes first
    // in the file, as a reader going down the file would find it.
    const Entry* overlap_earlier = nullptr;
    const Entry* overlap_later = nullptr;
    for (std::size_t i = 1; i < entries.size(); ++i) {
        const Entry& a = entries[i - 1];
        const Entry& b = entries[i];
        if (a.key() != b.key() || a.until <= b.from) continue;
        const Entry* earlier = a.line < b.line ? &a : &b;
        const Entry* later = a.line < b.line ? &b : &a;
        if (!overlap_later || later->line < overlap_later->line) {
            overlap_earlier = earlier;
            overlap_later = later;
        }
    }
    if (overlap_later)
        throw UsageError("clients file " + std::string(file_name) + " line " +
                         std::to_string(overlap_later->line) + ": period of " +
                         prefix_text(*overlap_later) + " overlaps the one on line " +
                         std::to_string(overlap_earlier->line));

    ClientMap map;
    map.entry_count_ = entries.size();
    std::size_t text_size = 0;
    for (const Entry& e : entries)
        text_size += e.account.size() + e.device.size() + e.connection.size();
    map.text_ = std::make_unique<char[]>(std::max<std::size_t>(text_size, 1));
    char* next_text = map.text_.get();
    auto keep = [&next_text](const std::string& s) {
        std::string_view kept(next_text, s.size());
        next_text = std::copy(s.begin(), s.end(), next_text);
        return kept;
    };

    map.periods_.reserve(entries.size());
    // Keeps the periods of entries[i, group end) that share one network,
    // returning where the next network starts.
    auto keep_periods = [&](std::size_t i, std::size_t group_end, auto same_network) {
        for (; i < group_end && same_network(entries[i]); ++i) {
            const Entry& e = entries[i];
            const std::string_view account = keep(e.account);
            const std::string_view device = keep(e.device);
            const std::string_view connection = keep(e.connection);
            map.periods_.push_back(Period{e.from, e.until, {account, device, connection}});
            map.accounts_.push_back(account);
            if (!connection.empty()) map.connections_.push_back(connection);
        }
        return i;
    };
    for (std::size_t group = 0; group < entries.size();) {
        const bool ipv6 = entries[group].ipv6;
        const unsigned length = entries[group].length;
        std::size_t group_end = group;
        std::size_t networks = 0;
        while (group_end < entries.size() && entries[group_end].ipv6 == ipv6 &&
               entries[group_end].length == length) {
            if (group_end == group || entries[group_end].key() != entries[group_end - 1].key())
                ++networks;
            ++group_end;
        }
        unsigned bits = 1;
        while ((std::size_t{1} << bits) < 2 * networks) ++bits;

        if (!ipv6) {
            PrefixTable table;
            table.mask = prefix_mask(length);
            table.shift = 32 - bits;
            table.slots.resize(std::size_t{1} << bits);
            const std::uint32_t last_slot = std::uint32_t(table.slots.size() - 1);
            for (std::size_t i = group; i < group_end;) {
                const std::uint32_t network = entries[i].network;
                const std::uint32_t first = std::uint32_t(map.periods_.size());
                i = keep_periods(i, group_end,
                                 [network](const Entry& e) { return e.network == network; });
                const Slot slot{network, first, std::uint32_t(map.periods_.size()) - first};
                std::uint32_t index = (network * fibonacci_multiplier) >> table.shift;
                while (table.slots[index].count != 0) index = (index + 1) & last_slot;
                table.slots[index] = slot;
            }
            map.tables_.push_back(std::move(table));
        } else {
            PrefixTable6 table;
            table.mask_high = half_mask(length);
            table.mask_low = half_mask(length > 64 ? length - 64 : 0);
            table.shift = 64 - bits;
            table.slots.resize(std::size_t{1} << bits);
            const std::size_t last_slot = table.slots.size() - 1;
            for (std::size_t i = group; i < group_end;) {
                const std::uint64_t high = entries[i].network6_high;
                const std::uint64_t low = entries[i].network6_low;
                const std::uint32_t first = std::uint32_t(map.periods_.size());
                i = keep_periods(i, group_end, [high, low](const Entry& e) {
                    return e.network6_high == high && e.network6_low == low;
                });
                const Slot6 slot{high, low, first, std::uint32_t(map.periods_.size()) - first};
                std::size_t index = hash6(high, low) >> table.shift;
                while (table.slots[index].count != 0) index = (index + 1) & last_slot;
                table.slots[index] = slot;
            }
            map.tables6_.push_back(std::move(table));
        }
        group = group_end;
    }

    std::sort(map.accounts_.begin(), map.accounts_.end());
    map.accounts_.erase(std::unique(map.accounts_.begin(), map.accounts_.end()),
                        map.accounts_.end());
    std::sort(map.connections_.begin(), map.connections_.end());
    map.connections_.erase(std::unique(map.connections_.begin(), map.connections_.end()),
                           map.connections_.end());
    return map;
}

const ClientMap::Slot* ClientMap::PrefixTable::lookup(std::uint32_t network) const {
    const std::uint32_t last_slot = std::uint32_t(slots.size() - 1);
    // At most half full, so the probe always reaches an empty slot.
    for (std::uint32_t index = (network * fibonacci_multiplier) >> shift;;
         index = (index + 1) & last_slot) {
        const Slot& slot = slots[index];
        if (slot.count == 0) return nullptr;
        if (slot.network == network) return &slot;
    }
}

const ClientMap::Slot6* ClientMap::PrefixTable6::lookup(std::uint64_t high,
                                                        std::uint64_t low) const {
    const std::size_t last_slot = slots.size() - 1;
    for (std::size_t index = hash6(high, low) >> shift;; index = (index + 1) & last_slot) {
        const Slot6& slot = slots[index];
        if (slot.count == 0) return nullptr;
        if (slot.high == high && slot.low == low) return &slot;
    }
}

std::optional<ClientIdentity> ClientMap::find_in(std::uint32_t first_period, std::uint32_t count,
                                                 std::int64_t unix_seconds) const {
    const Period* first = periods_.data() + first_period;
    const Period* last = first + count;
    // The periods of one prefix are disjoint and sorted: only the last one
    // starting at or before the time can contain it.
    const Period* after = std::upper_bound(
        first, last, unix_seconds, [](std::int64_t t, const Period& p) { return t < p.from; });
    if (after != first && unix_seconds < after[-1].until) return after[-1].identity;
    return std::nullopt;
}

std::optional<ClientIdentity> ClientMap::find(std::uint32_t address,
                                              std::int64_t unix_seconds) const {
    for (const PrefixTable& table : tables_) {
        const Slot* slot = table.lookup(address & table.mask);
        if (!slot) continue;
        if (auto identity = find_in(slot->first, slot->count, unix_seconds)) return identity;
    }
    return std::nullopt;
}

std::optional<ClientIdentity> ClientMap::find(const flowfile::Ipv6Address& address,
                                              std::int64_t unix_seconds) const {
    if (flowfile::is_ipv4_mapped(address))
        return find(flowfile::mapped_ipv4(address), unix_seconds);
    const std::uint64_t high = half_number(address, 0);
    const std::uint64_t low = half_number(address, 8);
    for (const PrefixTable6& table : tables6_) {
        const Slot6* slot = table.lookup(high & table.mask_high, low & table.mask_low);
        if (!slot) continue;
        if (auto identity = find_in(slot->first, slot->count, unix_seconds)) return identity;
    }
    return std::nullopt;
}

bool ClientMap::has_account(std::string_view account) const {
    return std::binary_search(accounts_.begin(), accounts_.end(), account);
}

bool ClientMap::has_connection(std::string_view connection) const {
    return std::binary_search(connections_.begin(), connections_.end(), connection);
}

std::vector<ClientMap::PrefixPeriod> ClientMap::prefixes_of(
    const std::vector<std::string>& accounts, const std::vector<std::string>& connections) const {
    auto wanted = [](const std::vector<std::string>& list, std::string_view value) {
        return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
    };
    std::vector<PrefixPeriod> out;
    auto add_periods = [&](PrefixPeriod prefix, std::uint32_t first, std::uint32_t count) {
        for (std::uint32_t i = first; i < first + count; ++i) {
            const Period& p = periods_[i];
            if (!wanted(accounts, p.identity.account) ||
                !wanted(connections, p.identity.connection))
                continue;
            prefix.from = p.from;
            prefix.until = p.until;
            out.push_back(prefix);
        }
    };
    for (const PrefixTable& table : tables_) {
        for (const Slot& slot : table.slots) {
            if (slot.count == 0) continue;
            PrefixPeriod prefix;
            prefix.network = slot.network;
            prefix.length = unsigned(std::popcount(table.mask));
            add_periods(prefix, slot.first, slot.count);
        }
    }
    for (const PrefixTable6& table : tables6_) {
        for (const Slot6& slot : table.slots) {
            if (slot.count == 0) continue;
            PrefixPeriod prefix;
            prefix.ipv6 = true;
            prefix.network6_high = slot.high;
            prefix.network6_low = slot.low;
            prefix.length =
                unsigned(std::popcount(table.mask_high) + std::popcount(table.mask_low));
            add_periods(prefix, slot.first, slot.count);
        }
    }
    return out;
}

namespace {

// Periods are whole seconds: a flow starting at 23:59:59.5 belongs to the
// second 23:59:59, so round down, also for a (bogus) time before 1970.
std::int64_t start_second(std::int64_t start_ms) {
    std::int64_t start_seconds = start_ms / 1000;
    if (start_ms % 1000 < 0) --start_seconds;
    return start_seconds;
}

template <typename R>
std::optional<FlowClient> client_of(const ClientMap& map, const R& r, std::int64_t start_ms) {
    const std::int64_t start_seconds = start_second(start_ms);
    if (auto identity = map.find(r.srcaddr, start_seconds)) return FlowClient{*identity, true};
    if (auto identity = map.find(r.dstaddr, start_seconds)) return FlowClient{*identity, false};
    return std::nullopt;
}

}  // namespace

std::optional<FlowClient> find_flow_client(const ClientMap& map, const flowfile::Record& r) {
    return client_of(map, r, flowfile::flow_times(r).start_ms);
}

std::optional<FlowClient> find_flow_client(const ClientMap& map, const flowfile::Record6& r) {
    return client_of(map, r, r.start_ms);
}

}  // namespace flowquery
