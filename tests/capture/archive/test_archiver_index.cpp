// The archiver's block index (flow-index(5)): each finished file of either
// series gets an ix- file beside it under its final name, describing exactly
// the records the file holds, before the -R program runs; an index that
// cannot be written is logged and counted and harms nothing; expiry takes
// it with its file; --index-block 0 writes none.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>
#include <type_traits>

#include "archive/archiver.hpp"
#include "flowfile/block_index.hpp"
#include "flowfile/reader.hpp"
#include "flowfile/writer.hpp"
#include "support/file_totals_recount.hpp"
#include "support/temp_dir.hpp"

using namespace flowfile;
using capture::Archiver;
using capture::ArchiverSettings;
using capture::FlowBatch;
using flowkeep_test::TempDir;
namespace fs = std::filesystem;

namespace {

// 2009-10-15 23:58:30 UTC; with -n 287 the file opened then closes at 00:00.
constexpr double t0 = 1255651110.0;
const std::string first_v5 = "2009/2009-10/2009-10-15/ft-v05.2009-10-15.235830+0000";
const std::string first_ip6 = "2009/2009-10/2009-10-15/ip6.2009-10-15.235830+0000";

struct Harness {
    TempDir dir;
    std::vector<std::string> log;
    std::unique_ptr<Archiver> archiver;

    Harness() = default;
    explicit Harness(ArchiverSettings s) { start(std::move(s)); }

    void start(ArchiverSettings s) {
        s.work_dir = dir.path();
        s.hostname = "flowbox-a";
        archiver =
            std::make_unique<Archiver>(s, [this](const std::string& l) { log.push_back(l); });
    }

    std::vector<std::string> files() const {
        std::vector<std::string> out;
        for (const auto& e : fs::recursive_directory_iterator(dir.path()))
            if (e.is_regular_file()) out.push_back(fs::relative(e.path(), dir.path()).string());
        std::sort(out.begin(), out.end());
        return out;
    }

    std::size_t logged(const std::string& text) const {
        return static_cast<std::size_t>(std::count_if(log.begin(), log.end(), [&](const auto& l) {
            return l.find(text) != std::string::npos;
        }));
    }
};

ArchiverSettings indexed(std::size_t block_records = 1024, int level = -1) {
    ArchiverSettings s;
    s.export_version = 5;
    s.rotations = 287;
    s.compression_level = level;
    s.index_block_records = block_records;
    return s;
}

// `n4` IPv4 and `n6` IPv6 flows numbered from `first` on, with addresses,
// ports, protocols and counters that differ from flow to flow, so that the
// totals and the address filters have something to tell apart.
FlowBatch batch_of(std::size_t n4, std::size_t n6, std::uint32_t first = 0) {
    FlowBatch b;
    b.export_version = 5;
    for (std::uint32_t i = first; i < first + n4; ++i) {
        Record r;
        r.unix_secs = 1255651110;
        r.sysuptime = 600000;
        r.first = 500000 + i;
        r.last = 550000 + i;
        r.srcaddr = 0x0a000000u + i;
        r.dstaddr = 0xc0a80001u + i % 7;
        r.srcport = static_cast<std::uint16_t>(1024 + i % 300);
        r.dstport = static_cast<std::uint16_t>(i % 3 == 0 ? 53 : 443);
        r.prot = static_cast<std::uint8_t>(i % 3 == 0 ? 17 : 6);
        r.dpkts = 1 + i % 11;
        r.doctets = 40 + 3 * i;
        b.records.push_back(r);
    }
    for (std::uint32_t i = first; i < first + n6; ++i) {
        Record6 r;
        r.srcaddr = {0x20, 0x01, 0x0d, 0xb8, 0, 1};
        r.srcaddr[14] = static_cast<std::uint8_t>(i >> 8);
        r.srcaddr[15] = static_cast<std::uint8_t>(i);
        r.dstaddr = {0x20, 0x01, 0x0d, 0xb8, 0, 2};
        r.exaddr = ipv4_mapped(0x7f000002);
        r.start_ms = 1255651000000 + i;
        r.end_ms = 1255651100000 + i;
        r.srcport = static_cast<std::uint16_t>(40000 + i % 50);
        r.dstport = 443;
        r.prot = static_cast<std::uint8_t>(i % 2 == 0 ? 6 : 58);
        r.dpkts = 2 + i % 5;
        r.doctets = 100 + i;
        b.records6.push_back(r);
    }
    return b;
}

template <typename ReaderT>
auto read_back(const fs::path& p) {
    auto r = ReaderT::open(p);
    std::vector<std::remove_cvref_t<decltype(r->next_batch()[0])>> out;
    for (auto b = r->next_batch(); !b.empty(); b = r->next_batch())
        out.insert(out.end(), b.begin(), b.end());
    CHECK(r->status().ok());
    return std::make_pair(r->header(), out);
}

// What every index of these tests must say of its file: opened without a
// problem, the header's flows, blocks of `block_records` in file order, the
// totals of the records read back.
template <typename R>
void check_index(const fs::path& file, const Header& header, const std::vector<R>& records,
                 std::size_t block_records) {
    const BlockIndex::Opened opened = BlockIndex::open(file);
    INFO(opened.message);
    REQUIRE(opened.problem == IndexProblem::none);
    const BlockIndex& index = *opened.index;
    CHECK(index.flows() == header.flow_count);
    CHECK(index.flows() == records.size());
    CHECK(index.data_file_size() == fs::file_size(file));
    CHECK(index.compressed() == header.compressed());
    CHECK(index.block_records() == block_records);
    const std::size_t blocks = (records.size() + block_records - 1) / block_records;
    REQUIRE(index.blocks() == blocks);
    for (std::size_t i = 0; i < blocks; ++i) {
        CHECK(index.block(i).first_record == i * block_records);
        CHECK(index.block(i).records ==
              std::min(block_records, records.size() - i * block_records));
    }
    CHECK(index.totals() == flowkeep_test::recount_totals(records));
    // The index was fed the file's records in the file's order: each one's
    // block may hold its source address.
    for (std::size_t i = 0; i < records.size(); ++i) {
        const AddressKey key = [&] {
            if constexpr (std::is_same_v<R, Record>)
                return AddressKey::ipv4(records[i].srcaddr);
            else
                return AddressKey::ipv6(records[i].srcaddr);
        }();
        if (!index.block_may_hold(i / block_records, key)) {
            FAIL_CHECK("flow " << i << " is not in its block's filter");
            break;
        }
    }
}

}  // namespace

