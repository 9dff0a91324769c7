#pragma once

// The byte-exact examples of file-format.md §3.5, §5.2, §6.2 and §7, shared by
// the header, reader and writer tests.

#include <cstdint>
#include <string>
#include <vector>

#include "flowfile/record.hpp"
#include "support/hex.hpp"

namespace spec_examples {

inline std::uint32_t ip(unsigned a, unsigned b, unsigned c, unsigned d) {
    return (a << 24) | (b << 16) | (c << 8) | d;
}

// The two flows of the §3.5 example file (decoded in §6.2).
inline flowfile::Record first_flow() {
    flowfile::Record r;
    r.unix_secs = 1255600000;
    r.unix_nsecs = 123456789;
    r.sysuptime = 1000000;
    r.exaddr = ip(127, 0, 0, 2);
    r.srcaddr = ip(10, 0, 0, 1);
    r.dstaddr = ip(192, 168, 1, 2);
    r.nexthop = ip(10, 0, 0, 254);
    r.input = 3;
    r.output = 4;
    r.dpkts = 10;
    r.doctets = 1500;
    r.first = 995000;
    r.last = 999000;
    r.srcport = 1234;
    r.dstport = 80;
    r.prot = 6;
    r.tos = 0x10;
    r.tcp_flags = 0x1b;
    r.engine_type = 1;
    r.engine_id = 2;
    r.src_mask = 0x18;
    r.dst_mask = 0x10;
    r.src_as = 65001;
    r.dst_as = 65002;
    return r;
}

inline flowfile::Record second_flow() {
    flowfile::Record r = first_flow();
    r.srcaddr = ip(1, 2, 3, 4);
    r.srcport = 53;
    r.dstport = 33000;
    r.prot = 17;
    return r;
}

// Closed, uncompressed, little-endian v5 file, hostname "vm", two flows.
inline std::vector<std::uint8_t> little_endian_file() {
    return flowkeep_test::from_xxd(R"(
00000000: cf10 0103 5000 0000 0200 0200 0500 0600  ....P...........
00000010: 0400 fb31 0b6b 0700 0400 fc31 0b6b 0800  ...1.k.....1.k..
00000020: 0400 0100 0000 0a00 0400 0200 0000 0b00  ................
00000030: 0400 0000 0000 0d00 0400 0000 0000 0e00  ................
00000040: 0400 0000 0000 0f00 0300 766d 0000 0000  ..........vm....
00000050: 80ef d64a 15cd 5b07 4042 0f00 0200 007f  ...J..[.@B......
00000060: 0100 000a 0201 a8c0 fe00 000a 0300 0400  ................
00000070: 0a00 0000 dc05 0000 b82e 0f00 583e 0f00  ............X>..
00000080: d204 5000 0610 1b00 0102 1810 e9fd eafd  ..P.............
00000090: 80ef d64a 15cd 5b07 4042 0f00 0200 007f  ...J..[.@B......
000000a0: 0403 0201 0201 a8c0 fe00 000a 0300 0400  ................
000000b0: 0a00 0000 dc05 0000 b82e 0f00 583e 0f00  ............X>..
000000c0: 3500 e880 1110 1b00 0102 1810 e9fd eafd  5...............
)");
}

// The same first flow written with -b big -C hello (one flow).
inline std::vector<std::uint8_t> big_endian_file() {
    return flowkeep_test::from_xxd(R"(
00000000: cf10 0203 0000 0058 0002 0002 0005 0006  .......X........
00000010: 0004 6b0b 3202 0007 0004 6b0b 3203 0008  ..k.2.....k.2...
00000020: 0004 0000 0001 000a 0004 0000 0001 000b  ................
00000030: 0004 0000 0000 000d 0004 0000 0000 000e  ................
00000040: 0004 0000 0000 000f 0003 766d 0000 1000  ..........vm....
00000050: 0668 656c 6c6f 0000 4ad6 ef80 075b cd15  .hello..J....[..
00000060: 000f 4240 7f00 0002 0a00 0001 c0a8 0102  ..B@............
00000070: 0a00 00fe 0003 0004 0000 000a 0000 05dc  ................
00000080: 000f 2eb8 000f 3e58 04d2 0050 0610 1b00  ......>X...P....
00000090: 0102 1810 fde9 fdea                      ........
)");
}

// Closed compressed file with no records (default level).
inline std::vector<std::uint8_t> empty_compressed_file() {
    return flowkeep_test::from_xxd(R"(
00000000: cf10 0103 5000 0000 0200 0200 0500 0600  ....P...........
00000010: 0400 8d32 0b6b 0700 0400 8d32 0b6b 0800  ...2.k.....2.k..
00000020: 0400 0300 0000 0a00 0400 0000 0000 0b00  ................
00000030: 0400 0000 0000 0d00 0400 0000 0000 0e00  ................
00000040: 0400 0000 0000 0f00 0300 766d 0000 0000  ..........vm....
00000050: 789c 0300 0000 0001                      x.......
)");
}

// Header of a tmp- file still being written (-z 0).
inline std::vector<std::uint8_t> open_file_header() {
    return flowkeep_test::from_xxd(R"(
00000000: cf10 0103 5000 0000 0200 0200 0500 0600  ....P...........
00000010: 0400 3b32 0b6b 0700 0400 0000 0000 0800  ..;2.k..........
00000020: 0400 0000 0000 0a00 0400 0000 0000 0b00  ................
00000030: 0400 0000 0000 0d00 0400 0000 0000 0e00  ................
00000040: 0400 0000 0000 0f00 0300 766d 0000 0000  ..........vm....
)");
}

// v8 header (aggregation method 1): unaligned 5-byte TLVs.
inline std::vector<std::uint8_t> v8_header_prefix() {
    return flowkeep_test::from_xxd(R"(
00000000: cf10 0103 5800 0000 0200 0200 0800 0300  ....X...........
00000010: 0100 0204 0001 0001 0600 0400 1732 0b6b  .............2.k
00000020: 0700 0400 1832 0b6b 0800 0400 0100 0000  .....2.k........
00000030: 0a00 0400 0100 0000 0b00 0400 0000 0000  ................
00000040: 0d00 0400 0000 0000 0e00 0400 0000 0000  ................
00000050: 0f00 0300 766d 0000 80ef d64a 15cd 5b07  ....vm.....J..[.
)");
}

}  // namespace spec_examples
