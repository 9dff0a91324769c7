// A query's criteria as block index probes (BlockPruning): the keys each
// address criterion probes, and the blocks an index built from known
// records names as candidates: every block holding a match, and not the
// blocks that certainly hold none.
#include <catch2/catch.hpp>

#include <algorithm>

#include "filter/block_pruning.hpp"
#include "filter/port_set.hpp"
#include "filter/protocol_set.hpp"
#include "flowfile/ipv6_text.hpp"

using namespace flowquery;
using flowfile::AddressKey;

namespace {

constexpr std::uint32_t ip(unsigned a, unsigned b, unsigned c, unsigned d) {
    return (a << 24) | (b << 16) | (c << 8) | d;
}

bool same_key(const AddressKey& x, const AddressKey& y) {
    return x.kind == y.kind && x.bytes == y.bytes;
}

bool has_key(const BlockPruning::Probe& p, const AddressKey& k) {
    return std::any_of(p.keys.begin(), p.keys.end(),
                       [&](const AddressKey& x) { return same_key(x, k); });
}

flowfile::Ipv6Address v6(const char* text) {
    return flowfile::parse_ipv6_prefix(text).value().address;
}

AddressSet addresses(const char* list) {
    return AddressSet::parse(list, "--ip");
}

}  // namespace

TEST_CASE("IPv4 criteria probe the address, its /24, the /24s inside a /16 to /23, or nothing") {
    auto one = BlockPruning::ipv4_probe(addresses("10.0.3.7"));
    CHECK_FALSE(one.anything);
    REQUIRE(one.keys.size() == 1);
    CHECK(same_key(one.keys[0], AddressKey::ipv4(ip(10, 0, 3, 7))));

    auto two = BlockPruning::ipv4_probe(addresses("10.0.3.7,10.0.3.8"));
    CHECK(two.keys.size() == 2);

    auto p28 = BlockPruning::ipv4_probe(addresses("10.0.3.16/28"));
    REQUIRE(p28.keys.size() == 1);
    CHECK(same_key(p28.keys[0], AddressKey::ipv4_24(ip(10, 0, 3, 0))));

    auto p24 = BlockPruning::ipv4_probe(addresses("10.0.3.0/24"));
    REQUIRE(p24.keys.size() == 1);
    CHECK(same_key(p24.keys[0], AddressKey::ipv4_24(ip(10, 0, 3, 0))));

    auto p20 = BlockPruning::ipv4_probe(addresses("10.0.16.0/20"));
    CHECK(p20.keys.size() == 16);
    CHECK(has_key(p20, AddressKey::ipv4_24(ip(10, 0, 16, 0))));
    CHECK(has_key(p20, AddressKey::ipv4_24(ip(10, 0, 31, 0))));
    CHECK_FALSE(has_key(p20, AddressKey::ipv4_24(ip(10, 0, 32, 0))));

    CHECK(BlockPruning::ipv4_probe(addresses("10.0.0.0/16")).keys.size() == 256);
    CHECK(BlockPruning::ipv4_probe(addresses("10.0.0.0/8")).anything);
    CHECK(BlockPruning::ipv4_probe(addresses("0.0.0.0/0")).anything);
    // A list of IPv6 items only: no IPv4 flow can match.
    auto none = BlockPruning::ipv4_probe(addresses("2001:db8::/32"));
    CHECK_FALSE(none.anything);
    CHECK(none.keys.empty());
}

TEST_CASE("IPv6 criteria probe the address, its /64, its /48, or nothing") {
    auto one = BlockPruning::ipv6_probe(addresses("2001:db8:3:7::1"));
    REQUIRE(one.keys.size() == 1);
    CHECK(same_key(one.keys[0], AddressKey::ipv6(v6("2001:db8:3:7::1"))));

    auto p64 = BlockPruning::ipv6_probe(addresses("2001:db8:3:7::/64"));
    REQUIRE(p64.keys.size() == 1);
    CHECK(same_key(p64.keys[0], AddressKey::ipv6_64(v6("2001:db8:3:7::"))));

    auto p56 = BlockPruning::ipv6_probe(addresses("2001:db8:3:700::/56"));
    REQUIRE(p56.keys.size() == 1);
    CHECK(same_key(p56.keys[0], AddressKey::ipv6_48(v6("2001:db8:3::"))));

    CHECK(BlockPruning::ipv6_probe(addresses("2001:db8::/32")).anything);
    CHECK(BlockPruning::ipv6_probe(addresses("::/0")).anything);
    CHECK(BlockPruning::ipv6_probe(addresses("10.0.3.7")).keys.empty());
    // Mixed: an IPv6 record's IPv4-mapped address would be the IPv4 one.
    auto mixed = BlockPruning::ipv6_probe(addresses("10.0.3.7,2001:db8:3:7::1"));
    CHECK(has_key(mixed, AddressKey::ipv6(v6("2001:db8:3:7::1"))));
    CHECK(has_key(mixed, AddressKey::ipv6_64(v6("::ffff:10.0.3.7"))));
}

