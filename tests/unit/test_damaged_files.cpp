// A police answer must never contain a flow that was not recorded: whatever
// damage a file suffers (a flipped bit, a run of 0xFF or 0x00 anywhere in it),
// every reader path delivers only records that were written, in their order,
// and from a file with checksum points at least every block before the damage.

#include <catch2/catch.hpp>

#include <unistd.h>
#include <algorithm>
#include <csignal>
#include <optional>
#include <random>
#include <thread>

#include "flowfile/error.hpp"
#include "flowfile/reader.hpp"
#include "flowfile/writer.hpp"
#include "support/files.hpp"
#include "support/temp_dir.hpp"

using namespace flowfile;
using flowkeep_test::slurp;
using flowkeep_test::spit;
using flowkeep_test::TempDir;
using namespace std::chrono_literals;

namespace {

// Flows that compress like real ones: a few hundred clients, common ports.
std::vector<Record> varied_flows(std::size_t n) {
    std::mt19937 rng(20261203);
    std::vector<Record> v(n);
    for (std::size_t i = 0; i < n; ++i) {
        Record& r = v[i];
        r.unix_secs = 1760000000 + static_cast<std::uint32_t>(i / 50);
        r.sysuptime = 5000000 + static_cast<std::uint32_t>(i * 20);
        r.exaddr = 0x0a000001;
        r.srcaddr = 0x0a000000 + rng() % 400;
        r.dstaddr = 0xc0a80000 + rng() % 65536;
        r.nexthop = 0x0a0000fe;
        r.input = static_cast<std::uint16_t>(1 + rng() % 4);
        r.output = static_cast<std::uint16_t>(1 + rng() % 4);
        r.dpkts = 1 + rng() % 200;
        r.doctets = r.dpkts * (40 + rng() % 1400);
        r.first = r.sysuptime - rng() % 60000;
        r.last = r.sysuptime - rng() % 1000;
        r.srcport = static_cast<std::uint16_t>(1024 + rng() % 60000);
        r.dstport = static_cast<std::uint16_t>(std::array{80, 443, 53, 25, 22}[rng() % 5]);
        r.prot = rng() % 4 == 0 ? 17 : 6;
        r.tcp_flags = static_cast<std::uint8_t>(rng() % 32);
    }
    return v;
}

struct WrittenFile {
    std::filesystem::path path;
    std::vector<Record> flows;
    // Per checksum block: the file offset where its bytes end, and the
    // records written up to there.
    std::vector<std::pair<std::uint64_t, std::size_t>> block_ends;
};

// As flow-capture writes: a checksum block closed at every flush point.
WrittenFile write_checkpointed(const TempDir& dir, std::size_t n, std::size_t per_block, int level,
                               std::size_t reserve = 0) {
    WrittenFile f{dir / ("ft-v05.z" + std::to_string(level)), varied_flows(n), {}};
    auto w = Writer::create(f.path, Header::for_capture(5, 1760000000, "vm", level != 0),
                            {.compression_level = level,
                             .flush_interval = 0ms,
                             .sync_on_flush = false,
                             .checksum_blocks = reserve ? reserve : n / per_block + 2});
    for (std::size_t i = 0; i < n; i += per_block) {
        const std::size_t k = std::min(per_block, n - i);
        w->write(std::span<const Record>(f.flows.data() + i, k));
        if (i + k < n) {
            w->flush();
            f.block_ends.emplace_back(w->bytes_written(), i + k);
        }
    }
    w->finish({.cap_end = 1760000300});
    return f;
}

struct Delivered {
    std::vector<Record> records;
    ReadStatus status;
    bool opened = false;
};

Delivered drain(std::unique_ptr<Reader> r) {
    Delivered d;
    d.opened = true;
    for (auto b = r->next_batch(); !b.empty(); b = r->next_batch())
        d.records.insert(d.records.end(), b.begin(), b.end());
    d.status = r->status();
    return d;
}

enum class Path { whole_file, streaming, pipe };

// `bytes`: the file's contents, fed to the pipe.
Delivered read_by(Path how, const std::filesystem::path& p,
                  const std::vector<std::uint8_t>& bytes) {
    try {
        if (how == Path::whole_file) return drain(Reader::open(p));
        if (how == Path::streaming) return drain(Reader::open(p, {.streaming_only = true}));
        // A reader that stops early closes the pipe under the feeder.
        std::signal(SIGPIPE, SIG_IGN);
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        std::thread feeder([&] {
            std::size_t off = 0;
            while (off < bytes.size()) {
                const ssize_t n = ::write(fds[1], bytes.data() + off, bytes.size() - off);
                if (n <= 0) break;
                off += static_cast<std::size_t>(n);
            }
            ::close(fds[1]);
        });
        Delivered d;
        try {
            d = drain(Reader::from_fd(fds[0], "pipe"));
        } catch (const Error&) {
        }
        // Unblocks the feeder if the reader stopped early.
        ::close(fds[0]);
        feeder.join();
        return d;
    } catch (const Error&) {
        return {};  // refused at open: nothing delivered, which is allowed
    }
}

bool is_prefix(const std::vector<Record>& got, const std::vector<Record>& original) {
    return got.size() <= original.size() && std::equal(got.begin(), got.end(), original.begin());
}

enum class Damage { flip_bit, ff8, zero8 };

std::vector<std::uint8_t> damaged(std::vector<std::uint8_t> bytes, std::size_t at, Damage how,
                                  unsigned bit) {
    if (how == Damage::flip_bit) {
        bytes[at] ^= static_cast<std::uint8_t>(1u << bit);
        return bytes;
    }
    for (std::size_t i = at; i < std::min(bytes.size(), at + 8); ++i)
        bytes[i] = how == Damage::ff8 ? 0xff : 0x00;
    return bytes;
}

// Offsets all over the file: the header densely, the record area evenly.
std::vector<std::size_t> offsets_to_damage(std::size_t header_size, std::size_t file_size) {
    std::vector<std::size_t> at;
    for (std::size_t i = 0; i < header_size; i += 4) at.push_back(i);
    const std::size_t body = file_size - header_size;
    for (std::size_t k = 0; k < 64; ++k) at.push_back(header_size + body * k / 64);
    at.push_back(file_size - 1);
    return at;
}

}  // namespace