TEST_CASE("a finished file gets its ix- index beside it, describing every flow it holds",
          "[capture][archiver][index]") {
    const int level = GENERATE(-1, 0);
    INFO("-z " << level);
    Harness h(indexed(1024, level));
    // Batches that do not end where blocks do.
    for (std::uint32_t first = 0; first < 3000; first += 1000)
        REQUIRE(h.archiver->accept(batch_of(1000, 0, first), t0));
    h.archiver->tick(t0 + 100);  // past 00:00: finished and renamed
    const std::string ix = "2009/2009-10/2009-10-15/ix-ft-v05.2009-10-15.235830+0000";
    const std::vector<std::string> files = h.files();
    CHECK(std::count(files.begin(), files.end(), first_v5) == 1);
    CHECK(std::count(files.begin(), files.end(), ix) == 1);
    const auto [header, records] = read_back<Reader>(h.dir / first_v5);
    CHECK(records.size() == 3000);
    check_index(h.dir / first_v5, header, records, 1024);
    CHECK(h.archiver->index_files_written() == 1);
    CHECK(h.archiver->index_failures() == 0);
}

TEST_CASE("the IPv6 file gets its own index, as the flow-tools file beside it does",
          "[capture][archiver][index]") {
    Harness h(indexed(512));
    REQUIRE(h.archiver->accept(batch_of(10, 1300), t0));
    REQUIRE(h.archiver->accept(batch_of(0, 200, 1300), t0 + 1));
    h.archiver->shutdown(t0 + 2);
    const auto v5 = read_back<Reader>(h.dir / first_v5);
    check_index(h.dir / first_v5, v5.first, v5.second, 512);
    const auto v6 = read_back<Reader6>(h.dir / first_ip6);
    CHECK(v6.second.size() == 1500);
    CHECK(fs::exists(h.dir / "2009/2009-10/2009-10-15/ix-ip6.2009-10-15.235830+0000"));
    check_index(h.dir / first_ip6, v6.first, v6.second, 512);
    CHECK(h.archiver->index_files_written() == 2);
}

TEST_CASE("a file without flows gets an index of no block", "[capture][archiver][index]") {
    Harness h(indexed());
    h.archiver->tick(t0);  // -V 5: created without traffic
    h.archiver->shutdown(t0 + 1);
    const auto [header, records] = read_back<Reader>(h.dir / first_v5);
    check_index(h.dir / first_v5, header, records, 1024);
}

