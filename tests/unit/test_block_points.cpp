// Block points (WriterOptions::block_records): a full flush every N records,
// so that each block inflates alone, in a file that stays one zlib stream.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>
#include <thread>

#include "flowfile/error.hpp"
#include "flowfile/reader.hpp"
#include "flowfile/writer.hpp"
#include "support/files.hpp"
#include "support/precondition.hpp"
#include "support/temp_dir.hpp"
#include "unit/ipv6_fixture_flows.hpp"
#include "unit/varied_flows.hpp"

using namespace flowfile;
using flowkeep_test::slurp;
using flowkeep_test::TempDir;
using flowkeep_test::varied_flows;

namespace {

using namespace std::chrono_literals;

template <typename R = Record>
std::vector<R> read_all(const std::filesystem::path& p, bool streaming_only,
                        ReadStatus* status = nullptr) {
    auto reader = BasicReader<R>::open(p, {.streaming_only = streaming_only});
    std::vector<R> out;
    for (auto batch = reader->next_batch(); !batch.empty(); batch = reader->next_batch())
        out.insert(out.end(), batch.begin(), batch.end());
    if (status) *status = reader->status();
    return out;
}

// Writes `flows` in pieces of changing sizes, so that pieces end before, on
// and after block boundaries.
template <typename R>
std::unique_ptr<Writer> write_in_pieces(const std::filesystem::path& path, const Header& header,
                                        const std::vector<R>& flows, WriterOptions options) {
    auto w = Writer::create(path, header, options);
    constexpr std::size_t pieces[] = {1, 37, 250, 99, 512, 100, 3};
    std::span<const R> rest(flows);
    for (std::size_t i = 0; !rest.empty(); ++i) {
        const std::size_t n = std::min(pieces[i % std::size(pieces)], rest.size());
        w->write(rest.first(n));
        rest = rest.subspan(n);
    }
    w->finish({.cap_end = 1764790500});
    return w;
}

struct RawInflate {
    std::vector<std::uint8_t> out;
    bool stream_end = false;
    std::size_t unused_input = 0;
};

// zlib's raw inflate from a fresh state over `in`: what any reader that
// seeks to a block point does.  A back-reference into an earlier block
// fails here ("invalid distance too far back").
RawInflate inflate_alone(std::span<const std::uint8_t> in, std::size_t expected) {
    z_stream zs{};
    REQUIRE(inflateInit2(&zs, -MAX_WBITS) == Z_OK);
    RawInflate r;
    r.out.resize(expected + 64);
    zs.next_in = const_cast<Bytef*>(in.data());
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = r.out.data();
    zs.avail_out = static_cast<uInt>(r.out.size());
    const int rc = inflate(&zs, Z_SYNC_FLUSH);
    CHECK((rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR));
    r.stream_end = rc == Z_STREAM_END;
    r.unused_input = zs.avail_in;
    r.out.resize(zs.total_out);
    inflateEnd(&zs);
    return r;
}

// Each block, from its point to the next (or the end of the file), must
// inflate alone to exactly its records as `twin` (the same records in an
// uncompressed file) stores them; only the last one ends the stream.
void check_blocks_inflate_alone(const std::vector<std::uint8_t>& file,
                                const std::vector<std::uint8_t>& twin,
                                const std::vector<BlockPoint>& points, std::size_t record_size) {
    const Header h = decode_header(file, "f");
    const Header th = decode_header(twin, "twin");
    const std::size_t records = (twin.size() - th.size) / record_size;
    REQUIRE(!points.empty());
    // Block 0 follows the zlib header: 2 bytes, deflate, no preset dictionary.
    CHECK(points.front().offset == h.size + 2);
    REQUIRE(file.size() > h.size + 2);
    const unsigned cmf = file[h.size], flg = file[h.size + 1];
    CHECK((cmf & 0x0f) == 8);
    CHECK((cmf * 256 + flg) % 31 == 0);
    CHECK((flg & 0x20) == 0);
    for (std::size_t k = 0; k < points.size(); ++k) {
        CAPTURE(k, points[k].first_record, points[k].offset);
        const bool last = k + 1 == points.size();
        const std::uint64_t end = last ? file.size() : points[k + 1].offset;
        const std::uint64_t end_record = last ? records : points[k + 1].first_record;
        REQUIRE(points[k].offset < end);
        REQUIRE(end <= file.size());
        const std::size_t expected = (end_record - points[k].first_record) * record_size;
        const auto r = inflate_alone(
            std::span<const std::uint8_t>(file).subspan(points[k].offset, end - points[k].offset),
            expected);
        const auto from = twin.begin() + static_cast<std::ptrdiff_t>(
                                             th.size + points[k].first_record * record_size);
        const std::vector<std::uint8_t> want(from, from + static_cast<std::ptrdiff_t>(expected));
        CHECK(r.out == want);
        CHECK(r.stream_end == last);
        // The last block's input ends with the Adler-32, the others exactly.
        CHECK(r.unused_input == (last ? 4u : 0u));
    }
}

std::vector<std::uint8_t> uncompressed_twin(const std::filesystem::path& path, const Header& header,
                                            const std::vector<Record>& flows) {
    auto w = Writer::create(path, header, {.compression_level = 0, .flush_interval = 0ms});
    w->write(flows);
    w->finish({.cap_end = 1764790500});
    return slurp(path);
}

struct EngineLevel {
    CompressionEngine engine;
    int level;
};

}  // namespace

