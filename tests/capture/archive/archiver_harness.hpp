#pragma once

// What the archiver's tests share: an Archiver writing into a fresh
// directory with its log kept, flows that differ from one another, and what
// every block index of a finished file must say of it.

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "archive/archiver.hpp"
#include "flowfile/block_index.hpp"
#include "flowfile/reader.hpp"
#include "support/file_totals_recount.hpp"
#include "support/temp_dir.hpp"

namespace archiver_test {

using namespace flowfile;
using capture::Archiver;
using capture::ArchiverSettings;
using capture::FlowBatch;
using flowkeep_test::TempDir;
namespace fs = std::filesystem;

// 2009-10-15 23:58:30 UTC; with -n 287 the file opened then closes at 00:00.
inline constexpr double t0 = 1255651110.0;
inline const std::string first_v5 = "2009/2009-10/2009-10-15/ft-v05.2009-10-15.235830+0000";
inline const std::string first_ip6 = "2009/2009-10/2009-10-15/ip6.2009-10-15.235830+0000";

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

inline ArchiverSettings indexed(std::size_t block_records = 1024, int level = -1) {
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
inline FlowBatch batch_of(std::size_t n4, std::size_t n6, std::uint32_t first = 0) {
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
    CHECK(index.totals() == flowkeep_test::recount_totals(records, fs::file_size(file)));
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

}  // namespace archiver_test
