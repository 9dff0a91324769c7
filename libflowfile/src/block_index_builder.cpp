#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "block_index_layout.hpp"
#include "blocked_bloom.hpp"
#include "distinct_hashes.hpp"
#include "file_totals_codec.hpp"
#include "flowfile/block_checksums.hpp"
#include "flowfile/block_index.hpp"
#include "flowfile/error.hpp"
#include "record_codec.hpp"

namespace flowfile {

namespace {

namespace L = detail::index_layout;

// Records encoded at a time to take the CRC of their stored bytes.
constexpr std::size_t encode_batch = 256;

// The facts of one block as the builder gathers them.
struct BuiltBlock {
    IndexBlock facts;
    std::uint32_t bloom_line = 0;
    std::uint32_t bloom_lines = 0;
    std::array<std::uint8_t, L::block_maps_size> maps{};
};

void set_bit(std::uint8_t* map, std::size_t bit) {
    map[bit >> 3] |= static_cast<std::uint8_t>(1u << (bit & 7u));
}

std::string points_problem(std::size_t points, std::uint64_t flows, std::size_t block_records,
                           const std::string& detail) {
    return "block index: " + std::to_string(points) + " block points do not fit " +
           std::to_string(flows) + " records in blocks of " + std::to_string(block_records) + " (" +
           detail + ")";
}

}  // namespace

struct BlockIndexBuilder::State {
    Header header;
    std::uint16_t export_version = 0;
    std::size_t block_records = 0;  // 0: one block for the whole file
    std::size_t record_size = 0;
    const detail::RecordCodec* codec4 = nullptr;
    const detail::Record6Codec* codec6 = nullptr;

    std::vector<BuiltBlock> blocks;
    BuiltBlock current;
    detail::DistinctHashes current_keys;
    std::vector<std::uint8_t> block_lines;  // every block's Bloom lines, in block order
    detail::DistinctHashes file_keys;
    std::vector<std::uint64_t> block_hashes;  // the closing block's keys, reused
    std::uint64_t flows = 0;
    std::vector<std::uint8_t> scratch;

    std::array<FlowCounts, 256> protocols{};
    std::vector<FlowCounts> src_ports = std::vector<FlowCounts>(65536);
    std::vector<FlowCounts> dst_ports = std::vector<FlowCounts>(65536);
    FlowCounts all;

    bool block_full() const { return block_records != 0 && current.facts.records == block_records; }

    void close_block() {
        const std::size_t lines = detail::bloom_lines_for(current_keys.size());
        current.bloom_line = static_cast<std::uint32_t>(block_lines.size() / L::line_bytes);
        current.bloom_lines = static_cast<std::uint32_t>(lines);
        const std::size_t at = block_lines.size();
        block_lines.resize(at + lines * L::line_bytes);
        const std::span<std::uint8_t> filter{block_lines.data() + at, lines * L::line_bytes};
        // The first block's keys are the file's so far: the set itself
        // becomes the file's, which spares a file of one block (compressed,
        // without block points) inserting every key twice.
        const bool first_keys = file_keys.size() == 0;
        block_hashes.clear();
        current_keys.for_each([&](std::uint64_t h) {
            detail::bloom_insert(filter, h, detail::bloom_bits);
            if (!first_keys) block_hashes.push_back(h);
        });
        if (first_keys)
            std::swap(file_keys, current_keys);
        else
            file_keys.insert_all(block_hashes);

        blocks.push_back(current);
        current = BuiltBlock{};
        current.facts.first_record = flows;
        current_keys.clear();
    }

    void note_times(std::int64_t start, std::int64_t end) {
        IndexBlock& f = current.facts;
        if (f.records == 0) {
            f.min_start_ms = f.max_start_ms = start;
            f.min_end_ms = f.max_end_ms = end;
        } else {
            f.min_start_ms = std::min(f.min_start_ms, start);
            f.max_start_ms = std::max(f.max_start_ms, start);
            f.min_end_ms = std::min(f.min_end_ms, end);
            f.max_end_ms = std::max(f.max_end_ms, end);
        }
    }

    // What every record adds to its block, after its addresses and times.
    void note_fields(std::uint16_t srcport, std::uint16_t dstport, std::uint8_t prot) {
        set_bit(current.maps.data(), L::port_bit(srcport));
        set_bit(current.maps.data(), L::port_bit(dstport));
        set_bit(current.maps.data() + L::port_map_bytes, prot);
        ++current.facts.records;
        ++flows;
    }

