// Files of the IPv6 series (flow-file(5), "THE IPV6 SERIES"): what is written
// comes back field for field in either byte order and with every compression,
// the stored layout is the one the manual documents, and the two series never
// read each other's files.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>
#include <algorithm>
#include <limits>
#include <random>

#include "flowfile/archive.hpp"
#include "flowfile/error.hpp"
#include "flowfile/reader.hpp"
#include "flowfile/writer.hpp"
#include "ipv6_fixture_flows.hpp"
#include "support/files.hpp"
#include "support/precondition.hpp"
#include "support/temp_dir.hpp"

using namespace flowfile;
using flowkeep_test::slurp;
using flowkeep_test::spit;
using flowkeep_test::TempDir;
using namespace std::chrono_literals;

namespace {

Ipv6Address address(std::string_view text) {
    const auto p = parse_ipv6_prefix(text);
    REQUIRE(p);
    return p->address;
}

// Every field away from zero and from its neighbours, the extremes included,
// so that a field stored at the wrong offset or width shows.
Record6 extreme_flow(std::size_t i) {
    Record6 r;
    r.srcaddr = address("2001:db8:ffff:ffff:ffff:ffff:ffff:fffe");
    r.dstaddr = address("ff02::1:ff00:1");
    r.nexthop = address("fe80::1");
    r.exaddr = i % 2 ? ipv4_mapped(0xc0000201) : address("2001:db8::53");
    r.dpkts = std::numeric_limits<std::uint64_t>::max() - i;
    r.doctets = std::numeric_limits<std::uint64_t>::max();
    r.start_ms = i % 2 ? -62135596800000 : std::numeric_limits<std::int64_t>::min();
    r.end_ms = i % 2 ? 253402300799999 : std::numeric_limits<std::int64_t>::max();
    r.input = std::numeric_limits<std::uint32_t>::max();
    r.output = 0x80000001;
    r.src_as = 4200000000;
    r.dst_as = 65536;
    r.flow_label = 0xfffff;
    r.domain = 0xdeadbeef;
    r.srcport = 65535;
    r.dstport = 1;
    r.prot = 58;
    r.traffic_class = 0xb8;
    r.tcp_flags = 0xff;
    r.src_mask = 128;
    r.dst_mask = 0;
    r.engine_type = 255;
    r.engine_id = 254;
    r.pad = 0;
    return r;
}

// Flows that compress like real ones: clients of one delegated /48.
std::vector<Record6> varied_flows6(std::size_t n) {
    std::mt19937 rng(20261203);
    const Ipv6Address clients = address("2001:db8:1::");
    const Ipv6Address servers = address("2a00:1450:4001::");
    const Ipv6Address router = address("fe80::1");
    std::vector<Record6> v(n);
    for (std::size_t i = 0; i < n; ++i) {
        Record6& r = v[i];
        r.srcaddr = clients;
        r.srcaddr[7] = static_cast<std::uint8_t>(rng() % 200);
        r.srcaddr[15] = static_cast<std::uint8_t>(1 + rng() % 20);
        r.dstaddr = servers;
        r.dstaddr[14] = static_cast<std::uint8_t>(rng());
        r.dstaddr[15] = static_cast<std::uint8_t>(rng());
        r.nexthop = router;
        r.exaddr = ipv4_mapped(0x0a000001);
        r.dpkts = 1 + rng() % 200;
        r.doctets = r.dpkts * (60 + rng() % 1400);
        r.start_ms = 1764790200000 + static_cast<std::int64_t>(i * 20);
        r.end_ms = r.start_ms + rng() % 60000;
        r.input = 1 + rng() % 4;
        r.output = 1 + rng() % 4;
        r.flow_label = rng() & 0xfffff;
        r.srcport = static_cast<std::uint16_t>(1024 + rng() % 60000);
        r.dstport = static_cast<std::uint16_t>(std::array{80, 443, 53, 25, 22}[rng() % 5]);
        r.prot = rng() % 4 == 0 ? 17 : 6;
        r.tcp_flags = static_cast<std::uint8_t>(rng() % 32);
        r.src_mask = 56;
        r.dst_mask = 32;
    }
    return v;
}

struct Read6 {
    std::vector<Record6> records;
    ReadStatus status;
};

Read6 drain(Reader6& r) {
    Read6 out;
    for (auto b = r.next_batch(); !b.empty(); b = r.next_batch())
        out.records.insert(out.records.end(), b.begin(), b.end());
    out.status = r.status();
    return out;
}

// The file by every reader path: whole (libdeflate when built in), zlib
// streaming, and a descriptor as stdin would be.
std::vector<Read6> read_every_way(const std::filesystem::path& p) {
    std::vector<Read6> out;
    out.push_back(drain(*Reader6::open(p)));
    out.push_back(drain(*Reader6::open(p, {.streaming_only = true})));
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    out.push_back(drain(*Reader6::from_fd(fd, "stdin")));
    ::close(fd);
    auto any = open_any(p);
    REQUIRE(any.ipv6);
    REQUIRE_FALSE(any.ipv4);
    out.push_back(drain(*any.ipv6));
    return out;
}

Header ipv6_header(bool compressed, ByteOrder order = host_byte_order()) {
    return Header::for_capture(ipv6_export_version, 1764790200, "flowbox-a", compressed,
                               std::nullopt, order);
}

// Flushes every `per_block` records, as flow-capture's flush timer would.
void write_blocks(Writer& w, const std::vector<Record6>& flows, std::size_t per_block) {
    for (std::size_t i = 0; i < flows.size(); i += per_block) {
        w.write(std::span<const Record6>(flows.data() + i, std::min(per_block, flows.size() - i)));
        w.flush();
    }
}

std::filesystem::path write_v5(const TempDir& dir, const std::string& name, int level,
                               std::size_t checksum_blocks = 0) {
    const auto path = dir / name;
    auto w = Writer::create(path, Header::for_capture(5, 1764790200, "flowbox-a", level != 0),
                            {.compression_level = level,
                             .flush_interval = 0ms,
                             .sync_on_flush = false,
                             .checksum_blocks = checksum_blocks});
    std::vector<Record> flows(1000);
    for (std::size_t i = 0; i < flows.size(); ++i) {
        flows[i].srcaddr = 0x0a000000 + static_cast<std::uint32_t>(i % 300);
        flows[i].dpkts = static_cast<std::uint32_t>(i);
    }
    for (std::size_t i = 0; i < flows.size(); i += 100) {
        w->write(std::span<const Record>(flows.data() + i, 100));
        w->flush();
    }
    w->finish({});
    return path;
}

// A message with its numbers blanked: the words a user reads.
std::string shape(std::string s) {
    std::string out;
    for (char c : s) {
        const bool digit = c >= '0' && c <= '9';
        if (digit && !out.empty() && out.back() == '#') continue;
        out += digit ? '#' : c;
    }
    return out;
}

}  // namespace

