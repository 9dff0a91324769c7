#include "index_verify.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <vector>

#include "flowfile/block_index.hpp"
#include "flowfile/block_read.hpp"
#include "flowfile/error.hpp"
#include "index_problem_text.hpp"
#include "record_pass.hpp"

namespace flowindex {

namespace {

// Blocks read per read_blocks() call: bounded memory for any file.
constexpr std::size_t blocks_per_read = 256;

std::string number(std::uint64_t v) {
    return std::to_string(v);
}

// The first fact in which two indexes of one file differ, or nullopt.
std::optional<std::string> first_different_fact(const flowfile::BlockIndex& stored,
                                                const flowfile::BlockIndex& rebuilt) {
    auto differs = [](const char* what, std::uint64_t s, std::uint64_t r) {
        return std::string(what) + " " + number(s) + ", the file's records give " + number(r);
    };
    if (stored.export_version() != rebuilt.export_version())
        return differs("export version", stored.export_version(), rebuilt.export_version());
    if (stored.record_size() != rebuilt.record_size())
        return differs("record size", stored.record_size(), rebuilt.record_size());
    if (stored.compressed() != rebuilt.compressed())
        return std::string(stored.compressed() ? "says compressed" : "says uncompressed") +
               ", the file is not";
    if (stored.header_size() != rebuilt.header_size())
        return differs("header size", stored.header_size(), rebuilt.header_size());
    if (stored.header_crc() != rebuilt.header_crc())
        return std::string("the header CRC differs from the file's header");
    if (stored.flows() != rebuilt.flows()) return differs("flows", stored.flows(), rebuilt.flows());
    if (stored.blocks() != rebuilt.blocks())
        return differs("blocks", stored.blocks(), rebuilt.blocks());
    for (std::size_t i = 0; i < stored.blocks(); ++i) {
        const flowfile::IndexBlock s = stored.block(i);
        const flowfile::IndexBlock r = rebuilt.block(i);
        const std::string block = "block " + number(i) + ": ";
        if (s.records != r.records) return block + differs("records", s.records, r.records);
        if (s.end_offset != r.end_offset)
            return block + differs("end offset", s.end_offset, r.end_offset);
        if (s.crc != r.crc) return block + "the CRC differs from the records' in the file";
        if (s.min_start_ms != r.min_start_ms || s.max_start_ms != r.max_start_ms ||
            s.min_end_ms != r.min_end_ms || s.max_end_ms != r.max_end_ms)
            return block + "the flow times differ from the records'";
    }
    const auto stored_totals = stored.totals();
    if (!stored_totals) return std::string("the totals fail their checksum");
    if (stored_totals != rebuilt.totals())
        return std::string("the totals differ from the file's records");
    return std::nullopt;
}

std::vector<std::uint8_t> read_index_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

// Every block read alone, as a query reads it: each must inflate by itself
// and match its CRC, and together they must hold every record.
template <typename R>
std::optional<std::string> read_every_block(const DataFile& file,
                                            const flowfile::BlockIndex& index) {
    std::vector<std::uint32_t> chosen;
    std::uint64_t records = 0;
    for (std::size_t first = 0; first < index.blocks(); first += blocks_per_read) {
        chosen.clear();
        std::uint64_t expected = 0;
        for (std::size_t i = first; i < std::min(index.blocks(), first + blocks_per_read); ++i) {
            chosen.push_back(static_cast<std::uint32_t>(i));
            expected += index.block(i).records;
        }
        const auto read = flowfile::read_blocks<R>(file.path(), file.header(), index, chosen);
        if (read.problem) return *read.problem;
        if (read.records.size() != expected)
            return "blocks " + number(first) + ".." + number(first + chosen.size() - 1) + " hold " +
                   number(read.records.size()) + " records, the index says " + number(expected);
        records += expected;
    }
    if (records != index.flows())
        return "its blocks hold " + number(records) + " records, the index says " +
               number(index.flows());
    return std::nullopt;
}

std::string named(const std::filesystem::path& index_path, const std::string& problem) {
    const std::string name = index_path.string();
    const std::string base = index_path.filename().string();
    if (problem.starts_with(name)) return problem;
    if (problem.starts_with(base)) return index_path.parent_path().string() + "/" + problem;
    return name + ": " + problem;
}

}  // namespace

Verification verify_index(const DataFile& file) {
    Verification out;
    const std::filesystem::path index_path = flowfile::index_path_of(file.path());
    std::error_code ec;
    if (!std::filesystem::exists(index_path, ec)) return out;
    out.has_index = true;

    auto opened = flowfile::BlockIndex::open(file.path());
    if (opened.problem == flowfile::IndexProblem::missing) {
        out.has_index = false;  // removed since
        return out;
    }
    if (!opened.index) {
        out.problem = named(index_path, index_problem_text(opened.message));
        return out;
    }
    const flowfile::BlockIndex& stored = *opened.index;
    if (auto bad = stored.verify_sections()) {
        out.problem = named(index_path, *bad);
        return out;
    }

    // The same index again from the file's records, with the stored index's
    // block points: a compressed file's flush points cannot be found again
    // any other way; reading every block alone below checks them.
    flowfile::BlockIndexBuilder builder(file.header(), stored.block_records());
    out.flows = read_every_record(file.path(), file.header(),
                                  [&](const auto& batch) { builder.add(batch); });
    out.bytes_read = file.size();
    std::vector<flowfile::BlockPoint> points;
    for (std::size_t i = 0; i < stored.blocks(); ++i) {
        const flowfile::IndexBlock b = stored.block(i);
        points.push_back({b.first_record, b.offset});
    }
    std::vector<std::uint8_t> bytes;
    try {
        bytes = builder.finish(points, file.header_bytes(), file.size());
    } catch (const flowfile::Error& e) {
        out.problem = named(index_path, std::string("its blocks do not fit the file: ") + e.what());
        return out;
    }
    const std::vector<std::uint8_t> stored_bytes = read_index_bytes(index_path);
    auto again = flowfile::BlockIndex::from_bytes(bytes, file.size(), index_path.string());
    if (!again.index) {
        out.problem = named(index_path, "cannot be built again: " + again.message);
        return out;
    }
    if (auto diff = first_different_fact(stored, *again.index)) {
        out.problem = named(index_path, *diff);
        return out;
    }
    if (stored_bytes != bytes) {
        out.problem = named(index_path,
                            "its address, port or protocol filters differ from the "
                            "file's records");
        return out;
    }
    const bool ipv6 = flowfile::record_family(file.header()) == flowfile::RecordFamily::ipv6;
    if (auto bad = ipv6 ? read_every_block<flowfile::Record6>(file, stored)
                        : read_every_block<flowfile::Record>(file, stored))
        out.problem = named(index_path, *bad);
    return out;
}

}  // namespace flowindex
