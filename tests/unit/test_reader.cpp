#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>
#include <algorithm>
#include <thread>

#include "flowfile/error.hpp"
#include "flowfile/reader.hpp"
#include "flowfile/writer.hpp"
#include "spec_examples.hpp"
#include "support/files.hpp"
#include "support/temp_dir.hpp"

using namespace flowfile;
using flowkeep_test::slurp;
using flowkeep_test::spit;
using flowkeep_test::TempDir;
using namespace std::chrono_literals;

namespace {

struct ReadResult {
    std::vector<Record> records;
    ReadStatus status;
    std::size_t batches = 0;
};

ReadResult drain(Reader& r) {
    ReadResult out;
    for (auto b = r.next_batch(); !b.empty(); b = r.next_batch()) {
        out.records.insert(out.records.end(), b.begin(), b.end());
        ++out.batches;
    }
    CHECK(r.next_batch().empty());  // stays at the end
    out.status = r.status();
    return out;
}

ReadResult read_file(const std::filesystem::path& p) {
    return drain(*Reader::open(p));
}

std::vector<Record> numbered_flows(std::size_t n) {
    std::vector<Record> v(n, spec_examples::first_flow());
    for (std::size_t i = 0; i < n; ++i) v[i].dpkts = static_cast<std::uint32_t>(i);
    return v;
}

std::filesystem::path write_file(const TempDir& dir, const std::vector<Record>& flows, int level) {
    const auto path = dir / "ft-v05";
    auto w = Writer::create(path, Header::for_capture(5, 1, "vm", level != 0),
                            {.compression_level = level, .flush_interval = 0ms});
    w->write(flows);
    w->finish({});
    return path;
}

}  // namespace

TEST_CASE("the spec's example files read back as their flows", "[reader]") {
    TempDir dir;
    spit(dir / "le", spec_examples::little_endian_file());
    spit(dir / "be", spec_examples::big_endian_file());
    spit(dir / "empty", spec_examples::empty_compressed_file());

    const auto le = read_file(dir / "le");
    CHECK(le.status.ok());
    CHECK(le.records ==
          std::vector<Record>{spec_examples::first_flow(), spec_examples::second_flow()});

    const auto be = read_file(dir / "be");
    CHECK(be.status.ok());
    CHECK(be.records == std::vector<Record>{spec_examples::first_flow()});

    const auto empty = read_file(dir / "empty");
    CHECK(empty.status.ok());
    CHECK(empty.records.empty());
}

TEST_CASE("records come in batches of the documented size", "[reader]") {
    TempDir dir;
    const auto flows = numbered_flows(Reader::batch_records * 3 + 5);
    for (int level : {0, 6}) {
        const auto r = read_file(write_file(dir, flows, level));
        CHECK(r.records == flows);
        CHECK(r.batches == 4);
    }
}

TEST_CASE("an uncompressed file cut inside a record delivers every whole record", "[reader]") {
    TempDir dir;
    auto bytes = slurp(write_file(dir, numbered_flows(200), 0));
    bytes.resize(80 + 131 * 64 + 23);  // as incomplete/truncated_z0
    spit(dir / "cut", bytes);
    const auto r = read_file(dir / "cut");
    CHECK(r.records == numbered_flows(131));
    CHECK(r.status.problem == ReadProblem::partial_record);
    CHECK(r.status.records == 131);
    CHECK(r.status.input_offset == 80 + 131 * 64);
    CHECK(r.status.message == (dir / "cut").string() +
                                  ": partial record before end of file (23 of 64 bytes at byte "
                                  "8464); 131 flows read");
}

TEST_CASE("a compressed file cut short delivers what was inflated", "[reader]") {
    TempDir dir;
    const auto flows = numbered_flows(3000);
    auto bytes = slurp(write_file(dir, flows, 6));
    bytes.resize(bytes.size() / 2);
    spit(dir / "cut", bytes);
    const auto r = read_file(dir / "cut");
    REQUIRE(!r.records.empty());
    CHECK(r.records.size() < flows.size());
    CHECK(std::equal(r.records.begin(), r.records.end(), flows.begin()));
    CHECK(r.status.problem == ReadProblem::truncated_stream);
    CHECK_THAT(
        r.status.message,
        Catch::StartsWith((dir / "cut").string() +
                          ": truncated: compressed data ends without end of stream at byte " +
                          std::to_string(bytes.size())));
    CHECK_THAT(r.status.message, Catch::EndsWith(std::to_string(r.records.size()) + " flows read"));
}