TEST_CASE("IPv6 records round-trip in both byte orders, every compression and checksum mode",
          "[reader6][writer]") {
    TempDir dir;
    const auto order = GENERATE(ByteOrder::little, ByteOrder::big);
    const int level = GENERATE(0, 1, 6, 9);
    const std::size_t blocks = GENERATE(std::size_t{0}, std::size_t{16});
    INFO("byte order " << static_cast<int>(order) << ", level " << level << ", checksum blocks "
                       << blocks);
    auto flows = varied_flows6(9000);
    for (std::size_t i = 0; i < 7; ++i) flows[i * 1000] = extreme_flow(i);
    const auto path = dir / "ip6.2025-12-03.193000+0000";
    auto w = Writer::create(path, ipv6_header(level != 0, order),
                            {.compression_level = level,
                             .flush_interval = 0ms,
                             .sync_on_flush = false,
                             .checksum_blocks = blocks});
    write_blocks(*w, flows, 1000);
    w->finish({.cap_end = 1764790500});

    for (const Read6& r : read_every_way(path)) {
        CHECK(r.status.ok());
        CHECK(r.status.records == flows.size());
        REQUIRE(r.records.size() == flows.size());
        CHECK(r.records == flows);
    }
    const Header h = Reader6::open(path)->header();
    CHECK(h.export_version == ipv6_export_version);
    CHECK(h.byte_order == order);
    CHECK(h.done());
    CHECK(h.compressed() == (level != 0));
    CHECK(h.flow_count == flows.size());
    CHECK(h.block_checksums.has_value() == (blocks != 0));
    CHECK(record_family(h) == RecordFamily::ipv6);
}

