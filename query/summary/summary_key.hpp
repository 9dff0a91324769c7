#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "flowfile/record.hpp"
#include "summary/summary_spec.hpp"

namespace flowquery {

class ServicePortRule;

// All key columns of one summary row packed into a few machine words, so
// that aggregating a record costs a hash of at most six integers and no
// allocation.  Unused words stay zero; a report hashes only the words its
// keys use (one or two for the common ones).
inline constexpr std::size_t max_summary_key_words = 6;

// Which series a layout is for: IPv4 records keep 32-bit address columns
// (so src-ip,dst-ip still packs in one word), IPv6 records need 33 bits
// (see address_key_value).  A value means the same in both.
enum class KeyFamily { ipv4, ipv6 };
using PackedSummaryKey = std::array<std::uint64_t, max_summary_key_words>;

// Where each column of a --by list lives in a PackedSummaryKey.  Column
// values are unsigned integers of a fixed width per key (see bits_of);
// wider columns are placed first so that no value straddles two words and
// every combination of distinct keys fits.
class SummaryKeyLayout {
  public:
    SummaryKeyLayout(const std::vector<SummaryKey>& by, KeyFamily family);

    std::size_t words() const { return words_; }

    void set(PackedSummaryKey& key, std::size_t column, std::uint64_t value) const {
        const Field& f = fields_[column];
        key[f.word] |= (value & f.mask) << f.shift;
    }
    std::uint64_t get(const PackedSummaryKey& key, std::size_t column) const {
        const Field& f = fields_[column];
        return (key[f.word] >> f.shift) & f.mask;
    }
    void clear(PackedSummaryKey& key, std::size_t column) const {
        const Field& f = fields_[column];
        key[f.word] &= ~(f.mask << f.shift);
    }

    // Width in bits of a key's values: 8 for a protocol, 25 for a service
    // (protocol << 17 | port + 1, or 0 for no port), 16 for ports, 32 for
    // IPv4 and 33 for IPv6 records' addresses (see ipv6_address_key_bit),
    // 32 for account and connection numbers, 64 for interval starts.
    static unsigned bits_of(SummaryKey key, KeyFamily family);

  private:
    struct Field {
        std::uint8_t word = 0;
        std::uint8_t shift = 0;
        std::uint64_t mask = 0;
    };
    std::vector<Field> fields_;  // per column of `by`
    std::size_t words_ = 1;
};

// Interval starts are stored with the sign bit flipped, so that unsigned
// order is time order.
inline std::uint64_t interval_key_value(std::int64_t start_seconds) {
    return static_cast<std::uint64_t>(start_seconds) ^ (std::uint64_t{1} << 63);
}
inline std::int64_t interval_key_start(std::uint64_t value) {
    return static_cast<std::int64_t>(value ^ (std::uint64_t{1} << 63));
}

// An address key holds an IPv4 address as itself, so that the IPv4 path
// stays one integer copy, and an IPv6 address as bit 32 plus its number in
// the Summary's own table of IPv6 addresses (Summary interns them); only the
// IPv6 layout has room for that bit.
inline constexpr std::uint64_t ipv6_address_key_bit = std::uint64_t{1} << 32;
inline bool is_ipv6_address_key(std::uint64_t value) {
    return (value & ipv6_address_key_bit) != 0;
}

// The service key of a flow: protocol << 17 | (port + 1), the port chosen by
// `rule`; protocol << 17 alone for protocols without ports (all but TCP, UDP
// and SCTP).
std::uint64_t service_key_value(const ServicePortRule& rule, std::uint8_t protocol,
                                std::uint16_t src_port, std::uint16_t dst_port);

inline bool protocol_has_ports(std::uint8_t protocol) {
    return protocol == 6 || protocol == 17 || protocol == 132;
}

}  // namespace flowquery
