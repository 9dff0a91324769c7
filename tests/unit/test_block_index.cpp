// The block index file (flow-index(5)): what the builder writes, the view
// gives back for every block; its filters never miss a key that is there and
// say "maybe" for absent ones at about the designed rate; every kind of
// damage and staleness is named; the file is replaced atomically.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <algorithm>
#include <random>
#include <set>

#include "flowfile/block_checksums.hpp"
#include "flowfile/block_index.hpp"
#include "flowfile/error.hpp"
#include "flowfile/header.hpp"
#include "flowfile/writer.hpp"
#include "support/file_totals_recount.hpp"
#include "support/files.hpp"
#include "support/temp_dir.hpp"

using namespace flowfile;
using flowkeep_test::slurp;
using flowkeep_test::spit;
using flowkeep_test::TempDir;

namespace {

constexpr std::uint32_t cap_start = 1764790200;

// Flows among a bounded pool of addresses, so that keys repeat as they do in
// real traffic, with every field the index reads varied.
Record v4_flow(std::mt19937_64& rng) {
    Record r;
    r.unix_secs = cap_start + static_cast<std::uint32_t>(rng() % 300);
    r.unix_nsecs = static_cast<std::uint32_t>(rng() % 1000000000);
    r.sysuptime = 1000000 + static_cast<std::uint32_t>(rng() % 1000);
    r.first = r.sysuptime - static_cast<std::uint32_t>(rng() % 60000);
    r.last = r.first + static_cast<std::uint32_t>(rng() % 30000);
    r.srcaddr = 0x0a000000u + static_cast<std::uint32_t>(rng() % 4000);
    r.dstaddr = 0xc6336400u + static_cast<std::uint32_t>(rng() % 50000);
    r.srcport = static_cast<std::uint16_t>(rng());
    r.dstport = static_cast<std::uint16_t>(rng() % 1100);
    r.prot = static_cast<std::uint8_t>(rng() % 3 == 0 ? 17 : (rng() % 5 == 0 ? rng() : 6));
    r.dpkts = 1 + static_cast<std::uint32_t>(rng() % 1000);
    r.doctets = r.dpkts * 40 + static_cast<std::uint32_t>(rng() % 1400);
    return r;
}

Ipv6Address v6_address(std::uint64_t net, std::uint64_t host) {
    Ipv6Address a{};
    for (int i = 0; i < 8; ++i) a[7 - i] = static_cast<std::uint8_t>(net >> (8 * i));
    for (int i = 0; i < 8; ++i) a[15 - i] = static_cast<std::uint8_t>(host >> (8 * i));
    return a;
}

Record6 v6_flow(std::mt19937_64& rng) {
    Record6 r;
    r.srcaddr = v6_address(0x20010db800000000ULL + rng() % 300, rng() % 50);
    r.dstaddr = v6_address(0x2a00145000000000ULL + (rng() % 40) * 0x10000, rng());
    r.start_ms = std::int64_t{cap_start} * 1000 + static_cast<std::int64_t>(rng() % 300000);
    r.end_ms = r.start_ms + static_cast<std::int64_t>(rng() % 60000);
    r.srcport = static_cast<std::uint16_t>(rng());
    r.dstport = static_cast<std::uint16_t>(rng() % 2000);
    r.prot = static_cast<std::uint8_t>(rng() % 4 == 0 ? 58 : 6);
    r.dpkts = 1 + rng() % 100000;
    r.doctets = r.dpkts * 1200;
    return r;
}

template <typename R>
std::vector<R> flows(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<R> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        if constexpr (std::is_same_v<R, Record>)
            out.push_back(v4_flow(rng));
        else
            out.push_back(v6_flow(rng));
    }
    return out;
}

// An uncompressed data file (records at fixed offsets, so the block points
// are known without the writer's) and its index.
struct IndexedFile {
    std::filesystem::path data;
    std::vector<std::uint8_t> data_bytes;
    std::uint32_t header_size = 0;
    std::size_t record_size = 0;
    std::vector<std::uint8_t> index;
};