TEST_CASE("IPv6 records written by igzip read back", "[reader6][writer]") {
    if (!flowkeep_test::precondition(igzip_available(), "built without ISA-L (libisal-dev)"))
        return;
    TempDir dir;
    const int level = GENERATE(1, 2, 3);
    const auto flows = varied_flows6(7000);
    const auto path = dir / "ip6";
    auto w = Writer::create(path, ipv6_header(true),
                            {.compression_level = level,
                             .flush_interval = 0ms,
                             .sync_on_flush = false,
                             .engine = CompressionEngine::igzip,
                             .checksum_blocks = 8});
    write_blocks(*w, flows, 1500);
    w->finish({});
    for (const Read6& r : read_every_way(path)) {
        CHECK(r.status.ok());
        CHECK(r.records == flows);
    }
}

TEST_CASE("an IPv6 record is stored as flow-file(5) lays it out", "[reader6][layout]") {
    TempDir dir;
    const auto order = GENERATE(ByteOrder::little, ByteOrder::big);
    Record6 r;
    for (std::uint8_t i = 0; i < 16; ++i) {
        r.srcaddr[i] = static_cast<std::uint8_t>(0x10 + i);
        r.dstaddr[i] = static_cast<std::uint8_t>(0x30 + i);
        r.nexthop[i] = static_cast<std::uint8_t>(0x50 + i);
        r.exaddr[i] = static_cast<std::uint8_t>(0x70 + i);
    }
    r.dpkts = 0x0102030405060708;
    r.doctets = 0x1112131415161718;
    r.start_ms = -2;  // two's complement
    r.end_ms = 0x2122232425262728;
    r.input = 0x31323334;
    r.output = 0x41424344;
    r.src_as = 0x51525354;
    r.dst_as = 0x61626364;
    r.flow_label = 0x000abcde;
    r.domain = 0x71727374;
    r.srcport = 0x8182;
    r.dstport = 0x9192;
    r.prot = 0xa1;
    r.traffic_class = 0xa2;
    r.tcp_flags = 0xa3;
    r.src_mask = 0xa4;
    r.dst_mask = 0xa5;
    r.engine_type = 0xa6;
    r.engine_id = 0xa7;
    r.pad = 0xa8;
    const auto path = dir / "ip6";
    auto w = Writer::create(path, ipv6_header(false, order), {.compression_level = 0});
    w->write(r);
    w->finish({});
    const auto bytes = slurp(path);
    const std::size_t at = decode_header(bytes, "f").size;
    REQUIRE(bytes.size() == at + record6_size);
    REQUIRE(record6_size == 132);

    const bool big = order == ByteOrder::big;
    // An integer of `width` bytes at `offset`, in the file's byte order.
    auto integer = [&](std::size_t offset, std::size_t width) {
        std::uint64_t v = 0;
        for (std::size_t k = 0; k < width; ++k) {
            const std::size_t b = big ? k : width - 1 - k;
            v = v << 8 | bytes[at + offset + b];
        }
        return v;
    };
    auto raw = [&](std::size_t offset) {
        Ipv6Address a;
        std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(at + offset), 16, a.begin());
        return a;
    };
    // Addresses in network order whatever the byte order.
    CHECK(raw(0) == r.srcaddr);
    CHECK(raw(16) == r.dstaddr);
    CHECK(raw(32) == r.nexthop);
    CHECK(raw(48) == r.exaddr);
    CHECK(integer(64, 8) == r.dpkts);
    CHECK(integer(72, 8) == r.doctets);
    CHECK(integer(80, 8) == 0xfffffffffffffffe);
    CHECK(integer(88, 8) == 0x2122232425262728);
    CHECK(integer(96, 4) == r.input);
    CHECK(integer(100, 4) == r.output);
    CHECK(integer(104, 4) == r.src_as);
    CHECK(integer(108, 4) == r.dst_as);
    CHECK(integer(112, 4) == r.flow_label);
    CHECK(integer(116, 4) == r.domain);
    CHECK(integer(120, 2) == r.srcport);
    CHECK(integer(122, 2) == r.dstport);
    const std::uint8_t tail[] = {0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8};
    CHECK(std::equal(std::begin(tail), std::end(tail), bytes.begin() + at + 124));
    // The first byte of a little-endian integer is its lowest.
    CHECK(bytes[at + 64] == (big ? 0x01 : 0x08));

    // The header is flow-capture's, with flowkeep's export version in TLV 2.
    const Header h = decode_header(bytes, "f");
    CHECK(h.export_version == 0x8006);
    CHECK(h.hostname == "flowbox-a");
    CHECK(h.flow_count == 1u);
    CHECK(Reader6::open(path)->next_batch()[0] == r);
}

