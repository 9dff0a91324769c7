#include "summary/totals_from_index.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "flowfile/archive.hpp"
#include "flowfile/block_checksums.hpp"
#include "flowfile/block_index.hpp"
#include "flowfile/record6.hpp"
#include "summary/file_totals_rows.hpp"

namespace flowquery {

namespace {

// Bytes [0, size) of the data file as they are now, or nothing when they
// cannot be read in full.
std::optional<std::vector<std::uint8_t>> leading_bytes(const std::string& path, std::size_t size) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::vector<std::uint8_t> bytes(size);
    std::size_t got = 0;
    while (got < size) {
        const ssize_t n = ::pread(fd, bytes.data() + got, size - got, static_cast<off_t>(got));
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    if (got != size) return std::nullopt;
    return bytes;
}

// Why an index that opened cleanly still cannot stand for its file, or
// nothing.  BlockIndex::open checks the size and age; the header (the
// capture's counters, the DONE flag) could change without either.
std::optional<std::string> header_mismatch(const flowfile::BlockIndex& index,
                                           const std::string& path) {
    const auto bytes = leading_bytes(path, index.header_size());
    if (!bytes || flowfile::crc32_update(0, bytes->data(), bytes->size()) != index.header_crc())
        return index.name() + ": stale (made for another header of " + path +
               "): scanning the file";
    return std::nullopt;
}

// The FlowFilter window test, start_ms < to_ms && end_ms >= from_ms, for
// every flow of the file, by its blocks' time bounds.
bool every_flow_inside(const flowfile::BlockIndex& index, const FlowWindow& window) {
    for (std::size_t i = 0; i < index.blocks(); ++i) {
        const flowfile::IndexBlock block = index.block(i);
        if (block.records == 0) continue;
        if (block.max_start_ms >= window.to_ms || block.min_end_ms < window.from_ms) return false;
    }
    return true;
}

}  // namespace

IndexedTotals add_totals_from_indexes(Summary& summary, const std::vector<SummaryKey>& by,
                                      const std::vector<InputSource>& sources,
                                      const std::optional<FlowWindow>& window,
                                      bool scan_reads_indexes) {
    IndexedTotals out;
    auto answered = [&](const InputSource& source) -> bool {
        if (source.is_stdin() ||
            flowfile::is_in_progress_name(std::filesystem::path(source.path).filename().string()))
            return false;
        const flowfile::BlockIndex::Opened opened = flowfile::BlockIndex::open(source.path);
        // A missing index is the scan's to count (with a window it counts
        // the finished files without one; without, no query but this one
        // looks for indexes, and an old archive's every run would say so).
        if (opened.problem == flowfile::IndexProblem::missing) return false;
        if (opened.problem != flowfile::IndexProblem::none) {
            if (!scan_reads_indexes) out.notes.push_back(opened.message);
            return false;
        }
        const flowfile::BlockIndex& index = *opened.index;
        // Before the totals, which cost the most to decode.
        if (window && !every_flow_inside(index, *window)) return false;
        if (auto problem = header_mismatch(index, source.path)) {
            if (!scan_reads_indexes) out.notes.push_back(*problem);
            return false;
        }
        const std::optional<flowfile::FileTotals> totals = index.totals();
        if (!totals || totals->all.flows != index.flows()) {
            // The scan reads the blocks, never the totals: only this can say.
            out.notes.push_back(index.name() +
                                ": damaged (its totals fail their checksum): scanning the file");
            return false;
        }
        if (!add_file_totals(summary, by, *totals)) return false;
        ++out.files;
        out.blocks += index.blocks();
        out.flows += index.flows();
        if (index.export_version() == flowfile::ipv6_export_version) out.flows6 += index.flows();
        return true;
    };
    for (const InputSource& source : sources)
        if (!answered(source)) out.to_scan.push_back(source);
    return out;
}

void count_indexed_totals(const IndexedTotals& totals, bool scan_reads_indexes,
                          ScanReport& report) {
    report.files_read += totals.files;
    report.flows_read += totals.flows;
    report.flows_read6 += totals.flows6;
    report.flows_selected += totals.flows;
    report.flows_selected6 += totals.flows6;
    IndexUse& index = report.index;
    index.files_indexed += totals.files;
    index.files_skipped += totals.files;
    index.blocks += totals.blocks;
    index.notes.insert(index.notes.begin(), totals.notes.begin(), totals.notes.end());
    if (!scan_reads_indexes) {
        // The scan counted nothing of the index: every file it read was
        // scanned whole.
        for (const InputSource& source : totals.to_scan) index.files_scanned += !source.is_stdin();
    }
    index.planned = true;
}

}  // namespace flowquery
