// Reading chosen blocks of a file alone (read_blocks), and the inflater it
// uses on each block.

#include <catch2/catch.hpp>

#include <algorithm>

#include "flowfile/block_index.hpp"
#include "flowfile/block_inflate.hpp"
#include "flowfile/block_read.hpp"
#include "flowfile/writer.hpp"
#include "support/files.hpp"
#include "support/precondition.hpp"
#include "support/temp_dir.hpp"
#include "unit/ipv6_fixture_flows.hpp"
#include "unit/varied_flows.hpp"

using namespace flowfile;
using flowkeep_test::slurp;
using flowkeep_test::spit;
using flowkeep_test::TempDir;
using flowkeep_test::varied_flows;

namespace {

using namespace std::chrono_literals;

constexpr std::uint32_t cap_start = 1764790200;

struct Written {
    Header header;  // as finished
    std::vector<BlockPoint> points;
    std::vector<std::uint8_t> index;  // the encoded index
};

template <typename R>
Written write_file(const std::filesystem::path& path, const std::vector<R>& flows,
                   std::uint16_t version, WriterOptions options) {
    auto w =
        Writer::create(path, Header::for_capture(version, cap_start, "flowbox-a", true), options);
    w->write(flows);
    w->finish({.cap_end = cap_start + 300});
    const auto bytes = slurp(path);
    BlockIndexBuilder builder(w->header(), options.block_records);
    builder.add(std::span<const R>(flows));
    auto index =
        builder.finish(w->block_points(), std::span(bytes).first(w->header().size), bytes.size());
    return {w->header(), w->block_points(), std::move(index)};
}

std::unique_ptr<BlockIndex> view(const Written& f, const std::filesystem::path& path) {
    auto opened = BlockIndex::from_bytes(f.index, std::filesystem::file_size(path),
                                         "ix-" + path.filename().string());
    INFO(opened.message);
    REQUIRE(opened.index);
    return std::move(opened.index);
}

// The flows of blocks `chosen` of `block_records`-record blocks.
template <typename R>
std::vector<R> flows_of(const std::vector<R>& flows, std::size_t block_records,
                        std::span<const std::uint32_t> chosen) {
    std::vector<R> out;
    for (const std::uint32_t b : chosen) {
        const std::size_t from = b * block_records;
        const std::size_t to = std::min(flows.size(), from + block_records);
        out.insert(out.end(), flows.begin() + static_cast<std::ptrdiff_t>(from),
                   flows.begin() + static_cast<std::ptrdiff_t>(to));
    }
    return out;
}

void flip_byte(const std::filesystem::path& path, std::uint64_t offset) {
    auto bytes = slurp(path);
    bytes.at(offset) ^= 0x20;
    spit(path, bytes);
}

struct EngineLevel {
    CompressionEngine engine;
    int level;
};

}  // namespace

TEST_CASE("a block inflates alone to exactly its records, in place or copied", "[block_read]") {
    const auto engine = GENERATE(BlockInflater::Engine::fastest, BlockInflater::Engine::zlib);
    CAPTURE(static_cast<int>(engine));
    TempDir dir;
    const auto flows = varied_flows(1000, 5, 21);
    auto w = Writer::create(dir / "f", Header::for_capture(5, cap_start, "h", true),
                            {.flush_interval = 0ms, .block_records = 300});
    w->write(flows);
    w->finish({});
    auto file = slurp(dir / "f");
    auto twin = Writer::create(dir / "twin", Header::for_capture(5, cap_start, "h", false),
                               {.compression_level = 0, .flush_interval = 0ms});
    twin->write(flows);
    twin->finish({});
    const auto raw = slurp(dir / "twin");
    const auto& points = w->block_points();
    REQUIRE(points.size() == 4);

    BlockInflater inflater(engine);
    for (std::size_t k = 0; k < points.size(); ++k) {
        CAPTURE(k);
        const bool last = k + 1 == points.size();
        const std::size_t size = (last ? file.size() : points[k + 1].offset) - points[k].offset;
        const std::size_t records =
            (last ? flows.size() : points[k + 1].first_record) - points[k].first_record;
        const auto from = raw.begin() + static_cast<std::ptrdiff_t>(twin->header().size +
                                                                    points[k].first_record * 64);
        const std::vector<std::uint8_t> want(from,
                                             from + static_cast<std::ptrdiff_t>(records * 64));
        std::vector<std::uint8_t> out(records * 64);

        // Where it lies in the file: the bytes after it are used and put back.
        if (!last) {
            const auto before = file;
            CHECK(inflater.inflate(std::span(file).subspan(points[k].offset), size, out));
            CHECK(out == want);
            CHECK(file == before);
        }
        // Copied alone, with only the tail room after it.
        std::vector<std::uint8_t> alone(
            file.begin() + static_cast<std::ptrdiff_t>(points[k].offset),
            file.begin() + static_cast<std::ptrdiff_t>(points[k].offset + size));
        alone.resize(size + block_tail_room);
        std::fill(out.begin(), out.end(), 0);
        CHECK(inflater.inflate(alone, size, out));
        CHECK(out == want);

        // Asked for one byte fewer or more than it holds, or cut short: no.
        std::vector<std::uint8_t> fewer(out.size() - 1);
        CHECK_FALSE(inflater.inflate(alone, size, fewer));
        std::vector<std::uint8_t> more(out.size() + 1);
        CHECK_FALSE(inflater.inflate(alone, size, more));
        CHECK_FALSE(inflater.inflate(alone, size - 7, out));
        // No tail room: refused rather than read past the buffer.
        CHECK_FALSE(inflater.inflate(std::span(alone).first(size + 1), size, out));
    }
}