TEST_CASE("an open IPv6 file reads up to its last flush point and says it is incomplete",
          "[reader6][damage]") {
    TempDir dir;
    const auto flows = varied_flows6(20000);
    const auto path = dir / "tmp-ip6.2025-12-03.193000+0000";
    auto w = Writer::create(path, ipv6_header(true),
                            {.compression_level = 6,
                             .flush_interval = 0ms,
                             .sync_on_flush = false,
                             .checksum_blocks = 10});
    w->write(std::span<const Record6>(flows.data(), 3000));
    w->flush();
    // Enough that compressed bytes past the flush point reach the file.
    w->write(std::span<const Record6>(flows.data() + 3000, 17000));
    for (const Read6& r : read_every_way(path)) {
        CHECK(r.records == std::vector<Record6>(flows.begin(), flows.begin() + 3000));
        CHECK(r.status.problem == ReadProblem::truncated_stream);
        CHECK_THAT(r.status.message, Catch::Contains("incomplete file"));
        CHECK_THAT(r.status.message, Catch::Contains("3000 flows read"));
    }
    CHECK_FALSE(Reader6::open(path)->header().done());
    w->finish({});
    CHECK(drain(*Reader6::open(path)).records == flows);
}

TEST_CASE("an uncompressed open IPv6 file delivers its flushed records", "[reader6][damage]") {
    TempDir dir;
    const auto flows = varied_flows6(500);
    const auto path = dir / "tmp-ip6";
    auto w =
        Writer::create(path, ipv6_header(false),
                       {.compression_level = 0, .flush_interval = 0ms, .sync_on_flush = false});
    w->write(std::span<const Record6>(flows.data(), 300));
    w->flush();
    const auto r = drain(*Reader6::open(path));
    CHECK(r.records == std::vector<Record6>(flows.begin(), flows.begin() + 300));
    CHECK_FALSE(Reader6::open(path)->header().done());
    // Cut inside a record, as a crash in the middle of a write leaves it.
    auto bytes = slurp(path);
    bytes.resize(bytes.size() - 50);
    spit(dir / "cut", bytes);
    const auto cut = drain(*Reader6::open(dir / "cut"));
    CHECK(cut.records == std::vector<Record6>(flows.begin(), flows.begin() + 299));
    CHECK(cut.status.problem == ReadProblem::partial_record);
    CHECK_THAT(cut.status.message, Catch::Contains("partial record before end of file (82 of 132 "
                                                   "bytes at byte "));
}

