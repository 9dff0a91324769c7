#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>
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

TEST_CASE("damaged compressed data stops the file, keeping what came before", "[reader]") {
    TempDir dir;
    const auto flows = numbered_flows(3000);
    auto bytes = slurp(write_file(dir, flows, 6));
    const Header h = decode_header(bytes, "f");
    // Wreck the middle of the deflate data.
    for (std::size_t i = bytes.size() / 2; i < bytes.size() / 2 + 64; ++i) bytes[i] ^= 0x5a;
    spit(dir / "bad", bytes);
    const auto r = read_file(dir / "bad");
    // What inflate produced before it noticed is delivered (it may already be
    // garbage: deflate has no per-block check); the status says so.
    REQUIRE(!r.records.empty());
    CHECK(r.records.front() == flows.front());
    CHECK(r.status.problem == ReadProblem::corrupt_data);
    CHECK(r.status.input_offset > h.size);
    CHECK_THAT(r.status.message, Catch::Contains(": corrupt compressed data at byte "));
}

TEST_CASE("a bad checksum is reported after all records were delivered", "[reader]") {
    TempDir dir;
    const auto flows = numbered_flows(262);
    auto bytes = slurp(write_file(dir, flows, 6));
    bytes[bytes.size() - 2] ^= 0xff;  // inside the Adler-32 trailer
    spit(dir / "bad", bytes);
    const auto r = read_file(dir / "bad");
    // flow-tools drops the last record here; the data itself inflated fine,
    // so we keep it and say what is wrong.
    CHECK(r.records == flows);
    CHECK(r.status.problem == ReadProblem::corrupt_data);
    CHECK_THAT(r.status.message, Catch::Contains("incorrect data check"));
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