TEST_CASE("chosen blocks read alone give exactly their records", "[block_read]") {
    const auto [engine, level] = GENERATE(values<EngineLevel>({{CompressionEngine::zlib, 1},
                                                               {CompressionEngine::zlib, 6},
                                                               {CompressionEngine::zlib, 9},
                                                               {CompressionEngine::zlib, 0},
                                                               {CompressionEngine::igzip, 3}}));
    const std::uint16_t version = GENERATE(as<std::uint16_t>{}, 5, 1005);
    CAPTURE(static_cast<int>(engine), level, version);
    if (engine == CompressionEngine::igzip &&
        !flowkeep_test::precondition(igzip_available(), "built without ISA-L (libisal-dev)"))
        return;
    TempDir dir;
    const auto path = dir / "ft-v05.2025-12-03.193000+0000";
    const auto flows = varied_flows(1450, version, 30 + level);
    const auto f = write_file(path, flows, version,
                              {.compression_level = level,
                               .flush_interval = 0ms,
                               .engine = engine,
                               .block_records = 100});
    const auto index = view(f, path);
    REQUIRE(index->blocks() == 15);

    const std::vector<std::vector<std::uint32_t>> choices = {
        {0},
        {14},
        {3, 4, 5},
        {0, 2, 7, 8, 14},
        {13, 14},
        {},
        {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}};
    for (const auto& chosen : choices) {
        CAPTURE(chosen);
        const auto got = read_blocks<Record>(path, f.header, *index, chosen);
        INFO(got.problem.value_or(""));
        CHECK_FALSE(got.problem);
        CHECK(got.records == flows_of(flows, 100, chosen));
    }
    // The same again (the thread's buffers are reused), and a file of
    // another kind asked for the wrong records.
    CHECK(read_blocks<Record>(path, f.header, *index, std::vector<std::uint32_t>{9}).records ==
          flows_of(flows, 100, std::vector<std::uint32_t>{9}));
    const auto wrong = read_blocks<Record6>(path, f.header, *index, std::vector<std::uint32_t>{0});
    CHECK(wrong.records.empty());
    CHECK(wrong.problem ==
          path.string() + ": holds no records of the kind asked for: scanning the file");
}

TEST_CASE("an IPv6 series file's blocks read alone", "[block_read]") {
    TempDir dir;
    const auto path = dir / "ip6.2025-12-03.193000+0000";
    const auto flows = flowkeep_test::ipv6_fixture_flows(250);
    auto w = Writer::create(path, Header::for_capture(ipv6_export_version, cap_start, "h", true),
                            {.flush_interval = 0ms, .block_records = 64});
    w->write(flows);
    w->finish({});
    const auto bytes = slurp(path);
    BlockIndexBuilder builder(w->header(), 64);
    builder.add(std::span<const Record6>(flows));
    auto opened = BlockIndex::from_bytes(
        builder.finish(w->block_points(), std::span(bytes).first(w->header().size), bytes.size()),
        bytes.size(), "ix-ip6");
    REQUIRE(opened.index);
    const std::vector<std::uint32_t> chosen{1, 3};
    const auto got = read_blocks<Record6>(path, w->header(), *opened.index, chosen);
    CHECK_FALSE(got.problem);
    CHECK(got.records == flows_of(flows, 64, chosen));
}

TEST_CASE("a damaged block is named and its neighbours still read", "[block_read]") {
    const int level = GENERATE(6, 0);
    CAPTURE(level);
    TempDir dir;
    const auto path = dir / "ft-v05.2025-12-03.193000+0000";
    const auto flows = varied_flows(1000, 5, 40);
    const auto f = write_file(
        path, flows, 5, {.compression_level = level, .flush_interval = 0ms, .block_records = 200});
    const auto index = view(f, path);
    const IndexBlock b3 = index->block(3);
    flip_byte(path, b3.offset + (b3.end_offset - b3.offset) / 2);

    const std::string block3 = path.string() + ": block 3 (bytes " + std::to_string(b3.offset) +
                               ".." + std::to_string(b3.end_offset) + ", records 600..800)";
    for (const auto& chosen : std::vector<std::vector<std::uint32_t>>{{3}, {2, 3, 4}, {0, 3}}) {
        CAPTURE(chosen);
        const auto got = read_blocks<Record>(path, f.header, *index, chosen);
        REQUIRE(got.problem);
        // A flipped bit inflates to other bytes or to none at all.
        const bool inflate_or_crc =
            *got.problem == block3 + " does not inflate alone to its records: scanning the file" ||
            *got.problem == block3 + " does not match the index's CRC: scanning the file";
        CHECK(inflate_or_crc);
        CHECK(got.records.empty());
    }
    const std::vector<std::uint32_t> others{0, 1, 2, 4};
    const auto got = read_blocks<Record>(path, f.header, *index, others);
    CHECK_FALSE(got.problem);
    CHECK(got.records == flows_of(flows, 200, others));

    const auto missing = read_blocks<Record>(path, f.header, *index, std::vector<std::uint32_t>{5});
    CHECK(missing.problem ==
          "ix-" + path.filename().string() + ": no block 5 (it has 5): scanning the file");
}

