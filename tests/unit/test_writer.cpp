#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <random>
#include <thread>

#include "flowfile/error.hpp"
#include "flowfile/reader.hpp"
#include "flowfile/writer.hpp"
#include "spec_examples.hpp"
#include "support/files.hpp"
#include "support/precondition.hpp"
#include "support/temp_dir.hpp"

using namespace flowfile;
using flowkeep_test::slurp;
using flowkeep_test::TempDir;

namespace {

using namespace std::chrono_literals;

std::vector<Record> read_all(const std::filesystem::path& p, Header* header = nullptr,
                             ReadStatus* status = nullptr) {
    auto reader = Reader::open(p);
    std::vector<Record> out;
    for (auto batch = reader->next_batch(); !batch.empty(); batch = reader->next_batch())
        out.insert(out.end(), batch.begin(), batch.end());
    if (header) *header = reader->header();
    if (status) *status = reader->status();
    return out;
}

// Varied flows with every field set, so a swapped or dropped field shows.
std::vector<Record> random_flows(std::size_t n, std::uint16_t version, unsigned seed) {
    std::mt19937 rng(seed);
    auto u32 = [&] { return static_cast<std::uint32_t>(rng()); };
    auto u16 = [&] { return static_cast<std::uint16_t>(rng()); };
    auto u8 = [&] { return static_cast<std::uint8_t>(rng()); };
    std::vector<Record> flows(n);
    for (auto& r : flows) {
        r.unix_secs = u32();
        r.unix_nsecs = u32();
        r.sysuptime = u32();
        r.exaddr = u32();
        r.srcaddr = u32();
        r.dstaddr = u32();
        r.nexthop = u32();
        r.input = u16();
        r.output = u16();
        r.dpkts = u32();
        r.doctets = u32();
        r.first = u32();
        r.last = u32();
        r.srcport = u16();
        r.dstport = u16();
        r.prot = u8();
        r.tos = u8();
        r.tcp_flags = u8();
        r.pad = u8();
        if (version != 1) {
            r.engine_type = u8();
            r.engine_id = u8();
            r.src_mask = u8();
            r.dst_mask = u8();
            r.src_as = u16();
            r.dst_as = u16();
        }
        if (version == 6) {
            r.in_encaps = u8();
            r.out_encaps = u8();
            r.peer_nexthop = u32();
        }
        if (version == 7) r.router_sc = u32();
        if (version == 1005) {
            r.src_tag = u32();
            r.dst_tag = u32();
        }
    }
    return flows;
}

}  // namespace

TEST_CASE("an uncompressed file is byte-identical to flow-capture's", "[writer]") {
    TempDir dir;
    const auto path = dir / "ft-v05";
    auto w = Writer::create(
        path, Header::for_capture(5, 0x6b0b31fb, "vm", false, std::nullopt, ByteOrder::little),
        {.compression_level = 0, .flush_interval = 0ms});
    w->write(spec_examples::first_flow());
    w->write(spec_examples::second_flow());
    w->finish({.cap_end = 0x6b0b31fc});
    CHECK(slurp(path) == spec_examples::little_endian_file());
    CHECK(w->records_written() == 2);
    CHECK(w->bytes_written() == spec_examples::little_endian_file().size());
}

TEST_CASE("a big-endian file with a comment is byte-identical", "[writer]") {
    TempDir dir;
    const auto path = dir / "ft-v05";
    auto w = Writer::create(
        path, Header::for_capture(5, 0x6b0b3202, "vm", false, "hello", ByteOrder::big),
        {.compression_level = 0, .flush_interval = 0ms});
    w->write(spec_examples::first_flow());
    w->finish({.cap_end = 0x6b0b3203});
    CHECK(slurp(path) == spec_examples::big_endian_file());
}

TEST_CASE("an empty compressed file is byte-identical", "[writer]") {
    TempDir dir;
    const auto path = dir / "ft-v05";
    auto w = Writer::create(
        path, Header::for_capture(5, 0x6b0b328d, "vm", true, std::nullopt, ByteOrder::little), {});
    w->finish({.cap_end = 0x6b0b328d});
    CHECK(slurp(path) == spec_examples::empty_compressed_file());
}