TEST_CASE("damaged compressed data without checksum points delivers none of its records",
          "[reader]") {
    TempDir dir;
    const auto flows = numbered_flows(3000);
    auto bytes = slurp(write_file(dir, flows, 6));
    const Header h = decode_header(bytes, "f");
    // Wreck the middle of the deflate data.
    for (std::size_t i = bytes.size() / 2; i < bytes.size() / 2 + 64; ++i) bytes[i] ^= 0x5a;
    spit(dir / "bad", bytes);
    const auto r = read_file(dir / "bad");
    // Deflate has no per-block check: what inflated before the error may
    // already be garbage, and only the Adler-32 at the end could vouch for it.
    CHECK(r.records.empty());
    CHECK(r.status.problem == ReadProblem::corrupt_data);
    CHECK(r.status.input_offset > h.size);
    CHECK_THAT(r.status.message, Catch::Contains(": corrupt compressed data at byte "));
    CHECK_THAT(r.status.message,
               Catch::EndsWith("; 0 flows read; 3000 flows after the last good checksum point "
                               "dropped as unverifiable (from byte " +
                               std::to_string(h.size) + ")"));
}

TEST_CASE("a bad checksum without checksum points withholds every record", "[reader]") {
    TempDir dir;
    const auto flows = numbered_flows(262);
    auto bytes = slurp(write_file(dir, flows, 6));
    bytes[bytes.size() - 2] ^= 0xff;  // inside the Adler-32 trailer
    spit(dir / "bad", bytes);
    const auto r = read_file(dir / "bad");
    // The trailer is the only thing that vouches for the data: without it
    // nothing is known to be what was written (flow-tools printed all but
    // the last record).
    CHECK(r.records.empty());
    CHECK(r.status.problem == ReadProblem::corrupt_data);
    CHECK_THAT(r.status.message, Catch::Contains("incorrect data check"));
    CHECK_THAT(r.status.message, Catch::Contains("262 flows after the last good checksum point"));
}

TEST_CASE("bytes after the end of the zlib stream are reported", "[reader]") {
    TempDir dir;
    auto bytes = slurp(write_file(dir, numbered_flows(10), 6));
    bytes.push_back(0);
    spit(dir / "extra", bytes);
    const auto r = read_file(dir / "extra");
    CHECK(r.records.size() == 10);
    CHECK(r.status.problem == ReadProblem::trailing_data);
}

TEST_CASE("a header-only tmp file reads as empty and incomplete", "[reader]") {
    TempDir dir;
    spit(dir / "tmp", spec_examples::open_file_header());
    auto reader = Reader::open(dir / "tmp");
    CHECK_FALSE(reader->header().done());
    const auto r = drain(*reader);
    CHECK(r.records.empty());
    CHECK(r.status.ok());
}

TEST_CASE("open errors name the file", "[reader]") {
    TempDir dir;
    CHECK_THROWS_WITH(Reader::open(dir / "missing"),
                      (dir / "missing").string() + ": cannot open: No such file or directory");
    spit(dir / "short", {0xcf});
    CHECK_THROWS_WITH(
        Reader::open(dir / "short"),
        (dir / "short").string() + ": not a flow file: 1 bytes, too short for a header");
    auto v8 = spec_examples::v8_header_prefix();
    v8.resize(88);
    spit(dir / "v8", v8);
    CHECK_THROWS_WITH(
        Reader::open(dir / "v8"),
        (dir / "v8").string() + ": export version 8 (router aggregation) files are not supported");
    auto v9 = spec_examples::open_file_header();
    v9[12] = 9;
    spit(dir / "v9", v9);
    CHECK_THROWS_WITH(Reader::open(dir / "v9"),
                      (dir / "v9").string() + ": unsupported export version 9");
}

TEST_CASE("a stream on a pipe reads like the file", "[reader]") {
    TempDir dir;
    const auto flows = numbered_flows(5000);
    for (int level : {0, 6}) {
        const auto bytes = slurp(write_file(dir, flows, level));
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        std::thread feeder([&] {
            // Small pieces, so the reader sees short reads.
            for (std::size_t off = 0; off < bytes.size(); off += 1000) {
                const std::size_t n = std::min<std::size_t>(1000, bytes.size() - off);
                REQUIRE(::write(fds[1], bytes.data() + off, n) == static_cast<ssize_t>(n));
            }
            ::close(fds[1]);
        });
        auto reader = Reader::from_fd(fds[0], "stdin");
        const auto r = drain(*reader);
        feeder.join();
        ::close(fds[0]);
        CHECK(r.records == flows);
        CHECK(r.status.ok());
    }
}

// The whole-buffer (libdeflate) path must read every file exactly as zlib's
// streaming inflate does: the same records, and the same status and message
// when something is wrong, because the query tools print those.
namespace {

ReadResult read_streaming(const std::filesystem::path& p) {
    return drain(*Reader::open(p, ReaderOptions{.streaming_only = true}));
}

void check_same_as_streaming(const std::filesystem::path& p) {
    INFO(p.string());
    const auto fast = read_file(p);
    const auto streamed = read_streaming(p);
    CHECK(fast.records == streamed.records);
    CHECK(fast.batches == streamed.batches);
    CHECK(fast.status.problem == streamed.status.problem);
    CHECK(fast.status.records == streamed.status.records);
    CHECK(fast.status.input_offset == streamed.status.input_offset);
    CHECK(fast.status.message == streamed.status.message);
}

std::vector<std::uint8_t> zlib_stream(const std::vector<std::uint8_t>& data) {
    uLongf size = compressBound(static_cast<uLong>(data.size()));
    std::vector<std::uint8_t> out(size);
    REQUIRE(compress2(out.data(), &size, data.data(), static_cast<uLong>(data.size()), 6) == Z_OK);
    out.resize(size);
    return out;
}

// A finished file's header whose flow count TLV says `count`.
std::vector<std::uint8_t> with_flow_count(std::vector<std::uint8_t> file, std::uint32_t count) {
    Header h = decode_header(file, "f");
    REQUIRE(h.flow_count);
    h.flow_count = count;
    const auto header = encode_header(h);
    REQUIRE(header.size() == h.size);
    std::copy(header.begin(), header.end(), file.begin());
    return file;
}

}  // namespace