TEST_CASE("damage anywhere in a file with checksum points never yields an unwritten record",
          "[reader][damage]") {
    TempDir dir;
    const int level = GENERATE(6, 0);
    const auto file = write_checkpointed(dir, 8000, 400, level);
    const auto original = slurp(file.path);
    const std::size_t header_size = Reader::open(file.path)->header().size;
    INFO("level " << level << ", " << original.size() << " bytes, header " << header_size);
    REQUIRE(drain(Reader::open(file.path)).records == file.flows);

    std::size_t cases = 0;
    std::size_t detected = 0;
    for (const std::size_t at : offsets_to_damage(header_size, original.size())) {
        for (const Damage how : {Damage::flip_bit, Damage::ff8, Damage::zero8}) {
            const auto bytes = damaged(original, at, how, static_cast<unsigned>(at % 8));
            if (bytes == original) continue;
            spit(dir / "damaged", bytes);
            // Blocks that end before the damage are intact and must come through.
            std::size_t intact = 0;
            for (const auto& [end, records] : file.block_ends)
                if (end <= at) intact = records;
            std::optional<std::size_t> first_count;
            for (const Path how_read : {Path::whole_file, Path::streaming, Path::pipe}) {
                INFO("damage " << static_cast<int>(how) << " at byte " << at << ", read path "
                               << static_cast<int>(how_read));
                const Delivered d = read_by(how_read, dir / "damaged", bytes);
                ++cases;
                // However it is read, a file gives the same answer.
                if (!first_count) first_count = d.records.size();
                CHECK(d.records.size() == *first_count);
                REQUIRE(is_prefix(d.records, file.flows));
                if (at >= header_size) CHECK(d.records.size() >= intact);
                if (!d.opened || !d.status.ok()) ++detected;
                if (d.opened && d.records.size() < file.flows.size() && at >= header_size) {
                    CHECK(!d.status.ok());
                    CHECK_THAT(d.status.message, Catch::Contains("dropped as unverifiable"));
                }
            }
        }
    }
    // Not a vacuous pass: most damage is seen.
    CHECK(cases > 400);
    CHECK(detected * 10 > cases * 8);
}

