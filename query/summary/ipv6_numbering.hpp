#pragma once

#include <cstdint>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "flowfile/ipv6_text.hpp"

namespace flowquery {

// Numbers the IPv6 addresses a summary meets, so that an address key stays
// one 33-bit column (summary_key.hpp) whatever the family: IPv4 keeps its
// 32-bit value and the IPv4 path pays nothing for IPv6.  Numbers follow
// arrival order; merge() renumbers and rows are ordered by rank(), the
// address's place in numeric (network byte) order.
class Ipv6Numbering {
  public:
    std::uint32_t number(const flowfile::Ipv6Address& address) {
        // Flows of one conversation often come together.
        if (!addresses_.empty() && addresses_[last_] == address) return last_;
        const auto [it, inserted] =
            numbers_.try_emplace(address, static_cast<std::uint32_t>(addresses_.size()));
        if (inserted) addresses_.push_back(address);
        last_ = it->second;
        return last_;
    }

    const flowfile::Ipv6Address& address(std::uint64_t number) const { return addresses_[number]; }
    std::size_t size() const { return addresses_.size(); }

    // rank[number]: the address's position in ascending address order.
    std::vector<std::uint64_t> ranks() const;

  private:
    struct Hash {
        std::size_t operator()(const flowfile::Ipv6Address& a) const {
            std::uint64_t high = 0;
            std::uint64_t low = 0;
            std::memcpy(&high, a.data(), 8);
            std::memcpy(&low, a.data() + 8, 8);
            return std::hash<std::uint64_t>{}(high * 0x9E3779B97F4A7C15ULL ^ low);
        }
    };

    std::vector<flowfile::Ipv6Address> addresses_;
    std::unordered_map<flowfile::Ipv6Address, std::uint32_t, Hash> numbers_;
    std::uint32_t last_ = 0;
};

}  // namespace flowquery