template <typename R>
IndexedFile make_file(const std::filesystem::path& path, const std::vector<R>& records,
                      std::size_t block_records, ByteOrder order = host_byte_order()) {
    const std::uint16_t version = std::is_same_v<R, Record> ? 5 : ipv6_export_version;
    const Header h = Header::for_capture(version, cap_start, "flowbox-a", false, {}, order);
    auto w = Writer::create(path, h, {.compression_level = 0});
    w->write(std::span<const R>(records));
    w->finish({});
    IndexedFile f;
    f.data = path;
    f.data_bytes = slurp(path);
    f.header_size = decode_header_size(f.data_bytes, path.string());
    f.record_size = std::is_same_v<R, Record> ? 64 : record6_size;
    REQUIRE(f.data_bytes.size() == f.header_size + records.size() * f.record_size);

    std::vector<BlockPoint> points;
    for (std::size_t first = 0; first < records.size(); first += block_records)
        points.push_back({first, f.header_size + first * f.record_size});
    BlockIndexBuilder b(decode_header(std::span(f.data_bytes).first(f.header_size), "t"),
                        block_records);
    // In uneven pieces, as a capture hands them over.
    for (std::size_t i = 0; i < records.size();) {
        const std::size_t n = std::min<std::size_t>(records.size() - i, 1 + i % 777);
        b.add(std::span<const R>(records).subspan(i, n));
        i += n;
    }
    f.index = b.finish(points, std::span(f.data_bytes).first(f.header_size), f.data_bytes.size());
    return f;
}

std::unique_ptr<BlockIndex> view_of(const IndexedFile& f) {
    auto o = BlockIndex::from_bytes(f.index, f.data_bytes.size(), "ix-test");
    INFO(o.message);
    REQUIRE(o.problem == IndexProblem::none);
    REQUIRE(o.index);
    return std::move(o.index);
}

std::vector<AddressKey> keys_of(const Record& r) {
    return {AddressKey::ipv4(r.srcaddr), AddressKey::ipv4_24(r.srcaddr),
            AddressKey::ipv4(r.dstaddr), AddressKey::ipv4_24(r.dstaddr)};
}
std::vector<AddressKey> keys_of(const Record6& r) {
    return {AddressKey::ipv6(r.srcaddr),    AddressKey::ipv6_64(r.srcaddr),
            AddressKey::ipv6_48(r.srcaddr), AddressKey::ipv6(r.dstaddr),
            AddressKey::ipv6_64(r.dstaddr), AddressKey::ipv6_48(r.dstaddr)};
}
FlowTimes times_of(const Record& r) {
    return flow_times(r);
}
FlowTimes times_of(const Record6& r) {
    return {r.start_ms, r.end_ms};
}