    // The file's totals, a batch at a time in a loop of their own: the port
    // tables (1.5 MB a side) miss the caches at nearly every flow, and only
    // a short loop with the entries of later flows fetched ahead keeps
    // several of those misses under way at once.
    template <typename R>
    void count(std::span<const R> records) {
        constexpr std::size_t ahead = 16;
        for (std::size_t i = 0; i < records.size(); ++i) {
            if (i + ahead < records.size()) {
                __builtin_prefetch(&src_ports[records[i + ahead].srcport], 1);
                __builtin_prefetch(&dst_ports[records[i + ahead].dstport], 1);
            }
            const R& r = records[i];
            all.add(r.dpkts, r.doctets);
            protocols[r.prot].add(r.dpkts, r.doctets);
            // Port fields mean ports only for these: flow-stat's port
            // reports count no other protocol's (ICMP keeps type/code there).
            if (r.prot == 6 || r.prot == 17 || r.prot == 132) {
                src_ports[r.srcport].add(r.dpkts, r.doctets);
                dst_ports[r.dstport].add(r.dpkts, r.doctets);
            }
        }
    }

    void note(const Record& r) {
        const FlowTimes t = flow_times(r);
        note_times(t.start_ms, t.end_ms);
        for (std::uint32_t a : {r.srcaddr, r.dstaddr}) {
            current_keys.insert(detail::ipv4_key_hash(AddressKey::Kind::ipv4, a));
            current_keys.insert(detail::ipv4_key_hash(AddressKey::Kind::ipv4_24, a & 0xffffff00u));
        }
        note_fields(r.srcport, r.dstport, r.prot);
    }

    void note(const Record6& r) {
        note_times(r.start_ms, r.end_ms);
        for (const Ipv6Address* a : {&r.srcaddr, &r.dstaddr}) {
            current_keys.insert(detail::address_key_hash(AddressKey::ipv6(*a)));
            current_keys.insert(detail::address_key_hash(AddressKey::ipv6_64(*a)));
            current_keys.insert(detail::address_key_hash(AddressKey::ipv6_48(*a)));
        }
        note_fields(r.srcport, r.dstport, r.prot);
    }

    template <typename R, typename Codec>
    void add(std::span<const R> records, const Codec* codec) {
        count(records);
        while (!records.empty()) {
            if (block_full()) close_block();
            std::size_t n = std::min(records.size(), encode_batch);
            if (block_records != 0) n = std::min(n, block_records - current.facts.records);
            scratch.resize(n * record_size);
            codec->encode(records.data(), n, scratch.data());
            current.facts.crc = crc32_update(current.facts.crc, scratch.data(), scratch.size());
            for (std::size_t i = 0; i < n; ++i) note(records[i]);
            records = records.subspan(n);
        }
    }