namespace {

flowfile::Record flow(std::int64_t start_ms, std::uint32_t src, std::uint32_t dst,
                      std::uint8_t prot, std::uint16_t dstport) {
    flowfile::Record r;
    const std::int64_t export_ms = start_ms + 2000;
    r.unix_secs = static_cast<std::uint32_t>(export_ms / 1000);
    r.unix_nsecs = static_cast<std::uint32_t>(export_ms % 1000) * 1000000u;
    r.sysuptime = 864000000u;
    r.first = static_cast<std::uint32_t>(r.sysuptime - 2000);
    r.last = static_cast<std::uint32_t>(r.sysuptime - 1000);
    r.srcaddr = src;
    r.dstaddr = dst;
    r.prot = prot;
    r.srcport = 40000;
    r.dstport = dstport;
    r.dpkts = 1;
    r.doctets = 100;
    return r;
}

constexpr std::int64_t t0 = 1796256000000;  // 2026-12-03T00:00Z, in ms

// 16 blocks of 8 records: block k starts at t0 + k minutes, its flows go
// from 10.0.k.1 to 192.0.2.k, port 1000 + k, protocol 6 (17 in block 5).
std::unique_ptr<flowfile::BlockIndex> sixteen_blocks() {
    std::vector<flowfile::Record> records;
    std::vector<flowfile::BlockPoint> points;
    for (unsigned k = 0; k < 16; ++k) {
        points.push_back({records.size(), 100 + records.size() * 64});
        for (unsigned i = 0; i < 8; ++i)
            records.push_back(flow(t0 + k * 60000 + i * 1000, ip(10, 0, k, 1), ip(192, 0, 2, k),
                                   k == 5 ? 17 : 6, static_cast<std::uint16_t>(1000 + k)));
    }
    auto header =
        flowfile::Header::for_capture(5, static_cast<std::uint32_t>(t0 / 1000), "h", false);
    std::vector<std::uint8_t> header_bytes(100, 0);
    flowfile::BlockIndexBuilder builder(header, 8);
    builder.add(std::span<const flowfile::Record>(records));
    const std::uint64_t size = 100 + records.size() * 64;
    auto opened = flowfile::BlockIndex::from_bytes(builder.finish(points, header_bytes, size), size,
                                                   "ix-test");
    REQUIRE(opened.index);
    return std::move(opened.index);
}

std::vector<std::uint32_t> candidates(const FilterSpec& spec) {
    auto plan = BlockPruning::plan(spec, nullptr, {}, {});
    REQUIRE(plan);
    return plan->candidates(*sixteen_blocks());
}

bool holds(const std::vector<std::uint32_t>& blocks, std::uint32_t k) {
    return std::find(blocks.begin(), blocks.end(), k) != blocks.end();
}

}  // namespace

TEST_CASE("candidate blocks hold every match, and few of the others") {
    FilterSpec spec;
    const ServiceNames names = ServiceNames::load();
    SECTION("an address on either side") {
        spec.ip = addresses("192.0.2.9");
        const auto c = candidates(spec);
        CHECK(holds(c, 9));
        CHECK(c.size() <= 3);
    }
    SECTION("a /24") {
        spec.src_ip = addresses("10.0.4.0/24");
        const auto c = candidates(spec);
        CHECK(holds(c, 4));
        CHECK(c.size() <= 3);
    }
    SECTION("a port and a protocol") {
        spec.port = PortSet::parse("1007", "--port", names);
        CHECK(candidates(spec) == std::vector<std::uint32_t>{7});
        spec = {};
        spec.protocol = ProtocolSet::parse("udp", "--proto", names);
        CHECK(candidates(spec) == std::vector<std::uint32_t>{5});
    }
    SECTION("a time window: start before its end, end at or after its start") {
        // Block 3's flows start at 3:00..3:07 and end one second later.
        spec.window = FlowWindow{t0 + 3 * 60000 + 8000, t0 + 4 * 60000};
        CHECK(candidates(spec) == std::vector<std::uint32_t>{3});
        spec.window = FlowWindow{t0 + 3 * 60000 + 8001, t0 + 4 * 60000};
        CHECK(candidates(spec).empty());
        spec.window = FlowWindow{t0 + 3 * 60000 + 8001, t0 + 4 * 60000 + 1};
        CHECK(candidates(spec) == std::vector<std::uint32_t>{4});
    }
    SECTION("criteria together: every one must hold") {
        spec.ip = addresses("192.0.2.9");
        spec.port = PortSet::parse("1010", "--port", names);
        CHECK(candidates(spec).empty());
    }
    SECTION("an address the file lacks rules out the file") {
        spec.ip = addresses("203.0.113.1");
        CHECK(candidates(spec).empty());
    }
}

TEST_CASE("a query the index cannot narrow has no plan") {
    const ServiceNames names = ServiceNames::load();
    FilterSpec spec;
    CHECK_FALSE(BlockPruning::plan(spec, nullptr, {}, {}));
    spec.ip = addresses("10.0.0.0/8,2001:db8::/32");
    spec.exporter = addresses("192.0.2.1");
    spec.port = PortSet::parse("1024-65535", "--port", names);
    CHECK_FALSE(BlockPruning::plan(spec, nullptr, {}, {}));
    spec.protocol = ProtocolSet::parse("tcp", "--proto", names);
    CHECK(BlockPruning::plan(spec, nullptr, {}, {}));
}

TEST_CASE("an account narrows to its prefixes while they were its own") {
    const ClientMap clients = ClientMap::parse(
        "10.0.3.1,acct-1,,2026-12-03T00:03Z,2026-12-03T00:05Z\n"
        "10.0.9.0/24,acct-1,,2026-12-03T00:12Z,\n"
        "10.0.4.1,acct-2,,,\n",
        "clients.csv");
    auto plan = BlockPruning::plan(FilterSpec{}, &clients, {"acct-1"}, {});
    REQUIRE(plan);
    const auto c = plan->candidates(*sixteen_blocks());
    CHECK(holds(c, 3));
    CHECK(holds(c, 9) == false);  // 10.0.9.0/24 is acct-1's only from 00:12
    CHECK(c.size() <= 2);
    auto other = BlockPruning::plan(FilterSpec{}, &clients, {"acct-2"}, {});
    CHECK(holds(other->candidates(*sixteen_blocks()), 4));
}
