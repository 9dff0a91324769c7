#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "filter/service_names.hpp"

namespace flowquery {

// A set of IP protocols from a list of numbers and names ("tcp,udp,47").
class ProtocolSet {
  public:
    // Throws UsageError naming the option and the bad item:
    //   "--proto: bad protocol number '300'",
    //   "--proto: unknown protocol 'tcpx'",
    //   "--proto: empty item in list 'tcp,'".
    static ProtocolSet parse(std::string_view list, std::string_view option,
                             const ServiceNames& names);

    bool contains(std::uint8_t protocol) const {
        return (bits_[protocol >> 6] >> (protocol & 63)) & 1;
    }
    bool contains_everything() const;

  private:
    std::array<std::uint64_t, 4> bits_{};
};

}  // namespace flowquery
