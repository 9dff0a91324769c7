#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"

namespace flowquery {

// The --clients FILE: which customer used an address, and when.
//
// The file is CSV (RFC 4180: a field may be enclosed in double quotes, a
// quote inside one is written twice, commas inside quotes are plain text).
// One entry per line; a line whose first non-blank character is '#' is a
// comment, blank lines are ignored, a UTF-8 byte order mark and CRLF line
// ends are accepted.  The first entry line may be the header
//
//     prefix,account,device,valid_from,valid_until,connection
//
// (names in any case; without ",connection" for a file of five columns),
// which is skipped.  Columns, in this order:
//
//   prefix       an IPv4 address (10.0.3.7) or CIDR prefix (10.0.3.0/28), or
//                an IPv6 address (2001:db8:3:7::1, a /128) or prefix in any
//                RFC 4291 form (the /56 or /64 delegated to a customer:
//                2001:db8:3:700::/56); the address of a prefix must have no
//                host bits set.  An IPv4-mapped address (::ffff:10.0.3.7)
//                is the IPv4 address
//   account      the customer's account id; required, any text
//   device       the customer's device id (CPE, modem, line); may be empty
//   valid_from   first instant of the mapping; empty: since ever
//   valid_until  first instant it no longer holds; empty: still valid
//   connection   the connection type (FTTH, xDSL, Wi-Fi, LTE, any text), as
//                the record of a customer's communication must list it;
//                may be empty or left out
//
// Times are ISO 8601 dates or date-times with an optional zone, or epoch
// seconds, as in --from: 2026-02-01, 2026-02-01T08:30, 2026-02-01T08:30:00Z,
// 2026-02-01 08:30+01:00, 1769904000.  Without a zone they are local time
// (TZ).  The period is [valid_from, valid_until): a customer who leaves at
// the end of January has valid_until 2026-02-01, and the next holder of the
// address valid_from 2026-02-01.  Trailing empty columns may be left out
// ("10.0.3.7,acct-1" is valid forever, without a device or connection), so
// files of the five columns before `connection` stay valid.
//
// Prefixes may nest (a business customer's /24 with a /32 inside it lent to
// someone else, a /64 of a delegated /56 given to another customer): a flow
// takes the most specific prefix whose period contains its time.  Two
// entries for the same prefix must not have overlapping periods.  The
// families are apart: an IPv4 prefix never holds an IPv6 address.
//
// Example:
//
//     prefix,account,device,valid_from,valid_until,connection
//     # residential: 10.0.3.7 changed hands on 1 February
//     10.0.3.7,acct-1001,cpe-7a21,2026-01-01,2026-02-01,xDSL
//     10.0.3.7,acct-1002,cpe-9f03,2026-02-01,,FTTH
//     # a business /24, one address of which is another customer's
//     198.51.100.0/24,acct-2001,router-1,,,FTTH
//     198.51.100.77,"Example Ltd, branch 2",,2026-01-15T12:00Z,
//     # IPv6: acct-1002's delegated /56, one /64 of which went to acct-3001
//     2001:db8:3:700::/56,acct-1002,cpe-9f03,2026-02-01,,FTTH
//     2001:db8:3:7ff::/64,acct-3001,ap-17,2026-03-01,,Wi-Fi
//
// Every problem is an error that stops the tool (exit 2) with one line:
//   clients file F: cannot open (No such file or directory)
//   clients file F line N: bad address '10.0.3.256'
//   clients file F line N: bad address '2001:db8::g'
//   clients file F line N: bad prefix length in '10.0.3.0/33' (expected 0 to 32)
//   clients file F line N: bad prefix length in '2001:db8::/129' (expected 0 to 128)
//   clients file F line N: '10.0.3.5/28' has host bits set (did you mean 10.0.3.0/28?)
//   clients file F line N: '2001:db8:3:7::/56' has host bits set (did you mean 2001:db8:3::/56?)
//   clients file F line N: missing account
//   clients file F line N: valid_from: bad time 'X' (expected ...)
//   clients file F line N: valid_until '2026-01-01' is not after valid_from '2026-02-01'
//   clients file F line N: period of 10.0.3.7/32 overlaps the one on line M
//   clients file F line N: period of 2001:db8:3:700::/56 overlaps the one on line M
//   clients file F line N: unterminated quote in field 2 (and other CSV errors)
//   clients file F line N: expected at most 6 fields
//   (prefix,account,device,valid_from,valid_until,connection), found 7

// Views into the ClientMap that produced them; valid while it lives (moving
// the map keeps them valid).
struct ClientIdentity {
    std::string_view account;
    std::string_view device;
    std::string_view connection;  // FTTH, xDSL, Wi-Fi, LTE...; may be empty
};

class ClientMap {
  public:
    // Throws UsageError (see above), also when the file cannot be read.
    static ClientMap load(const std::filesystem::path& file);
    // `file_name` only names the file in error messages.
    static ClientMap parse(std::string_view text, std::string_view file_name);