TEST_CASE("the header of an open file has placeholders until finish", "[writer]") {
    TempDir dir;
    const auto path = dir / "tmp-v05";
    auto w = Writer::create(
        path, Header::for_capture(5, 0x6b0b323b, "vm", false, std::nullopt, ByteOrder::little),
        {.compression_level = 0, .flush_interval = 0ms});
    w->write(spec_examples::first_flow());
    w->flush();
    const auto bytes = slurp(path);
    REQUIRE(bytes.size() == 80 + 64);
    CHECK(std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + 80) ==
          spec_examples::open_file_header());
    w->finish({.cap_end = 0x6b0b323c, .lost_flows = 5, .corrupt_packets = 2, .seq_resets = 1});
    Header h;
    read_all(path, &h);
    CHECK(h.done());
    CHECK(h.flow_count == 1u);
    CHECK(h.cap_end == 0x6b0b323cu);
    CHECK(h.lost_flows == 5u);
    CHECK(h.corrupt_packets == 2u);
    CHECK(h.seq_resets == 1u);
    CHECK(h.size == 80);
}

TEST_CASE("every version, byte order and level round-trips through the reader", "[writer]") {
    const auto version = GENERATE(as<std::uint16_t>{}, 1, 5, 6, 7, 1005);
    const auto order = GENERATE(ByteOrder::little, ByteOrder::big);
    const int level = GENERATE(0, 1, 6, 9, -1);
    CAPTURE(version, static_cast<int>(order), level);

    TempDir dir;
    const auto path = dir / "f";
    // More than a reader batch and an odd count, so batch edges are crossed.
    const auto flows = random_flows(Reader::batch_records * 2 + 77, version, version * 31 + level);
    auto w = Writer::create(
        path,
        Header::for_capture(version, 1255600000, "flowbox-a", level != 0, "round trip", order),
        {.compression_level = level, .flush_interval = 0ms});
    w->write(std::span<const Record>(flows).first(1000));
    w->write(std::span<const Record>(flows).subspan(1000));
    w->finish({.cap_end = 1255600060, .lost_flows = 3});

    Header h;
    ReadStatus st;
    const auto back = read_all(path, &h, &st);
    CHECK(st.ok());
    CHECK(st.records == flows.size());
    CHECK(h.export_version == version);
    CHECK(h.byte_order == order);
    CHECK(h.compressed() == (level != 0));
    CHECK(h.flow_count == flows.size());
    CHECK(h.comments == std::string("round trip"));
    REQUIRE(back.size() == flows.size());
    for (std::size_t i = 0; i < flows.size(); ++i) {
        if (back[i] != flows[i]) {
            FAIL("record " << i << " differs after the round trip");
        }
    }
    if (level == 0) {
        CHECK(std::filesystem::file_size(path) == h.size + flows.size() * *record_size(version));
    }
}

TEST_CASE("the zlib header shows the requested level", "[writer]") {
    // Observed flow-capture headers: 78 01 (-z 1), 78 5e (-z 5), 78 9c (-z 6), 78 da (-z 9).
    const auto [level, second_byte] =
        GENERATE(table<int, int>({{1, 0x01}, {5, 0x5e}, {6, 0x9c}, {-1, 0x9c}, {9, 0xda}}));
    TempDir dir;
    const auto path = dir / "f";
    auto w = Writer::create(path, Header::for_capture(5, 1, "h", true),
                            {.compression_level = level, .flush_interval = 0ms});
    w->write(spec_examples::first_flow());
    w->finish({});
    const auto bytes = slurp(path);
    const Header h = decode_header(bytes, "f");
    REQUIRE(bytes.size() > h.size + 2);
    CHECK(bytes[h.size] == 0x78);
    CHECK(bytes[h.size + 1] == second_byte);
}

