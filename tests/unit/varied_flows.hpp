#pragma once

// Flows that compress as real ones do: a few clients and servers, common
// ports, growing times, so that deflate finds matches between records (a
// block that wrongly reached back into the one before would not inflate
// alone), and every field set, so that a swapped or dropped field shows.

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "flowfile/record.hpp"

namespace flowkeep_test {

inline std::vector<flowfile::Record> varied_flows(std::size_t n, std::uint16_t version,
                                                  unsigned seed) {
    std::mt19937 rng(seed);
    const auto pick = [&](std::uint32_t below) {
        return static_cast<std::uint32_t>(rng() % below);
    };
    constexpr std::uint16_t ports[] = {443, 80, 53, 123, 993, 5222, 8080, 25};
    std::vector<flowfile::Record> flows(n);
    std::uint32_t secs = 1764790200;
    for (auto& r : flows) {
        secs += pick(3) == 0 ? 1 : 0;
        r.unix_secs = secs;
        r.unix_nsecs = pick(1000000000);
        r.sysuptime = (secs - 1764700000) * 1000;
        r.exaddr = 0xc0000201 + pick(2);
        r.srcaddr = 0x0a000000 + pick(200);
        r.dstaddr = 0xc6120000 + pick(3000);
        r.nexthop = 0xcb007101;
        r.input = static_cast<std::uint16_t>(1 + pick(3));
        r.output = static_cast<std::uint16_t>(10 + pick(2));
        r.dpkts = 1 + pick(40);
        r.doctets = r.dpkts * (40 + pick(1460));
        r.last = r.sysuptime - pick(2000);
        r.first = r.last - pick(60000);
        r.srcport = static_cast<std::uint16_t>(32768 + pick(28000));
        r.dstport = ports[pick(8)];
        r.prot = r.dstport == 53 || r.dstport == 123 ? 17 : 6;
        r.tos = pick(4) == 0 ? 0x28 : 0;
        r.tcp_flags = r.prot == 6 ? static_cast<std::uint8_t>(0x1b | pick(4)) : 0;
        if (version != 1) {
            r.engine_type = 1;
            r.engine_id = static_cast<std::uint8_t>(r.exaddr & 3);
            r.src_mask = 21;
            r.dst_mask = static_cast<std::uint8_t>(16 + pick(9));
            r.src_as = 64512;
            r.dst_as = static_cast<std::uint16_t>(64600 + pick(50));
        }
        if (version == 1005) {
            r.src_tag = pick(8);
            r.dst_tag = 0x100 + pick(4);
        }
    }
    return flows;
}

}  // namespace flowkeep_test