TEST_CASE("a block begins every block_records records and at no other record", "[block_points]") {
    TempDir dir;
    const auto flows = varied_flows(1234, 5, 1);
    const Header header = Header::for_capture(5, 1764790200, "flowbox-a", true);
    auto w =
        write_in_pieces(dir / "f", header, flows, {.flush_interval = 0ms, .block_records = 100});
    const auto& points = w->block_points();
    REQUIRE(points.size() == 13);
    const auto file = slurp(dir / "f");
    const Header h = decode_header(file, "f");
    CHECK(points[0] == BlockPoint{.first_record = 0, .offset = h.size + 2});
    for (std::size_t k = 1; k < points.size(); ++k) {
        CHECK(points[k].first_record == 100 * k);
        CHECK(points[k].offset > points[k - 1].offset);
    }
    CHECK(points.back().offset < file.size());
    CHECK(w->bytes_written() == file.size());
}

TEST_CASE("a file with block points reads back like the same records without", "[block_points]") {
    const auto [engine, level] = GENERATE(values<EngineLevel>({{CompressionEngine::zlib, 1},
                                                               {CompressionEngine::zlib, 6},
                                                               {CompressionEngine::zlib, 9},
                                                               {CompressionEngine::igzip, 1},
                                                               {CompressionEngine::igzip, 3}}));
    const std::uint16_t version = GENERATE(as<std::uint16_t>{}, 5, 1005, 1);
    const ByteOrder order = GENERATE(ByteOrder::little, ByteOrder::big);
    CAPTURE(static_cast<int>(engine), level, version, static_cast<int>(order));
    if (engine == CompressionEngine::igzip &&
        !flowkeep_test::precondition(igzip_available(), "built without ISA-L (libisal-dev)"))
        return;

    TempDir dir;
    const auto flows = varied_flows(2100, version, level * 7 + version);
    const Header header =
        Header::for_capture(version, 1764790200, "flowbox-a", true, std::nullopt, order);
    const WriterOptions plain{.compression_level = level, .flush_interval = 0ms, .engine = engine};
    WriterOptions blocked = plain;
    blocked.block_records = 128;
    write_in_pieces(dir / "plain", header, flows, plain);
    auto w = write_in_pieces(dir / "blocked", header, flows, blocked);
    CHECK(w->block_points().size() == 17);

    for (const bool streaming : {false, true}) {
        CAPTURE(streaming);
        ReadStatus st;
        CHECK(read_all(dir / "blocked", streaming, &st) == flows);
        CHECK(st.ok());
        CHECK(read_all(dir / "plain", streaming) == flows);
    }
    const auto plain_bytes = slurp(dir / "plain");
    const auto blocked_bytes = slurp(dir / "blocked");
    const Header h = decode_header(blocked_bytes, "blocked");
    CHECK(h == decode_header(plain_bytes, "plain"));
    CHECK(std::vector(blocked_bytes.begin(), blocked_bytes.begin() + h.size) ==
          std::vector(plain_bytes.begin(), plain_bytes.begin() + h.size));
    // One zlib stream from H to the end, Adler-32 included.
    const std::size_t size = *record_size(version);
    std::vector<std::uint8_t> out(flows.size() * size + 1);
    uLongf out_len = out.size();
    REQUIRE(uncompress(out.data(), &out_len, blocked_bytes.data() + h.size,
                       blocked_bytes.size() - h.size) == Z_OK);
    CHECK(out_len == flows.size() * size);

    check_blocks_inflate_alone(blocked_bytes, uncompressed_twin(dir / "twin", header, flows),
                               w->block_points(), size);
}

TEST_CASE("an uncompressed file's block points are record offsets, its bytes unchanged",
          "[block_points]") {
    TempDir dir;
    const auto flows = varied_flows(777, 5, 3);
    const Header header = Header::for_capture(5, 1764790200, "flowbox-a", false);
    write_in_pieces(dir / "plain", header, flows, {.compression_level = 0, .flush_interval = 0ms});
    auto w = write_in_pieces(dir / "blocked", header, flows,
                             {.compression_level = 0, .flush_interval = 0ms, .block_records = 256});
    const auto bytes = slurp(dir / "blocked");
    CHECK(bytes == slurp(dir / "plain"));
    const Header h = decode_header(bytes, "blocked");
    CHECK(w->block_points() == std::vector<BlockPoint>{{0, h.size},
                                                       {256, h.size + 256 * 64},
                                                       {512, h.size + 512 * 64},
                                                       {768, h.size + 768 * 64}});
}