TEST_CASE("a compressed file is one zlib stream from H to the end", "[writer]") {
    TempDir dir;
    const auto path = dir / "f";
    const auto flows = random_flows(3000, 5, 7);
    auto w = Writer::create(path, Header::for_capture(5, 1, "h", true), {.flush_interval = 0ms});
    w->write(flows);
    w->finish({});
    const auto bytes = slurp(path);
    const Header h = decode_header(bytes, "f");
    std::vector<std::uint8_t> out(flows.size() * 64 + 1);
    uLongf out_len = out.size();
    REQUIRE(uncompress(out.data(), &out_len, bytes.data() + h.size, bytes.size() - h.size) == Z_OK);
    CHECK(out_len == flows.size() * 64);
}

TEST_CASE("flush makes every written record readable while the file is open", "[writer]") {
    TempDir dir;
    const auto path = dir / "tmp-v05";
    const auto flows = random_flows(1500, 5, 11);
    auto w = Writer::create(path, Header::for_capture(5, 1, "h", true), {.flush_interval = 0ms});
    w->write(flows);
    w->flush();
    // Read the unfinished file, as a query tool or crash recovery would.
    ReadStatus st;
    const auto seen = read_all(path, nullptr, &st);
    CHECK(seen == flows);
    CHECK(st.problem == ReadProblem::truncated_stream);
    CHECK_THAT(st.message, Catch::Contains("incomplete file"));

    // More data after a flush point still forms one valid stream.
    w->write(flows);
    w->finish({});
    ReadStatus final_st;
    CHECK(read_all(path, nullptr, &final_st).size() == 3000);
    CHECK(final_st.ok());
}

TEST_CASE("the flush interval bounds how long records stay in memory", "[writer]") {
    TempDir dir;
    const auto path = dir / "tmp-v05";
    auto w = Writer::create(path, Header::for_capture(5, 1, "h", true), {.flush_interval = 1ms});
    w->write(spec_examples::first_flow());
    std::this_thread::sleep_for(5ms);
    w->write(spec_examples::second_flow());  // the interval has passed: this write flushes
    CHECK(read_all(path).size() == 2);
    w->finish({});
}

TEST_CASE("a writer dropped without finish leaves a readable tmp file", "[writer]") {
    TempDir dir;
    const auto path = dir / "tmp-v05";
    const auto flows = random_flows(100, 5, 3);
    {
        auto w =
            Writer::create(path, Header::for_capture(5, 1, "h", true), {.flush_interval = 0ms});
        w->write(flows);
    }
    Header h;
    CHECK(read_all(path, &h) == flows);
    CHECK_FALSE(h.done());
}

TEST_CASE("a stream on a pipe gets no header rewrite", "[writer]") {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    Header h;
    h.export_version = 5;
    h.flags = header_flag::streaming;
    {
        auto w =
            Writer::to_fd(fds[1], "stdout", h, {.compression_level = 0, .flush_interval = 0ms});
        w->write(spec_examples::first_flow());
        w->finish({});
    }
    ::close(fds[1]);
    auto r = Reader::from_fd(fds[0], "stdin");
    CHECK(r->header().streaming());
    CHECK_FALSE(r->header().done());
    const auto batch = r->next_batch();
    REQUIRE(batch.size() == 1);
    CHECK(batch[0] == spec_examples::first_flow());
    ::close(fds[0]);
}

TEST_CASE("writer errors name the file and the problem", "[writer]") {
    TempDir dir;
    CHECK_THROWS_WITH(Writer::create(dir / "no/such/dir/f", Header::for_capture(5, 1, "h", true)),
                      Catch::StartsWith((dir / "no/such/dir/f").string() + ": cannot create: "));
    CHECK_THROWS_WITH(Writer::create(dir / "f", Header::for_capture(8, 1, "h", true)),
                      Catch::Contains("cannot write export version 8"));
    CHECK_THROWS_WITH(
        Writer::create(dir / "f", Header::for_capture(5, 1, "h", true), {.compression_level = 10}),
        Catch::Contains("compression level 10 out of range"));
}

