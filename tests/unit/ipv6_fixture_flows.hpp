#pragma once

// The flows of the IPv6 series files in tests/data/ipv6_files/ (README.md
// there), from a formula, so that a test can say what each file must hold.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "flowfile/record6.hpp"

namespace flowkeep_test {

inline std::vector<flowfile::Record6> ipv6_fixture_flows(std::size_t n) {
    std::vector<flowfile::Record6> v(n);
    for (std::size_t i = 0; i < n; ++i) {
        flowfile::Record6& r = v[i];
        const auto k = static_cast<std::uint8_t>(i);
        // 2001:db8:1:K::1 (a client's /64) to 2a00:1450:4001::K, next hop fe80::1.
        r.srcaddr = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, k, 0, 0, 0, 0, 0, 0, 0, 0x01};
        r.dstaddr = {0x2a, 0x00, 0x14, 0x50, 0x40, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, k};
        r.nexthop = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01};
        r.exaddr = i % 2 ? flowfile::ipv4_mapped(0xc0000201)
                         : flowfile::Ipv6Address{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                                 0,    0,    0,    0,    0, 0, 0, 0x53};
        r.dpkts = 1 + i * 7;
        r.doctets = i == 0 ? UINT64_MAX : r.dpkts * 1280 + (std::uint64_t{1} << 33);
        r.start_ms = 1764790200000 + static_cast<std::int64_t>(i) * 1000;
        r.end_ms = r.start_ms + static_cast<std::int64_t>(i % 9) * 250;
        r.input = 1 + static_cast<std::uint32_t>(i % 3);
        r.output = 100000 + static_cast<std::uint32_t>(i % 2);
        r.src_as = 64496;
        r.dst_as = 4200000000;
        r.flow_label = static_cast<std::uint32_t>(i * 40503) & 0xfffff;
        r.domain = 256 + static_cast<std::uint32_t>(i % 2);
        r.srcport = static_cast<std::uint16_t>(40000 + i);
        r.dstport = i % 5 == 4 ? 0x8000 : 443;  // ICMPv6 echo request as type/code
        r.prot = i % 5 == 4 ? 58 : (i % 3 ? 6 : 17);
        r.traffic_class = static_cast<std::uint8_t>(i % 4 << 2);
        r.tcp_flags = r.prot == 6 ? 0x1b : 0;
        r.src_mask = 64;
        r.dst_mask = 48;
        r.engine_type = 0;
        r.engine_id = static_cast<std::uint8_t>(i % 2);
    }
    return v;
}

}  // namespace flowkeep_test
