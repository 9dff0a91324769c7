#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "filter/service_names.hpp"

namespace flowquery {

// A set of ports from a list of numbers, ranges and service names
// ("25,smtp,1024-65535,https"), held as a 65536-bit bitset.
class PortSet {
  public:
    // Throws UsageError naming the option and the bad item:
    //   "--port: bad port '70000'",
    //   "--dst-port: bad port range '90-80'" (also "1-", "1-70000"),
    //   "--port: unknown service 'smtpx'",
    //   "--port: empty item in list '25,,80'".
    // A name is looked up as a whole, so services with a '-' in their name
    // ("http-alt") work; ranges are numeric only.
    static PortSet parse(std::string_view list, std::string_view option, const ServiceNames& names);

    bool contains(std::uint16_t port) const { return (bits_[port >> 6] >> (port & 63)) & 1; }

  private:
    void add(unsigned first, unsigned last);

    std::vector<std::uint64_t> bits_ = std::vector<std::uint64_t>(65536 / 64);
};

}  // namespace flowquery