template <typename R>
void check_round_trip(const IndexedFile& f, const std::vector<R>& records,
                      std::size_t block_records) {
    const auto ix = view_of(f);
    CHECK(ix->flows() == records.size());
    CHECK(ix->block_records() == block_records);
    CHECK(ix->record_size() == f.record_size);
    CHECK_FALSE(ix->compressed());
    CHECK(ix->header_size() == f.header_size);
    CHECK(ix->header_crc() == crc32_update(0, f.data_bytes.data(), f.header_size));
    CHECK(ix->data_file_size() == f.data_bytes.size());
    const std::size_t blocks = (records.size() + block_records - 1) / block_records;
    REQUIRE(ix->blocks() == blocks);
    for (std::size_t b = 0; b < blocks; ++b) {
        INFO("block " << b);
        const IndexBlock blk = ix->block(b);
        const std::size_t first = b * block_records;
        const std::size_t n = std::min(block_records, records.size() - first);
        CHECK(blk.first_record == first);
        CHECK(blk.records == n);
        CHECK(blk.offset == f.header_size + first * f.record_size);
        CHECK(blk.end_offset == f.header_size + (first + n) * f.record_size);
        CHECK(blk.crc == crc32_update(0, f.data_bytes.data() + blk.offset, n * f.record_size));
        std::int64_t min_start = INT64_MAX, max_start = INT64_MIN;
        std::int64_t min_end = INT64_MAX, max_end = INT64_MIN;
        bool every_key = true, every_port = true, every_protocol = true;
        for (std::size_t i = first; i < first + n; ++i) {
            const FlowTimes t = times_of(records[i]);
            min_start = std::min(min_start, t.start_ms);
            max_start = std::max(max_start, t.start_ms);
            min_end = std::min(min_end, t.end_ms);
            max_end = std::max(max_end, t.end_ms);
            for (const AddressKey& k : keys_of(records[i]))
                every_key = every_key && ix->block_may_hold(b, k) && ix->file_may_hold(k);
            every_port = every_port && ix->block_may_hold_port(b, records[i].srcport) &&
                         ix->block_may_hold_port(b, records[i].dstport);
            every_protocol = every_protocol && ix->block_may_hold_protocol(b, records[i].prot);
        }
        CHECK(every_key);
        CHECK(every_port);
        CHECK(every_protocol);
        CHECK(blk.min_start_ms == min_start);
        CHECK(blk.max_start_ms == max_start);
        CHECK(blk.min_end_ms == min_end);
        CHECK(blk.max_end_ms == max_end);
    }
    CHECK_THROWS_AS(ix->block(blocks), std::out_of_range);
    const auto totals = ix->totals();
    REQUIRE(totals);
    CHECK(*totals == flowkeep_test::recount_totals(records, f.data_bytes.size()));
    CHECK_FALSE(ix->filters_damaged());
    CHECK_FALSE(ix->verify_sections());
}

// Keys the records do not hold, drawn from the same address ranges.
std::vector<AddressKey> absent_v4_keys(const std::vector<Record>& records, std::size_t n) {
    std::set<std::uint32_t> present;
    for (const Record& r : records) {
        present.insert(r.srcaddr);
        present.insert(r.dstaddr);
    }
    std::vector<AddressKey> out;
    std::mt19937_64 rng(99);
    while (out.size() < n) {
        const auto a = static_cast<std::uint32_t>(rng());
        if (!present.contains(a)) out.push_back(AddressKey::ipv4(a));
    }
    return out;
}

}  // namespace

TEST_CASE("index file names are ix- beside the data file") {
    CHECK(index_path_of("/var/flows/2026/2026-12/2026-12-04/ft-v05.2026-12-04.011500+0000") ==
          "/var/flows/2026/2026-12/2026-12-04/ix-ft-v05.2026-12-04.011500+0000");
    CHECK(index_path_of("ft-v05.x") == "ix-ft-v05.x");
    CHECK(is_index_file_name("ix-ft-v05.2026-12-04.011500+0000"));
    CHECK(is_index_file_name("ix-ft-v05.2026-12-04.011500+0000.new"));
    CHECK_FALSE(is_index_file_name("ix-"));
    CHECK_FALSE(is_index_file_name("ft-v05.2026-12-04.011500+0000"));
    CHECK_FALSE(is_index_file_name("tmp-v05.2026-12-04.011500+0000"));
}

TEST_CASE("address keys keep the address and zero the host bits of a prefix") {
    const AddressKey a = AddressKey::ipv4(0x0a010203);
    CHECK(a.kind == AddressKey::Kind::ipv4);
    CHECK((a.bytes == std::array<std::uint8_t, 16>{10, 1, 2, 3}));
    const AddressKey p = AddressKey::ipv4_24(0x0a010203);
    CHECK(p.kind == AddressKey::Kind::ipv4_24);
    CHECK((p.bytes == std::array<std::uint8_t, 16>{10, 1, 2, 0}));
    const Ipv6Address v6 = v6_address(0x20010db8aabbccddULL, 0x1122334455667788ULL);
    CHECK(AddressKey::ipv6(v6).bytes == v6);
    const AddressKey p64 = AddressKey::ipv6_64(v6);
    CHECK((p64.bytes ==
           std::array<std::uint8_t, 16>{0x20, 0x01, 0x0d, 0xb8, 0xaa, 0xbb, 0xcc, 0xdd}));
    const AddressKey p48 = AddressKey::ipv6_48(v6);
    CHECK(p48.kind == AddressKey::Kind::ipv6_48);
    CHECK((p48.bytes == std::array<std::uint8_t, 16>{0x20, 0x01, 0x0d, 0xb8, 0xaa, 0xbb}));
}

