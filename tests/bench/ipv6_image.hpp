#pragma once

// The IPv6 image of a traffic model flow, for the benchmarks that read the
// IPv6 series beside v5 files of the same traffic: every counter, time,
// port and interface kept, the addresses mapped by the caller's rule.

#include <cstdint>

#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"

namespace flowkeep_bench {

// `address` maps each IPv4 address into the documentation /32
// (2001:db8::/32), so prefix lengths grow by 32 (0, unknown, stays 0); the
// exporter is kept as the IPv4-mapped address of the IPv4 one.
flowfile::Record6 ipv6_image(const flowfile::Record& r,
                             flowfile::Ipv6Address (*address)(std::uint32_t));

}  // namespace flowkeep_bench