TEST_CASE("a full disk is reported with the file name and the reason", "[writer]") {
    // /dev/full fails every write with ENOSPC, here already the header's.
    if (!flowkeep_test::precondition(::access("/dev/full", W_OK) == 0, "no writable /dev/full"))
        return;
    CHECK_THROWS_WITH(Writer::create("/dev/full", Header::for_capture(5, 1, "h", false)),
                      "/dev/full: write failed: No space left on device (76 bytes kept for retry)");
}

TEST_CASE("a locked file being written is neither truncated nor taken over", "[writer]") {
    TempDir dir;
    const auto path = dir / "tmp-v05";
    const WriterOptions locked{
        .compression_level = 0, .flush_interval = 0ms, .exclusive_lock = true};
    auto live = Writer::create(path, Header::for_capture(5, 1, "vm", false), locked);
    live->write(spec_examples::first_flow());
    live->flush();
    CHECK_THROWS_WITH(Writer::create(path, Header::for_capture(5, 2, "vm", false), locked),
                      path.string() + ": cannot create: in use by another process");
    CHECK(std::filesystem::file_size(path) == 80 + 64);
    live->finish({});
}

TEST_CASE("the compression level can change in the middle of a file", "[writer]") {
    TempDir dir;
    const auto path = dir / "f";
    const auto flows = random_flows(9000, 5, 5);
    auto w = Writer::create(path, Header::for_capture(5, 1, "h", true), {.flush_interval = 0ms});
    CHECK(w->compression_level() == 6);
    std::span<const Record> all(flows);
    w->write(all.first(3000));
    w->set_compression_level(1);
    CHECK(w->compression_level() == 1);
    w->write(all.subspan(3000, 3000));
    w->set_compression_level(6);
    w->write(all.subspan(6000));
    w->finish({});
    ReadStatus st;
    CHECK(read_all(path, nullptr, &st) == flows);
    CHECK(st.ok());
    CHECK_THROWS_WITH(
        Writer::create(dir / "g", Header::for_capture(5, 1, "h", true))->set_compression_level(0),
        Catch::Contains("compression level 0 out of range (1..9)"));
}

TEST_CASE("igzip writes ordinary zlib streams the reader and zlib accept", "[writer]") {
    if (!flowkeep_test::precondition(igzip_available(), "built without ISA-L (libisal-dev)"))
        return;
    const int level = GENERATE(1, 2, 3, -1);
    TempDir dir;
    const auto path = dir / "f";
    const auto flows = random_flows(20000, 5, 9);
    auto w = Writer::create(
        path, Header::for_capture(5, 1, "h", true),
        {.compression_level = level, .flush_interval = 0ms, .engine = CompressionEngine::igzip});
    w->write(std::span<const Record>(flows).first(7000));
    w->flush();
    // Readable up to the sync point while still open, like the zlib engine.
    CHECK(read_all(path).size() == 7000);
    w->write(std::span<const Record>(flows).subspan(7000));
    w->finish({});
    ReadStatus st;
    CHECK(read_all(path, nullptr, &st) == flows);
    CHECK(st.ok());
    // And plain zlib agrees about the whole record area, checksum included.
    const auto bytes = slurp(path);
    const Header h = decode_header(bytes, "f");
    std::vector<std::uint8_t> out(flows.size() * 64 + 1);
    uLongf out_len = out.size();
    REQUIRE(uncompress(out.data(), &out_len, bytes.data() + h.size, bytes.size() - h.size) == Z_OK);
    CHECK(out_len == flows.size() * 64);
}

TEST_CASE("an unavailable engine or level is refused by name", "[writer]") {
    TempDir dir;
    if (igzip_available()) {
        CHECK_THROWS_WITH(
            Writer::create(dir / "f", Header::for_capture(5, 1, "h", true),
                           {.compression_level = 6, .engine = CompressionEngine::igzip}),
            (dir / "f").string() + ": igzip level 6 out of range (1..3)");
    } else {
        CHECK_THROWS_WITH(Writer::create(dir / "f", Header::for_capture(5, 1, "h", true),
                                         {.engine = CompressionEngine::igzip}),
                          Catch::Contains("this build has no ISA-L"));
    }
}