TEST_CASE("an IPv4 file's index gives back every block's facts and totals") {
    TempDir dir;
    const auto records = flows<Record>(5000, 1);
    for (const ByteOrder order : {ByteOrder::little, ByteOrder::big}) {
        INFO("byte order " << static_cast<int>(order));
        const IndexedFile f = make_file(dir / "ft-v05", records, 1024, order);
        check_round_trip(f, records, 1024);
    }
}

TEST_CASE("an IPv6 series file's index gives back every block's facts and totals") {
    TempDir dir;
    const auto records = flows<Record6>(3000, 2);
    const IndexedFile f = make_file(dir / "ft-v8006", records, 512);
    check_round_trip(f, records, 512);
}

TEST_CASE("a file of exactly whole blocks has no empty block unless a point names one") {
    TempDir dir;
    const auto records = flows<Record>(2048, 3);
    const IndexedFile f = make_file(dir / "ft-v05", records, 1024);
    check_round_trip(f, records, 1024);

    const Header h = decode_header(std::span(f.data_bytes).first(f.header_size), "t");
    BlockIndexBuilder b(h, 1024);
    b.add(records);
    const std::vector<BlockPoint> points{
        {0, f.header_size}, {1024, f.header_size + 1024 * 64}, {2048, f.data_bytes.size()}};
    const auto bytes =
        b.finish(points, std::span(f.data_bytes).first(f.header_size), f.data_bytes.size());
    auto o = BlockIndex::from_bytes(bytes, f.data_bytes.size(), "ix-test");
    REQUIRE(o.index);
    REQUIRE(o.index->blocks() == 3);
    const IndexBlock last = o.index->block(2);
    CHECK(last.records == 0);
    CHECK(last.offset == f.data_bytes.size());
    CHECK(last.end_offset == f.data_bytes.size());
    CHECK(last.min_start_ms == 0);
    CHECK(last.max_end_ms == 0);
    CHECK_FALSE(o.index->block_may_hold(2, AddressKey::ipv4(records[0].srcaddr)));
    CHECK_FALSE(o.index->block_may_hold_port(2, records[0].dstport));
}

TEST_CASE("an empty file's index has no blocks and zero totals") {
    TempDir dir;
    const IndexedFile f = make_file(dir / "ft-v05", std::vector<Record>{}, 1024);
    const auto ix = view_of(f);
    CHECK(ix->flows() == 0);
    CHECK(ix->blocks() == 0);
    CHECK_FALSE(ix->file_may_hold(AddressKey::ipv4(0x0a000001)));
    const auto totals = ix->totals();
    REQUIRE(totals);
    CHECK(*totals == FileTotals{});
    CHECK_FALSE(ix->verify_sections());
}