    // The mapping valid at `unix_seconds` for this address: the most specific
    // prefix whose period contains the time; nullopt when none.  Allocates
    // nothing: it runs once or twice per flow.
    std::optional<ClientIdentity> find(std::uint32_t address, std::int64_t unix_seconds) const;
    // The same for an IPv6 address; an IPv4-mapped one is looked up as the
    // IPv4 address.
    std::optional<ClientIdentity> find(const flowfile::Ipv6Address& address,
                                       std::int64_t unix_seconds) const;

    // Whether some entry, at any time, has this account (to reject a
    // misspelt --account instead of silently printing nothing).
    bool has_account(std::string_view account) const;
    // The same for a connection type (--connection).
    bool has_connection(std::string_view connection) const;

    // Number of entries (lines with a mapping).
    std::size_t size() const { return entry_count_; }

    // One entry's prefix and period, for a query that narrows by client
    // before it reads (the block index: which addresses, when).
    struct PrefixPeriod {
        bool ipv6 = false;
        std::uint32_t network = 0;  // IPv4, host order
        std::uint64_t network6_high = 0;
        std::uint64_t network6_low = 0;
        unsigned length = 32;
        std::int64_t from = 0;   // inclusive, Unix seconds
        std::int64_t until = 0;  // exclusive
    };
    // Every entry whose account is in `accounts` and whose connection type is
    // in `connections` (an empty list wants all): a flow --account and
    // --connection keep has one side inside one of these prefixes at a
    // time inside its period.
    std::vector<PrefixPeriod> prefixes_of(const std::vector<std::string>& accounts,
                                          const std::vector<std::string>& connections) const;

  private:
    struct Period {
        std::int64_t from;   // inclusive
        std::int64_t until;  // exclusive
        ClientIdentity identity;
    };
    // Open-addressing hash slot: the periods of one prefix are
    // periods_[first, first + count), sorted by `from`.  count 0: empty slot.
    struct Slot {
        std::uint32_t network = 0;
        std::uint32_t first = 0;
        std::uint32_t count = 0;
    };
    // All prefixes of one length.
    struct PrefixTable {
        std::uint32_t mask = 0;
        unsigned shift = 0;  // 32 - log2(slots.size()), for Fibonacci hashing
        std::vector<Slot> slots;
        const Slot* lookup(std::uint32_t network) const;
    };
    // The same for IPv6: the 128-bit network as two halves.
    struct Slot6 {
        std::uint64_t high = 0;
        std::uint64_t low = 0;
        std::uint32_t first = 0;
        std::uint32_t count = 0;
    };
    struct PrefixTable6 {
        std::uint64_t mask_high = 0;
        std::uint64_t mask_low = 0;
        unsigned shift = 0;  // 64 - log2(slots.size())
        std::vector<Slot6> slots;
        const Slot6* lookup(std::uint64_t high, std::uint64_t low) const;
    };
    struct Entry;

    static ClientMap build(std::vector<Entry> entries, std::string_view file_name);
    std::optional<ClientIdentity> find_in(std::uint32_t first, std::uint32_t count,
                                          std::int64_t unix_seconds) const;

    std::unique_ptr<char[]> text_;       // account, device, connection texts; never moves
    std::vector<PrefixTable> tables_;    // longest prefix first
    std::vector<PrefixTable6> tables6_;  // longest prefix first
    std::vector<Period> periods_;
    std::vector<std::string_view> accounts_;     // sorted, unique
    std::vector<std::string_view> connections_;  // sorted, unique, none empty
    std::size_t entry_count_ = 0;
};

// The client side of a flow: the source address if the map knows it at the
// flow's start, else the destination; nullopt if neither.  For both
// families.
struct FlowClient {
    ClientIdentity identity;
    bool client_is_source;
};

std::optional<FlowClient> find_flow_client(const ClientMap& map, const flowfile::Record& r);
std::optional<FlowClient> find_flow_client(const ClientMap& map, const flowfile::Record6& r);

}  // namespace flowquery