TEST_CASE("block size 0 writes no index and no block points", "[capture][archiver][index]") {
    Harness h(indexed(0));
    REQUIRE(h.archiver->accept(batch_of(3000, 5), t0));
    h.archiver->shutdown(t0 + 1);
    CHECK(h.files() == std::vector<std::string>{first_v5, first_ip6});
    CHECK(read_back<Reader>(h.dir / first_v5).second.size() == 3000);
    CHECK(read_back<Reader6>(h.dir / first_ip6).second.size() == 5);
    CHECK(BlockIndex::open(h.dir / first_v5).problem == IndexProblem::missing);
    CHECK(h.archiver->index_files_written() == 0);
    CHECK(h.archiver->index_failures() == 0);
}

TEST_CASE("the post-rotate program finds the index of its file", "[capture][archiver][index]") {
    TempDir scratch;
    const fs::path script = scratch / "post.sh";
    const fs::path out = scratch / "seen.txt";
    Harness h;
    {
        std::ofstream f(script);
        f << "#!/bin/sh\ncd " << h.dir.path().string()
          << " || exit 1\nix=\"$(dirname \"$1\")/ix-$(basename \"$1\")\"\n"
          << "if [ -s \"$ix\" ]; then echo \"index $ix\"; else echo \"none $ix\"; fi >> "
          << out.string() << "\n";
    }
    fs::permissions(script, fs::perms::owner_all);
    ArchiverSettings s = indexed();
    s.post_rotate_program = script.string();
    h.start(s);
    REQUIRE(h.archiver->accept(batch_of(10, 0), t0));
    h.archiver->tick(t0 + 100);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::string written;
    while (std::chrono::steady_clock::now() < deadline) {
        std::ifstream in(out);
        written.assign(std::istreambuf_iterator<char>(in), {});
        if (!written.empty() && written.back() == '\n') break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(written == "index 2009/2009-10/2009-10-15/ix-ft-v05.2009-10-15.235830+0000\n");
}

TEST_CASE("an index that cannot be written is logged once and harms neither file nor capture",
          "[capture][archiver][index]") {
    Harness h(indexed());
    // A directory where the index goes: its rename cannot replace it.
    const fs::path in_the_way = h.dir / "2009/2009-10/2009-10-15/ix-ft-v05.2009-10-15.235830+0000";
    fs::create_directories(in_the_way);
    REQUIRE(h.archiver->accept(batch_of(2000, 0), t0));
    h.archiver->tick(t0 + 100);  // finishes the first file, opens the next
    CHECK(h.archiver->index_failures() == 1);
    CHECK(h.archiver->index_files_written() == 0);
    CHECK(h.logged(first_v5 + ": no index written (") == 1);
    CHECK(h.logged("flow-index can build its index later") == 1);
    CHECK_FALSE(h.archiver->blocked());
    const auto [header, records] = read_back<Reader>(h.dir / first_v5);
    CHECK(header.done());
    CHECK(records.size() == 2000);
    CHECK(BlockIndex::open(h.dir / first_v5).problem != IndexProblem::none);

    // The capture goes on, and the next file gets its index.
    REQUIRE(h.archiver->accept(batch_of(5, 0), t0 + 101));
    h.archiver->shutdown(t0 + 102);
    CHECK(h.archiver->index_files_written() == 1);
    CHECK(h.archiver->index_failures() == 1);
    const std::string second = "2009/2009-10/2009-10-16/ft-v05.2009-10-16.000010+0000";
    const auto next = read_back<Reader>(h.dir / second);
    check_index(h.dir / second, next.first, next.second, 1024);
}

TEST_CASE("expiry removes the index with its file", "[capture][archiver][index]") {
    ArchiverSettings s = indexed();
    s.expiry.max_files = 2;
    Harness h(s);
    h.archiver->start_expiry();
    for (int i = 0; i < 4; ++i) {
        h.archiver->accept(batch_of(3, 0), t0 + i * 400);
        h.archiver->tick(t0 + i * 400 + 350);
    }
    h.archiver->shutdown(t0 + 1700);
    std::size_t data = 0, indexes = 0;
    for (const std::string& f : h.files()) {
        const std::string name = fs::path(f).filename().string();
        INFO(f);
        if (is_index_file_name(name)) {
            ++indexes;
            // Never an index without its file.
            const std::string data_name = name.substr(index_name_prefix.size());
            CHECK(fs::exists(h.dir / fs::path(f).parent_path() / data_name));
        } else {
            ++data;
        }
    }
    CHECK(h.logged("remove/1 ") == 2);
    CHECK(data == 3);
    CHECK(indexes == 3);
}