TEST_CASE("block points that do not fit the records are refused") {
    TempDir dir;
    const auto records = flows<Record>(3000, 4);
    const IndexedFile f = make_file(dir / "ft-v05", records, 1024);
    const Header h = decode_header(std::span(f.data_bytes).first(f.header_size), "t");
    const auto header = std::span(f.data_bytes).first(f.header_size);
    auto build = [&](std::vector<BlockPoint> points) {
        BlockIndexBuilder b(h, 1024);
        b.add(records);
        return b.finish(points, header, f.data_bytes.size());
    };
    const std::uint64_t hs = f.header_size;
    CHECK_THROWS_AS(build({{0, hs}, {1024, hs + 1024 * 64}}), Error);
    CHECK_THROWS_AS(build({{0, hs}, {1000, hs + 1000 * 64}, {2048, hs + 2048 * 64}}), Error);
    CHECK_THROWS_AS(build({{0, hs}, {1024, hs + 2048 * 64}, {2048, hs + 1024 * 64}}), Error);
    CHECK_THROWS_AS(build({{0, hs}, {1024, hs + 1024 * 64}, {2048, f.data_bytes.size() + 1}}),
                    Error);
    CHECK_NOTHROW(build({{0, hs}, {1024, hs + 1024 * 64}, {2048, hs + 2048 * 64}}));
}

TEST_CASE("records of the wrong series are refused") {
    BlockIndexBuilder v4(Header::for_capture(5, cap_start, "a", true), 1024);
    const std::vector<Record6> six(1);
    CHECK_THROWS_AS(v4.add(six), Error);
    BlockIndexBuilder v6(Header::for_capture(ipv6_export_version, cap_start, "a", true), 1024);
    const std::vector<Record> four(1);
    CHECK_THROWS_AS(v6.add(four), Error);
}

TEST_CASE("absent addresses are ruled out at about the designed rate") {
    TempDir dir;
    const auto records = flows<Record>(20 * 1024, 5);
    const IndexedFile f = make_file(dir / "ft-v05", records, 1024);
    const auto ix = view_of(f);
    const auto absent = absent_v4_keys(records, 20000);
    std::size_t maybe = 0, probes = 0, file_maybe = 0;
    for (const AddressKey& k : absent) {
        file_maybe += ix->file_may_hold(k) ? 1 : 0;
        for (std::size_t b = 0; b < ix->blocks(); ++b, ++probes)
            maybe += ix->block_may_hold(b, k) ? 1 : 0;
    }
    const double rate = double(maybe) / double(probes);
    const double file_rate = double(file_maybe) / double(absent.size());
    INFO("block false positive rate " << rate << ", file " << file_rate);
    // Designed: about 1 in 100 (10 bits of room a key, 6 set; flow-index(5)).
    CHECK(rate < 0.015);
    CHECK(file_rate < 0.015);
    // A filter that says "maybe" to nothing would also pass: the present
    // keys say "maybe" (round trip), and some absent ones must too at this
    // many probes, or the filter is oversized.
    CHECK(maybe > 0);
}

TEST_CASE("ports and protocols are exact below 1024 and bucketed by 64 above") {
    Record r = flows<Record>(1, 6)[0];
    r.srcport = 80;
    r.dstport = 5000;  // bucket 4992..5055
    r.prot = 17;
    BlockIndexBuilder b(Header::for_capture(5, cap_start, "a", false), 1024);
    b.add(std::span<const Record>(&r, 1));
    const std::vector<std::uint8_t> header(64, 0);
    const auto bytes = b.finish(std::vector<BlockPoint>{{0, 64}}, header, 128);
    auto o = BlockIndex::from_bytes(bytes, 128, "ix-test");
    REQUIRE(o.index);
    const BlockIndex& ix = *o.index;
    CHECK(ix.block_may_hold_port(0, 80));
    CHECK_FALSE(ix.block_may_hold_port(0, 81));
    CHECK_FALSE(ix.block_may_hold_port(0, 1023));
    CHECK(ix.block_may_hold_port(0, 5000));
    CHECK(ix.block_may_hold_port(0, 4992));
    CHECK(ix.block_may_hold_port(0, 5055));
    CHECK_FALSE(ix.block_may_hold_port(0, 4991));
    CHECK_FALSE(ix.block_may_hold_port(0, 5056));
    CHECK(ix.block_may_hold_protocol(0, 17));
    CHECK_FALSE(ix.block_may_hold_protocol(0, 6));
    CHECK_FALSE(ix.block_may_hold_protocol(0, 16));
}