TEST_CASE("a damaged byte in a checksummed IPv6 block withholds the block as it does for v5",
          "[reader6][damage]") {
    TempDir dir;
    const int level = GENERATE(0, 6);
    INFO("level " << level);
    const auto flows = varied_flows6(1000);
    const auto path = dir / "ip6";
    auto w = Writer::create(path, ipv6_header(level != 0),
                            {.compression_level = level,
                             .flush_interval = 0ms,
                             .sync_on_flush = false,
                             .checksum_blocks = 12});
    write_blocks(*w, flows, 100);
    w->finish({});
    const auto original = slurp(path);
    const std::size_t header_size = decode_header(original, "f").size;

    auto bytes = original;
    // In the 6th block's records.
    const std::size_t at = level == 0 ? header_size + 550 * record6_size + 7
                                      : header_size + (original.size() - header_size) * 11 / 20;
    bytes[at] ^= 0x10;
    spit(dir / "damaged", bytes);
    for (const Read6& r : read_every_way(dir / "damaged")) {
        REQUIRE(r.records.size() <= flows.size());
        CHECK(std::equal(r.records.begin(), r.records.end(), flows.begin()));
        CHECK(r.records.size() % 100 == 0);  // whole blocks only
        CHECK(r.records.size() >= (level == 0 ? 500u : 300u));
        CHECK(r.records.size() < flows.size());
        CHECK_FALSE(r.status.ok());
        CHECK_THAT(r.status.message, Catch::Contains("dropped as unverifiable"));
    }
    if (level == 0) {
        const auto r = drain(*Reader6::open(dir / "damaged"));
        CHECK(r.records.size() == 500);
        CHECK(r.status.problem == ReadProblem::unverified);
        // The v5 series words the same damage the same way.
        const auto v5 = slurp(write_v5(dir, "v5", 0, 12));
        auto v5_bytes = v5;
        v5_bytes[decode_header(v5, "f").size + 550 * 48 + 7] ^= 0x10;
        spit(dir / "damaged", v5_bytes);
        auto v5_reader = Reader::open(dir / "damaged");
        while (!v5_reader->next_batch().empty()) {
        }
        CHECK(v5_reader->status().problem == ReadProblem::unverified);
        CHECK(shape(r.status.message) == shape(v5_reader->status().message));
        CHECK_THAT(r.status.message, Catch::StartsWith((dir / "damaged").string() +
                                                       ": damaged: checksum mismatch in block 6; "
                                                       "500 flows read"));
    }
}