TEST_CASE("a file cut short after its index was made names the block it lost", "[block_read]") {
    TempDir dir;
    const auto path = dir / "ft-v05.2025-12-03.193000+0000";
    const auto flows = varied_flows(1000, 5, 41);
    const auto f = write_file(path, flows, 5, {.flush_interval = 0ms, .block_records = 300});
    const auto index = view(f, path);
    const IndexBlock b3 = index->block(3);
    std::filesystem::resize_file(path, b3.offset + 10);

    const auto got = read_blocks<Record>(path, f.header, *index, std::vector<std::uint32_t>{2, 3});
    CHECK(got.problem == path.string() + ": ends at " + std::to_string(b3.offset + 10) +
                             ", before byte " + std::to_string(b3.end_offset) +
                             " the index names: scanning the file");
    CHECK(got.records.empty());
    const std::vector<std::uint32_t> kept{0, 1, 2};
    CHECK(read_blocks<Record>(path, f.header, *index, kept).records == flows_of(flows, 300, kept));
}

TEST_CASE("an unfinished file's flushed blocks read alone, a cut one is named", "[block_read]") {
    // A tmp- file as a crash leaves it: blocks up to the last flush are
    // whole (the last one ends in a sync flush, not the end of the stream);
    // after that the deflate data stops in the middle of a block.
    TempDir dir;
    const auto path = dir / "tmp-v05.2025-12-03.193000+0000";
    const auto flows = varied_flows(950, 5, 42);
    auto w = Writer::create(path, Header::for_capture(5, cap_start, "h", true),
                            {.flush_interval = 0ms, .block_records = 200});
    w->write(std::span<const Record>(flows).first(700));
    w->flush();
    const auto bytes = slurp(path);
    BlockIndexBuilder builder(w->header(), 200);
    builder.add(std::span<const Record>(flows).first(700));
    auto opened = BlockIndex::from_bytes(
        builder.finish(w->block_points(), std::span(bytes).first(w->header().size), bytes.size()),
        bytes.size(), "ix-tmp");
    REQUIRE(opened.index);
    REQUIRE(opened.index->blocks() == 4);
    const std::vector<std::uint32_t> all{0, 1, 2, 3};
    const auto got = read_blocks<Record>(path, w->header(), *opened.index, all);
    CHECK_FALSE(got.problem);
    CHECK(got.records == std::vector<Record>(flows.begin(), flows.begin() + 700));

    // The last block cut inside its deflate data.
    const IndexBlock b3 = opened.index->block(3);
    auto cut = bytes;
    cut.resize(b3.offset + (b3.end_offset - b3.offset) / 2);
    cut.resize(bytes.size(), 0);  // the size the index knows, zeros after the cut
    spit(path, cut);
    const auto damaged = read_blocks<Record>(path, w->header(), *opened.index, all);
    REQUIRE(damaged.problem);
    CHECK_THAT(*damaged.problem, Catch::StartsWith(path.string() + ": block 3 (bytes "));
    CHECK(damaged.records.empty());
    w.reset();
}

TEST_CASE("an index made for another header of the file is stale", "[block_read]") {
    TempDir dir;
    const auto path = dir / "ft-v05.2025-12-03.193000+0000";
    const auto flows = varied_flows(500, 5, 43);
    const auto f = write_file(path, flows, 5, {.flush_interval = 0ms, .block_records = 100});
    const auto index = view(f, path);
    const std::string ix = "ix-" + path.filename().string();
    const std::vector<std::uint32_t> one{1};

    // The same size, one byte else: the hostname's first letter.
    auto bytes = slurp(path);
    const auto at =
        std::search(bytes.begin(), bytes.end(), std::begin("flowbox-a"), std::end("flowbox-a") - 1);
    REQUIRE(at != bytes.end());
    *at = 'g';
    spit(path, bytes);
    const auto got = read_blocks<Record>(path, f.header, *index, one);
    CHECK(got.problem ==
          ix + ": stale (made for another header than " + path.string() + "'s): scanning the file");
    CHECK(got.records.empty());

    // A header of another size.
    Header other = f.header;
    other.size += 4;
    CHECK(read_blocks<Record>(path, other, *index, one).problem ==
          ix + ": stale (indexes a header of " + std::to_string(f.header.size) + " bytes, " +
              path.string() + " has " + std::to_string(other.size) + "): scanning the file");
}