TEST_CASE("every compressed test file reads the same whole and streamed", "[reader][fast]") {
    std::size_t compressed = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(FLOWKEEP_TEST_DATA)) {
        if (!entry.is_regular_file()) continue;
        std::unique_ptr<Reader> probe;
        try {
            probe = Reader::open(entry.path(), ReaderOptions{.streaming_only = true});
        } catch (const Error& e) {
            // Not a flow file, or a bad header: both paths refuse it alike.
            CHECK_THROWS_WITH(Reader::open(entry.path()), e.what());
            continue;
        }
        if (!probe->header().compressed()) continue;
        ++compressed;
        check_same_as_streaming(entry.path());
    }
    // The golden files, the damaged and unfinished ones included.
    CHECK(compressed >= 10);
}

TEST_CASE("damaged compressed files read the same whole and streamed", "[reader][fast]") {
    TempDir dir;
    const auto flows = numbered_flows(Reader::batch_records * 2 + 100);
    const auto good = slurp(write_file(dir, flows, 6));
    const std::size_t header_size = decode_header(good, "f").size;
    int n = 0;
    auto check = [&](const std::vector<std::uint8_t>& bytes) {
        const auto path = dir / ("damaged-" + std::to_string(n++));
        spit(path, bytes);
        check_same_as_streaming(path);
    };

    for (std::size_t keep : {header_size + 1, header_size + 2, header_size + 7,
                             (header_size + good.size()) / 2, good.size() - 5, good.size() - 1}) {
        auto cut = good;
        cut.resize(keep);
        check(cut);
    }
    for (std::size_t at :
         {header_size, header_size + 1, header_size + 20, good.size() / 2, good.size() - 3}) {
        auto flipped = good;
        flipped[at] ^= 0x5a;
        check(flipped);
    }
    for (std::size_t extra : {1, 4, 1000}) {
        auto longer = good;
        longer.resize(good.size() + extra, 0x42);
        check(longer);
    }
    // A stream that ends inside a record.
    auto partial = std::vector<std::uint8_t>(good.begin(), good.begin() + header_size);
    const auto stream = zlib_stream(std::vector<std::uint8_t>(64 * 50 + 10, 0x17));
    partial.insert(partial.end(), stream.begin(), stream.end());
    check(partial);
    // A finished file's header with an open file's flags: the stream is complete.
    auto unfinished = good;
    Header h = decode_header(unfinished, "f");
    h.flags &= ~header_flag::done;
    const auto header = encode_header(h);
    std::copy(header.begin(), header.end(), unfinished.begin());
    check(unfinished);
}

TEST_CASE("a flow count that lies does not cut or pad the records", "[reader][fast]") {
    TempDir dir;
    // Nearly constant records compress far better than real traffic, so the
    // inflated size is well beyond any guess from the compressed size.
    const auto flows = numbered_flows(Reader::batch_records * 5 + 3);
    const auto good = slurp(write_file(dir, flows, 6));
    for (std::uint32_t count : {0u, 1u, 4096u, 20483u, 20484u, 40000u, 0xffffffffu}) {
        INFO("flow count " << count);
        const auto path = dir / ("count-" + std::to_string(count));
        spit(path, with_flow_count(good, count));
        const auto r = read_file(path);
        CHECK(r.records == flows);
        CHECK(r.status.ok());
        CHECK(r.status.records == flows.size());
        CHECK(r.status.input_offset == good.size());
    }
}

TEST_CASE("a compressed file is read whole at the first batch when libdeflate is built in",
          "[reader][fast]") {
    TempDir dir;
    const auto flows = numbered_flows(Reader::batch_records * 3);
    const auto path = write_file(dir, flows, 6);
    auto reader = Reader::open(path);
    const auto first = reader->next_batch();
    CHECK(first.size() == Reader::batch_records);
    // Cut the file behind the reader's back: only a reader that already holds
    // the whole stream can still deliver every record.
    std::filesystem::resize_file(path, reader->header().size + 10);
    std::size_t total = first.size();
    for (auto b = reader->next_batch(); !b.empty(); b = reader->next_batch()) total += b.size();
    if (fast_inflate_available()) {
        CHECK(total == flows.size());
        CHECK(reader->status().ok());
    } else {
        CHECK(total < flows.size());
        CHECK(reader->status().problem == ReadProblem::truncated_stream);
    }
}