    detail::TotalsTables totals() const { return {all, protocols, src_ports, dst_ports}; }
};

BlockIndexBuilder::BlockIndexBuilder(const Header& header, std::size_t block_records)
    : state_(std::make_unique<State>()) {
    State& s = *state_;
    s.header = header;
    s.block_records = block_records;
    if (!header.export_version)
        throw Error("block index: the file's header names no export version");
    s.export_version = *header.export_version;
    if (s.export_version == ipv6_export_version) {
        s.codec6 = &detail::codec6_for(header.byte_order);
        s.record_size = s.codec6->size;
    } else {
        s.codec4 = detail::codec_for(s.export_version, header.byte_order);
        if (s.codec4 == nullptr)
            throw Error("block index: export version " + std::to_string(s.export_version) +
                        " is not supported");
        s.record_size = s.codec4->size;
    }
}

BlockIndexBuilder::~BlockIndexBuilder() = default;

void BlockIndexBuilder::add(std::span<const Record> records) {
    if (state_->codec4 == nullptr)
        throw Error("block index: IPv4 records given for a file of the IPv6 series");
    state_->add(records, state_->codec4);
}

void BlockIndexBuilder::add(std::span<const Record6> records) {
    if (state_->codec6 == nullptr)
        throw Error("block index: IPv6 records given for a file of export version " +
                    std::to_string(state_->export_version));
    state_->add(records, state_->codec6);
}

std::vector<std::uint8_t> BlockIndexBuilder::finish(std::span<const BlockPoint> points,
                                                    std::span<const std::uint8_t> header_bytes,
                                                    std::uint64_t file_size) {
    State& s = *state_;
    if (s.current.facts.records != 0) s.close_block();
    // A writer may begin a block it never fills: the last point then sits at
    // the end of the records, an empty block.
    if (points.size() == s.blocks.size() + 1 && points.back().first_record == s.flows)
        s.close_block();
    if (points.size() != s.blocks.size())
        throw Error(points_problem(points.size(), s.flows, s.block_records,
                                   std::to_string(s.blocks.size()) + " blocks expected"));
    for (std::size_t i = 0; i < points.size(); ++i) {
        IndexBlock& f = s.blocks[i].facts;
        if (points[i].first_record != f.first_record)
            throw Error(points_problem(points.size(), s.flows, s.block_records,
                                       "block " + std::to_string(i) + " begins at record " +
                                           std::to_string(points[i].first_record)));
        if (points[i].offset > file_size || (i > 0 && points[i].offset < points[i - 1].offset))
            throw Error(points_problem(points.size(), s.flows, s.block_records,
                                       "block " + std::to_string(i) + " offset " +
                                           std::to_string(points[i].offset) + " out of order"));
        f.offset = points[i].offset;
    }

    const std::size_t n = s.blocks.size();
    const std::size_t file_lines = detail::bloom_lines_for(s.file_keys.size());
    const std::size_t a_size = L::head_size + n * L::entry_size + file_lines * L::line_bytes;
    const std::size_t b_lines_at = L::line_area_offset(n);
    const std::size_t b_size = b_lines_at + s.block_lines.size();
    const detail::EncodedTotals totals = detail::encode_totals(s.totals(), file_size);
    std::vector<std::uint8_t> out(a_size + b_size + totals.stored.size());
    std::uint8_t* const p = out.data();

    std::copy(std::begin(L::magic), std::end(L::magic), p + L::head::magic);
    L::put<std::uint16_t>(p + L::head::version, block_index_version);
    L::put<std::uint16_t>(p + L::head::flags, static_cast<std::uint16_t>(
                                                  (s.header.compressed() ? L::flag_compressed : 0) |
                                                  (totals.ports ? 0 : L::flag_no_port_totals)));
    L::put<std::uint64_t>(p + L::head::data_file_size, file_size);
    L::put<std::uint32_t>(p + L::head::header_size,
                          static_cast<std::uint32_t>(header_bytes.size()));
    L::put<std::uint32_t>(p + L::head::header_crc,
                          crc32_update(0, header_bytes.data(), header_bytes.size()));
    L::put<std::uint16_t>(p + L::head::export_version, s.export_version);
    L::put<std::uint16_t>(p + L::head::record_size, static_cast<std::uint16_t>(s.record_size));
    L::put<std::uint32_t>(p + L::head::block_records, static_cast<std::uint32_t>(s.block_records));
    L::put<std::uint64_t>(p + L::head::flows, s.flows);
    L::put<std::uint32_t>(p + L::head::blocks, static_cast<std::uint32_t>(n));
    p[L::head::bloom_bits] = detail::bloom_bits;
    L::put<std::uint32_t>(p + L::head::file_filter_lines, static_cast<std::uint32_t>(file_lines));

    for (std::size_t i = 0; i < n; ++i) {
        const BuiltBlock& b = s.blocks[i];
        std::uint8_t* e = p + L::head_size + i * L::entry_size;
        L::put<std::uint64_t>(e + L::entry::offset, b.facts.offset);
        L::put<std::uint64_t>(e + L::entry::first_record, b.facts.first_record);
        L::put<std::uint32_t>(e + L::entry::records, b.facts.records);
        L::put<std::uint32_t>(e + L::entry::crc, b.facts.crc);
        L::put<std::uint64_t>(e + L::entry::min_start,
                              static_cast<std::uint64_t>(b.facts.min_start_ms));
        L::put<std::uint64_t>(e + L::entry::max_start,
                              static_cast<std::uint64_t>(b.facts.max_start_ms));
        L::put<std::uint64_t>(e + L::entry::min_end,
                              static_cast<std::uint64_t>(b.facts.min_end_ms));
        L::put<std::uint64_t>(e + L::entry::max_end,
                              static_cast<std::uint64_t>(b.facts.max_end_ms));
        L::put<std::uint32_t>(e + L::entry::bloom_line, b.bloom_line);
        L::put<std::uint32_t>(e + L::entry::bloom_lines, b.bloom_lines);
        std::copy(b.maps.begin(), b.maps.end(), p + a_size + i * L::block_maps_size);
    }
    const std::span<std::uint8_t> file_filter{p + L::head_size + n * L::entry_size,
                                              file_lines * L::line_bytes};
    s.file_keys.for_each(
        [&](std::uint64_t h) { detail::bloom_insert(file_filter, h, detail::bloom_bits); });
    std::copy(s.block_lines.begin(), s.block_lines.end(), p + a_size + b_lines_at);
    std::copy(totals.stored.begin(), totals.stored.end(), p + a_size + b_size);

    L::put<std::uint64_t>(p + L::head::filters_offset, a_size);
    L::put<std::uint64_t>(p + L::head::filters_size, b_size);
    L::put<std::uint32_t>(p + L::head::filters_crc, crc32_update(0, p + a_size, b_size));
    L::put<std::uint64_t>(p + L::head::totals_offset, a_size + b_size);
    L::put<std::uint64_t>(p + L::head::totals_size, totals.stored.size());
    L::put<std::uint64_t>(p + L::head::totals_raw_size, totals.raw_size);
    L::put<std::uint32_t>(p + L::head::totals_crc,
                          crc32_update(0, totals.stored.data(), totals.stored.size()));
    L::put<std::uint32_t>(p + L::head::table_crc, L::section_a_crc(p, a_size));
    return out;
}

}  // namespace flowfile