TEST_CASE("a damaged flow-tools file without checksum points delivers all of it or none",
          "[reader][damage]") {
    // Golden files of the original flow-capture: the stream's Adler-32 is
    // their only checksum, so a record inflated before damage is noticed
    // cannot be told from a good one.
    const std::filesystem::path golden = std::filesystem::path(FLOWKEEP_TEST_DATA) / "files" /
                                         GENERATE(as<std::string>{}, "v5_zdefault", "v5_z9") /
                                         "ft-v05.2009-10-15.153110+0000";
    TempDir dir;
    const auto original = slurp(golden);
    const Delivered clean = drain(Reader::open(golden));
    REQUIRE(clean.status.ok());
    REQUIRE(!clean.records.empty());
    const std::size_t header_size = Reader::open(golden)->header().size;
    std::size_t withheld = 0;
    for (std::size_t k = 0; k < 60; ++k) {
        const std::size_t at = header_size + (original.size() - header_size) * k / 60;
        for (const Damage how : {Damage::flip_bit, Damage::ff8}) {
            const auto bytes = damaged(original, at, how, static_cast<unsigned>(k % 8));
            spit(dir / "damaged", bytes);
            for (const Path how_read : {Path::whole_file, Path::streaming, Path::pipe}) {
                INFO("byte " << at << " path " << static_cast<int>(how_read));
                const Delivered d = read_by(how_read, dir / "damaged", bytes);
                REQUIRE(is_prefix(d.records, clean.records));
                CHECK((d.records.empty() || d.records == clean.records));
                if (d.records.empty()) ++withheld;
            }
        }
    }
    CHECK(withheld > 0);
}

TEST_CASE("a file still being written is read up to its last flush point", "[reader][damage]") {
    TempDir dir;
    const auto flows = varied_flows(20000);
    const auto path = dir / "tmp-v05";
    auto w = Writer::create(path, Header::for_capture(5, 1760000000, "vm", true),
                            {.compression_level = 6,
                             .flush_interval = 0ms,
                             .sync_on_flush = false,
                             .checksum_blocks = 10});
    w->write(std::span<const Record>(flows.data(), 3000));
    w->flush();
    // Enough that compressed bytes past the flush point reach the file.
    w->write(std::span<const Record>(flows.data() + 3000, 17000));
    for (const Path how : {Path::whole_file, Path::streaming, Path::pipe}) {
        const Delivered d = read_by(how, path, slurp(path));
        CHECK(d.records == std::vector<Record>(flows.begin(), flows.begin() + 3000));
        CHECK(d.status.problem == ReadProblem::truncated_stream);
        CHECK_THAT(d.status.message, Catch::Contains("incomplete file"));
    }
    w->finish({});
    CHECK(drain(Reader::open(path)).records == flows);
}

TEST_CASE("a file with more flush points than its table has room for keeps every checksum",
          "[reader][damage]") {
    TempDir dir;
    // 15 entries reserved, 120 blocks written: neighbours are merged.
    const auto file = write_checkpointed(dir, 12000, 100, 0, 15);
    const auto h = Reader::open(file.path)->header();
    REQUIRE(h.block_checksums);
    CHECK(h.block_checksums->capacity == 15);
    CHECK(h.block_checksums->blocks.size() <= 15);
    CHECK(h.block_checksums->blocks.back().end_record == 12000);
    CHECK(drain(Reader::open(file.path)).records == file.flows);
    // A changed byte in the last record is still caught.
    auto bytes = slurp(file.path);
    bytes[bytes.size() - 20] ^= 0x01;
    spit(dir / "damaged", bytes);
    const Delivered d = read_by(Path::whole_file, dir / "damaged", bytes);
    CHECK(is_prefix(d.records, file.flows));
    CHECK(d.records.size() < file.flows.size());
    CHECK(d.records.size() >= 12000 - 2 * 800);
    CHECK(d.status.problem == ReadProblem::unverified);
}

TEST_CASE("a header with a checksum table is what flow-tools reads", "[reader][damage]") {
    TempDir dir;
    const auto file = write_checkpointed(dir, 3000, 500, 6);
    const auto bytes = slurp(file.path);
    const Header h = decode_header(bytes, "f");
    // The table is the last TLV and the header stays a multiple of 4 bytes
    // and within flow-tools' 16384-byte limit.
    CHECK(h.size % 4 == 0);
    CHECK(h.size <= max_header_size);
    REQUIRE(h.block_checksums);
    CHECK(h.block_checksums->capacity % 2 == 1);
    CHECK(h.block_checksums->blocks.size() == 6);
    CHECK(h.done());
    CHECK(h.flow_count == 3000u);
}