TEST_CASE("a damaged index is named and not used") {
    TempDir dir;
    const auto records = flows<Record>(3000, 7);
    const IndexedFile f = make_file(dir / "ft-v05", records, 1024);
    const std::uint64_t size = f.data_bytes.size();
    auto open_bytes = [&](std::vector<std::uint8_t> bytes) {
        return BlockIndex::from_bytes(std::move(bytes), size, "ix-ft-v05");
    };
    auto flipped = [&](std::size_t at) {
        auto bytes = f.index;
        REQUIRE(at < bytes.size());
        bytes[at] ^= 0x10;
        return bytes;
    };
    const auto ix = view_of(f);
    const auto head = [&](std::size_t at) {
        std::uint64_t v = 0;
        for (int i = 7; i >= 0; --i) v = v << 8 | f.index[at + static_cast<std::size_t>(i)];
        return v;
    };
    const std::size_t filters_at = head(56), totals_at = head(80);

    SECTION("section A: the head, the block table, the file filter") {
        for (const std::size_t at : {std::size_t{10}, std::size_t{128 + 64 + 20}, filters_at - 1}) {
            INFO("byte " << at);
            const auto o = open_bytes(flipped(at));
            CHECK(o.problem == IndexProblem::damaged);
            CHECK_FALSE(o.index);
            CHECK(o.message ==
                  "ix-ft-v05: damaged (its block table fails its checksum): "
                  "scanning the file");
        }
    }
    SECTION("section B: the block filters say maybe to everything") {
        auto o = open_bytes(flipped(filters_at + 3));
        REQUIRE(o.problem == IndexProblem::none);
        const AddressKey absent = AddressKey::ipv4(0x7f000001);
        CHECK_FALSE(o.index->file_may_hold(absent));
        for (std::size_t b = 0; b < o.index->blocks(); ++b) {
            CHECK(o.index->block_may_hold(b, absent));
            CHECK(o.index->block_may_hold_port(b, 1));
            CHECK(o.index->block_may_hold_protocol(b, 99));
        }
        CHECK(o.index->filters_damaged());
        CHECK(o.index->verify_sections() == "ix-ft-v05: its block filters fail their checksum");
        CHECK(o.index->totals());
    }
    SECTION("section C: the totals") {
        auto o = open_bytes(flipped(totals_at + 5));
        REQUIRE(o.problem == IndexProblem::none);
        CHECK_FALSE(o.index->totals());
        CHECK(o.index->verify_sections() == "ix-ft-v05: its totals fail their checksum");
        CHECK_FALSE(o.index->filters_damaged());
    }
    SECTION("truncated") {
        auto bytes = f.index;
        bytes.resize(bytes.size() - 1);
        const auto o = open_bytes(bytes);
        CHECK(o.problem == IndexProblem::damaged);
        CHECK(o.message == "ix-ft-v05: damaged (truncated (" + std::to_string(bytes.size()) +
                               " bytes, it needs " + std::to_string(f.index.size()) +
                               ")): scanning the file");
        bytes.resize(100);
        CHECK(open_bytes(bytes).message ==
              "ix-ft-v05: damaged (too short (100 bytes) to be an index): scanning the file");
        CHECK(open_bytes({}).problem == IndexProblem::damaged);
    }
    SECTION("bad magic") {
        auto bytes = f.index;
        bytes[0] = 'G';
        CHECK(open_bytes(bytes).message ==
              "ix-ft-v05: damaged (not an index file (bad magic)): scanning the file");
    }
    SECTION("another format version") {
        auto bytes = f.index;
        bytes[4] = 2;
        const auto o = open_bytes(bytes);
        CHECK(o.problem == IndexProblem::damaged);
        CHECK(o.message ==
              "ix-ft-v05: damaged (format version 2, this library reads 1): scanning the file");
    }
}