TEST_CASE("no block point is made for an empty block at the end", "[block_points]") {
    TempDir dir;
    const Header header = Header::for_capture(5, 1764790200, "flowbox-a", true);
    const WriterOptions options{.flush_interval = 0ms, .block_records = 100};

    auto empty = Writer::create(dir / "empty", header, options);
    empty->finish({});
    CHECK(empty->block_points().empty());
    ReadStatus st;
    CHECK(read_all(dir / "empty", false, &st).empty());
    CHECK(st.ok());

    const auto flows = varied_flows(300, 5, 4);
    auto w = write_in_pieces(dir / "f", header, flows, options);
    REQUIRE(w->block_points().size() == 3);
    CHECK(w->block_points().back().first_record == 200);
    for (const bool streaming : {false, true}) CHECK(read_all(dir / "f", streaming) == flows);
    check_blocks_inflate_alone(slurp(dir / "f"), uncompressed_twin(dir / "twin", header, flows),
                               w->block_points(), 64);
}

TEST_CASE("sync flushes and level changes inside blocks keep each block inflatable alone",
          "[block_points]") {
    TempDir dir;
    const auto flows = varied_flows(1000, 5, 5);
    const Header header = Header::for_capture(5, 1764790200, "flowbox-a", true);
    // A flush interval short enough that the writer's own timed flushes
    // fall inside blocks as well as the explicit ones.
    auto w = Writer::create(dir / "f", header, {.flush_interval = 1ms, .block_records = 100});
    std::span<const Record> all(flows);
    w->write(all.first(50));
    w->flush();  // inside block 0
    w->write(all.subspan(50, 150));
    w->flush();  // exactly at the end of block 1
    std::this_thread::sleep_for(2ms);
    w->write(all.subspan(200, 130));
    w->set_compression_level(1);  // inside block 3
    w->write(all.subspan(330, 270));
    w->set_compression_level(9);  // exactly at a boundary
    std::this_thread::sleep_for(2ms);
    w->write(all.subspan(600, 1));
    w->flush();
    w->write(all.subspan(601));
    w->finish({});
    REQUIRE(w->block_points().size() == 10);

    for (const bool streaming : {false, true}) {
        ReadStatus st;
        CHECK(read_all(dir / "f", streaming, &st) == flows);
        CHECK(st.ok());
    }
    check_blocks_inflate_alone(slurp(dir / "f"), uncompressed_twin(dir / "twin", header, flows),
                               w->block_points(), 64);
}

TEST_CASE("block points stay right when writes fail and are retried", "[block_points]") {
    // A non-blocking pipe that nobody drains fails writes (EAGAIN) the way a
    // full disk does (ENOSPC): the writer keeps what it could not write and
    // retries it on the next call.
    int fds[2];
    REQUIRE(::pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0);
    std::vector<std::uint8_t> stream;
    const auto drain = [&] {
        std::uint8_t buf[65536];
        for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;)
            stream.insert(stream.end(), buf, buf + n);
    };
    const auto flows = varied_flows(30000, 5, 6);
    const Header header = Header::for_capture(5, 1764790200, "flowbox-a", true);
    auto w = Writer::to_fd(fds[1], "pipe", header, {.flush_interval = 0ms, .block_records = 1000});
    drain();
    int failures = 0;
    std::span<const Record> rest(flows);
    while (!rest.empty()) {
        const std::size_t n = std::min<std::size_t>(rest.size(), 2500);
        try {
            w->write(rest.first(n));
        } catch (const Error& e) {
            CHECK_THAT(e.what(), Catch::Contains("pipe: write failed"));
            ++failures;
            drain();
        }
        rest = rest.subspan(n);
    }
    for (bool done = false; !done;) {
        try {
            w->finish({});
            done = true;
        } catch (const Error&) {
            ++failures;
            drain();
        }
    }
    drain();
    ::close(fds[0]);
    ::close(fds[1]);
    CHECK(failures > 0);
    CHECK(w->bytes_written() == stream.size());
    REQUIRE(w->block_points().size() == 30);

    TempDir dir;
    flowkeep_test::spit(dir / "f", stream);
    CHECK(read_all(dir / "f", true) == flows);
    check_blocks_inflate_alone(stream, uncompressed_twin(dir / "twin", header, flows),
                               w->block_points(), 64);
}

TEST_CASE("an IPv6 series file gets block points too", "[block_points]") {
    TempDir dir;
    const auto flows = flowkeep_test::ipv6_fixture_flows(95);
    const Header header = Header::for_capture(ipv6_export_version, 1764790200, "flowbox-a", true);
    auto w =
        write_in_pieces(dir / "ip6", header, flows, {.flush_interval = 0ms, .block_records = 10});
    REQUIRE(w->block_points().size() == 10);
    for (const bool streaming : {false, true}) {
        ReadStatus st;
        CHECK(read_all<Record6>(dir / "ip6", streaming, &st) == flows);
        CHECK(st.ok());
    }
    auto twin =
        Writer::create(dir / "twin", header, {.compression_level = 0, .flush_interval = 0ms});
    twin->write(flows);
    twin->finish({.cap_end = 1764790500});
    check_blocks_inflate_alone(slurp(dir / "ip6"), slurp(dir / "twin"), w->block_points(),
                               record6_size);
}