TEST_CASE("each series' reader refuses the other's files in one line naming the file",
          "[reader6]") {
    TempDir dir;
    const auto v5 = write_v5(dir, "ft-v05.2025-12-03.193000+0000", 6);
    const auto ip6 = dir / "ip6.2025-12-03.193000+0000";
    auto w = Writer::create(ip6, ipv6_header(true));
    w->write(extreme_flow(0));
    w->finish({});

    const std::string refused_v6 =
        ip6.string() + ": a file of flowkeep's IPv6 series, not a flow-tools IPv4 file";
    const std::string refused_v5 =
        v5.string() + ": a flow-tools IPv4 file (export version 5), not one of the IPv6 series";
    CHECK_THROWS_WITH(Reader::open(ip6), refused_v6);
    CHECK_THROWS_WITH(Reader::open(ip6, {.streaming_only = true}), refused_v6);
    CHECK_THROWS_WITH(Reader6::open(v5), refused_v5);
    const int fd = ::open(ip6.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    CHECK_THROWS_WITH(Reader::from_fd(fd, "stdin"),
                      "stdin: a file of flowkeep's IPv6 series, not a flow-tools IPv4 file");
    ::close(fd);
    // Every flow-tools version is refused alike.
    for (const std::uint16_t version : {1, 6, 7, 1005}) {
        const auto p = dir / ("ft-v" + std::to_string(version));
        Writer::create(p, Header::for_capture(version, 1, "h", false), {.compression_level = 0})
            ->finish({});
        CHECK_THROWS_WITH(Reader6::open(p), p.string() +
                                                ": a flow-tools IPv4 file (export "
                                                "version " +
                                                std::to_string(version) +
                                                "), not one of the IPv6 series");
    }
    // A version neither series knows is refused as before, by either reader.
    auto v9 = encode_header(Header::for_capture(9, 1, "h", false));
    spit(dir / "v9", v9);
    CHECK_THROWS_WITH(Reader6::open(dir / "v9"),
                      (dir / "v9").string() + ": unsupported export version 9");
    CHECK_THROWS_WITH(open_any(dir / "v9"),
                      (dir / "v9").string() + ": unsupported export version 9");
}

TEST_CASE("open_any opens each file with the reader of its series", "[reader6]") {
    TempDir dir;
    const auto v5 = write_v5(dir, "ft-v05", 6);
    auto any5 = open_any(v5);
    REQUIRE(any5.ipv4);
    CHECK_FALSE(any5.ipv6);
    CHECK(record_family(any5.ipv4->header()) == RecordFamily::ipv4);
    std::size_t n = 0;
    for (auto b = any5.ipv4->next_batch(); !b.empty(); b = any5.ipv4->next_batch()) n += b.size();
    CHECK(n == 1000);

    const auto flows = varied_flows6(5000);
    const auto ip6 = dir / "ip6";
    auto w = Writer::create(ip6, ipv6_header(true), {.flush_interval = 0ms});
    w->write(flows);
    w->finish({});
    for (const bool streaming : {false, true}) {
        auto any6 = open_any(ip6, {.streaming_only = streaming});
        REQUIRE(any6.ipv6);
        CHECK_FALSE(any6.ipv4);
        CHECK(drain(*any6.ipv6).records == flows);
    }
    CHECK_THROWS_WITH(open_any(dir / "missing"),
                      (dir / "missing").string() + ": cannot open: No such file or directory");
}

TEST_CASE("a writer takes only the records of its file's series", "[writer][reader6]") {
    TempDir dir;
    auto v5 = Writer::create(dir / "v5", Header::for_capture(5, 1, "h", true));
    CHECK_THROWS_WITH(v5->write(extreme_flow(0)),
                      (dir / "v5").string() + ": IPv6 records given to a file of export version 5");
    CHECK(v5->records_written() == 0);
    v5->write(Record{});
    v5->finish({});
    CHECK(Reader::open(dir / "v5")->header().flow_count == 1u);

    auto v6 = Writer::create(dir / "ip6", ipv6_header(true));
    CHECK_THROWS_WITH(
        v6->write(Record{}),
        (dir / "ip6").string() + ": IPv4 records given to a file of export version 32774");
    CHECK(v6->records_written() == 0);
    v6->write(extreme_flow(1));
    v6->finish({});
    const auto r = drain(*Reader6::open(dir / "ip6"));
    CHECK(r.records == std::vector<Record6>{extreme_flow(1)});
}

TEST_CASE("the IPv6 series files in tests/data read as the flows they were written with",
          "[reader6][layout]") {
    // Written once (tests/data/ipv6_files/README.md): any change to the
    // stored layout or the header shows here, not only in round trips.
    const std::filesystem::path data = std::filesystem::path(FLOWKEEP_TEST_DATA) / "ipv6_files";
    const auto flows = flowkeep_test::ipv6_fixture_flows(60);
    auto first = [&](std::size_t n) {
        return std::vector<Record6>(flows.begin(), flows.begin() + n);
    };
    struct Case {
        const char* path;
        std::size_t records;
        ByteOrder order;
        bool compressed;
        bool done;
        ReadProblem problem;
    };
    for (const Case& c : {
             Case{"ip6_z6/ip6.2025-12-03.193000+0000", 60, ByteOrder::little, true, true,
                  ReadProblem::none},
             Case{"ip6_z0_big/ip6.2025-12-03.193000+0000", 40, ByteOrder::big, false, true,
                  ReadProblem::none},
             Case{"tmp_z6/tmp-ip6.2025-12-03.193000+0000", 40, ByteOrder::little, true, false,
                  ReadProblem::truncated_stream},
             // Cut inside the 40th record: the second block is not whole, so
             // none of its records is vouched for.
             Case{"tmp_z0/tmp-ip6.2025-12-03.193000+0000", 20, ByteOrder::little, false, false,
                  ReadProblem::truncated_stream},
         }) {
        INFO(c.path);
        for (const Read6& r : read_every_way(data / c.path)) {
            CHECK(r.records == first(c.records));
            CHECK(r.status.problem == c.problem);
        }
        const Header h = Reader6::open(data / c.path)->header();
        CHECK(h.export_version == ipv6_export_version);
        CHECK(h.byte_order == c.order);
        CHECK(h.compressed() == c.compressed);
        CHECK(h.done() == c.done);
        CHECK(h.cap_start == 1764790200u);
        CHECK(h.hostname == "flowbox-a");
        if (c.done) CHECK(h.flow_count == c.records);
        const auto name = parse_file_name(std::filesystem::path(c.path).filename().string());
        REQUIRE(name);
        CHECK(name->ipv6_series());
        CHECK(name->in_progress == !c.done);
        CHECK(name->creation_time() == 1764790200);
    }
}