TEST_CASE("an index for another size of its data file is stale") {
    TempDir dir;
    const auto records = flows<Record>(100, 8);
    const IndexedFile f = make_file(dir / "ft-v05", records, 1024);
    const auto o = BlockIndex::from_bytes(f.index, f.data_bytes.size() + 64, "ix-ft-v05");
    CHECK(o.problem == IndexProblem::stale);
    CHECK_FALSE(o.index);
    CHECK(o.message == "ix-ft-v05: stale (indexes " + std::to_string(f.data_bytes.size()) +
                           " bytes, the file has " + std::to_string(f.data_bytes.size() + 64) +
                           "): scanning the file");
}

TEST_CASE("open finds the index beside its data file and checks it against the file") {
    TempDir dir;
    const auto records = flows<Record>(3000, 9);
    const IndexedFile f = make_file(dir / "ft-v05", records, 1024);
    const std::string ix_name = (dir / "ix-ft-v05").string();

    SECTION("missing") {
        const auto o = BlockIndex::open(f.data);
        CHECK(o.problem == IndexProblem::missing);
        CHECK(o.message.empty());
        CHECK_FALSE(o.index);
    }
    SECTION("sound") {
        write_index_file(f.data, f.index);
        const auto o = BlockIndex::open(f.data);
        INFO(o.message);
        REQUIRE(o.problem == IndexProblem::none);
        CHECK(o.index->name() == ix_name);
        CHECK(o.index->blocks() == 3);
        CHECK(o.index->block(1).first_record == 1024);
        CHECK(o.index->file_may_hold(AddressKey::ipv4(records[7].dstaddr)));
        CHECK(o.index->block_may_hold(2, AddressKey::ipv4_24(records[2999].srcaddr)));
        CHECK(o.index->totals() == flowkeep_test::recount_totals(records, f.data_bytes.size()));
        CHECK_FALSE(o.index->verify_sections());
    }
    SECTION("older than its data file") {
        write_index_file(f.data, f.index);
        const timespec times[2] = {{0, UTIME_OMIT}, {cap_start - 10, 0}};
        REQUIRE(::utimensat(AT_FDCWD, (dir / "ix-ft-v05").c_str(), times, 0) == 0);
        const auto o = BlockIndex::open(f.data);
        CHECK(o.problem == IndexProblem::stale);
        CHECK(o.message == ix_name + ": stale (older than its data file): scanning the file");
    }
    SECTION("the data file grew") {
        write_index_file(f.data, f.index);
        auto grown = f.data_bytes;
        grown.resize(grown.size() + 64);
        spit(f.data, grown);
        const timespec times[2] = {{0, UTIME_OMIT}, {cap_start - 10, 0}};
        REQUIRE(::utimensat(AT_FDCWD, f.data.c_str(), times, 0) == 0);
        const auto o = BlockIndex::open(f.data);
        CHECK(o.problem == IndexProblem::stale);
        CHECK(o.message == ix_name + ": stale (indexes " + std::to_string(f.data_bytes.size()) +
                               " bytes, the file has " + std::to_string(grown.size()) +
                               "): scanning the file");
    }
    SECTION("damaged on disk") {
        auto bytes = f.index;
        bytes[200] ^= 1;
        write_index_file(f.data, bytes);
        const auto o = BlockIndex::open(f.data);
        CHECK(o.problem == IndexProblem::damaged);
        CHECK(o.message ==
              ix_name + ": damaged (its block table fails its checksum): scanning the file");
    }
    SECTION("empty on disk") {
        spit(dir / "ix-ft-v05", {});
        const auto o = BlockIndex::open(f.data);
        CHECK(o.problem == IndexProblem::damaged);
        CHECK(o.message ==
              ix_name + ": damaged (too short (0 bytes) to be an index): scanning the file");
    }
}

TEST_CASE("writing an index replaces the old one and leaves no temporary behind") {
    TempDir dir;
    const auto records = flows<Record>(2000, 10);
    const IndexedFile f = make_file(dir / "ft-v05", records, 512);
    spit(dir / "ix-ft-v05", std::vector<std::uint8_t>(10, 0xee));
    write_index_file(f.data, f.index);
    CHECK(slurp(dir / "ix-ft-v05") == f.index);
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir.path()))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{"ft-v05", "ix-ft-v05"});
    CHECK(BlockIndex::open(f.data).problem == IndexProblem::none);
}

TEST_CASE("an index that cannot be written is an error naming it, and leaves nothing") {
    TempDir dir;
    const auto records = flows<Record>(10, 11);
    const IndexedFile f = make_file(dir / "ft-v05", records, 512);
    // A directory where the index should go: the rename fails.
    std::filesystem::create_directory(dir / "ix-ft-v05");
    std::filesystem::create_directory(dir / "ix-ft-v05" / "x");
    try {
        write_index_file(f.data, f.index);
        FAIL("no error");
    } catch (const Error& e) {
        const std::string what = e.what();
        CHECK(what.starts_with((dir / "ix-ft-v05").string() + ": cannot write the index (rename)"));
    }
    CHECK_FALSE(std::filesystem::exists(dir / "ix-ft-v05.new"));
    CHECK_THROWS_AS(write_index_file(dir / "no-such-dir" / "ft-v05", f.index), Error);
}

TEST_CASE("an index whose checksum holds but whose fields do not fit is damaged") {
    TempDir dir;
    const auto records = flows<Record>(3000, 12);
    const IndexedFile f = make_file(dir / "ft-v05", records, 1024);
    const std::size_t a_end = 128 + 3 * 64 + [&] {
        std::uint32_t lines = 0;
        for (int i = 3; i >= 0; --i) lines = lines << 8 | f.index[48 + static_cast<std::size_t>(i)];
        return std::size_t{lines} * 64;
    }();
    // As a writer with a bug (or a forger) would make it: the fields changed,
    // the checksum of section A made to match.
    auto forged = [&](std::size_t at, std::uint64_t value, int width) {
        auto bytes = f.index;
        for (int i = 0; i < width; ++i)
            bytes[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(value >> (8 * i));
        std::uint32_t crc = crc32_update(0, bytes.data(), 124);
        crc = crc32_update(crc, bytes.data() + 128, a_end - 128);
        for (int i = 0; i < 4; ++i)
            bytes[124 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(crc >> (8 * i));
        const auto o = BlockIndex::from_bytes(bytes, f.data_bytes.size(), "ix-ft-v05");
        CHECK(o.problem == IndexProblem::damaged);
        CHECK_FALSE(o.index);
        return o.message;
    };
    CHECK(forged(64, ~std::uint64_t{0}, 8) ==
          "ix-ft-v05: damaged (its sections run past its end): scanning the file");
    CHECK(forged(56, a_end + 64, 8) ==
          "ix-ft-v05: damaged (its sections do not fit together): scanning the file");
    CHECK(forged(128 + 64 + 16, 1000, 4) ==
          "ix-ft-v05: damaged (block 2 does not fit the file): scanning the file");
    CHECK(forged(32, 2999, 8) ==
          "ix-ft-v05: damaged (its blocks do not add up to its flows): scanning the file");
    CHECK(forged(128 + 2 * 64 + 60, 1u << 30, 4) ==
          "ix-ft-v05: damaged (block 2 does not fit the file): scanning the file");
    CHECK(forged(6, 4, 2) == "ix-ft-v05: damaged (unknown flags 4): scanning the file");
}

TEST_CASE("asking an index about a block it does not have is an error") {
    TempDir dir;
    const IndexedFile f = make_file(dir / "ft-v05", flows<Record>(100, 13), 1024);
    const auto ix = view_of(f);
    REQUIRE(ix->blocks() == 1);
    CHECK_THROWS_AS(ix->block_may_hold(1, AddressKey::ipv4(1)), std::out_of_range);
    CHECK_THROWS_AS(ix->block_may_hold_port(1, 80), std::out_of_range);
    CHECK_THROWS_AS(ix->block_may_hold_protocol(1, 6), std::out_of_range);
}
