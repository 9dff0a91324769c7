#include "inputs/flow_scan.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>

#include "flowfile/archive.hpp"
#include "flowfile/block_read.hpp"
#include "flowfile/error.hpp"
#include "flowfile/reader.hpp"
#include "inputs/scan_progress.hpp"

namespace flowquery {

namespace {

using flowfile::Reader;
using flowfile::Record;
using flowfile::Record6;

// Standard input is a flow-tools stream (a pipe from flow-cat or
// flow-select -o stream); files are opened with the reader of their series.
flowfile::AnyReader open_source(const InputSource& source) {
    if (source.is_stdin())
        return flowfile::AnyReader{Reader::from_fd(STDIN_FILENO, source.display_name()), nullptr};
    return flowfile::open_any(source.path);
}

// A file still being written (the capture's tmp- file: a file header
// without the DONE flag) ends where the capture last flushed.  That is its
// normal state, not damage, so it is not reported.
bool normal_end_of_open_file(const flowfile::Header& h, const flowfile::ReadStatus& s) {
    return !h.done() && !h.streaming() &&
           (s.problem == flowfile::ReadProblem::truncated_stream ||
            s.problem == flowfile::ReadProblem::partial_record);
}

struct FileOutcome {
    std::uint64_t flows_read = 0;
    bool ipv6 = false;
    std::optional<std::string> problem;
    // The block index's part (IndexUse).
    bool indexed = false;
    bool skipped = false;
    bool scanned = false;
    bool without_index = false;
    std::uint64_t blocks = 0;
    std::uint64_t blocks_read = 0;
    std::optional<std::string> index_note;
};

const auto& selector_for(const RecordSelector& select, const Record*) {
    return select.ipv4;
}
const auto& selector_for(const RecordSelector& select, const Record6*) {
    return select.ipv6;
}

// One batch read, whether from a scan or from a file's chosen blocks:
// counted, selected, and what is kept handed on.
template <typename R, typename Deliver>
void take_batch(std::span<const R> batch, const RecordSelector& select, std::vector<R>& selected,
                ScanProgress& progress, FileOutcome& outcome, Deliver& deliver) {
    outcome.flows_read += batch.size();
    progress.add_flows(batch.size());
    const auto& chosen = selector_for(select, static_cast<const R*>(nullptr));
    if (!chosen) {
        deliver(batch);
        return;
    }
    selected.clear();
    chosen(batch, selected);
    if (!selected.empty()) deliver(std::span<const R>(selected));
}

template <typename R, typename Deliver>
void read_records(flowfile::BasicReader<R>& reader, const RecordSelector& select,
                  ScanProgress& progress, const std::atomic<bool>& stop, FileOutcome& outcome,
                  Deliver& deliver) {
    std::vector<R> selected;
    for (auto batch = reader.next_batch(); !batch.empty() && !stop; batch = reader.next_batch())
        take_batch(batch, select, selected, progress, outcome, deliver);
    if (!reader.status().ok() && !normal_end_of_open_file(reader.header(), reader.status()))
        outcome.problem = reader.status().message;
}

// The index of a file a query may read in blocks: usable, with the blocks
// that can match; or the reason it is not (outcome notes it).
struct IndexedPlan {
    std::unique_ptr<flowfile::BlockIndex> index;
    std::vector<std::uint32_t> blocks;
};

std::optional<IndexedPlan> plan_blocks(const InputSource& source, const BlockPruning& pruning,
                                       FileOutcome& outcome) {
    flowfile::BlockIndex::Opened opened = flowfile::BlockIndex::open(source.path);
    switch (opened.problem) {
        case flowfile::IndexProblem::none:
            break;
        case flowfile::IndexProblem::missing:
            outcome.without_index = true;  // counted once the header says DONE
            return std::nullopt;
        case flowfile::IndexProblem::stale:
        case flowfile::IndexProblem::damaged:
            outcome.index_note = opened.message;
            return std::nullopt;
    }
    IndexedPlan plan;
    plan.blocks = pruning.candidates(*opened.index);
    if (opened.index->filters_damaged()) {
        outcome.index_note = opened.index->name() +
                             ": damaged (a block filter fails its checksum): scanning the file";
        return std::nullopt;
    }
    plan.index = std::move(opened.index);
    return plan;
}

// A file the index rules out is not opened; but an unreadable one must
// still be reported as the scan would report it.
bool readable(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    ::close(fd);
    return true;
}

// Hands the records of the plan's blocks through the selector as a scan
// of the file would; false (and nothing delivered) when the blocks cannot
// be read, and the caller scans the file instead.
template <typename R, typename Deliver>
bool read_planned_blocks(const InputSource& source, flowfile::BasicReader<R>& reader,
                         const IndexedPlan& plan, const RecordSelector& select,
                         ScanProgress& progress, const std::atomic<bool>& stop,
                         FileOutcome& outcome, Deliver& deliver) {
    flowfile::BlockRead<R> read;
    try {
        read = flowfile::read_blocks<R>(source.path, reader.header(), *plan.index, plan.blocks);
    } catch (const flowfile::Error& e) {
        read.problem = e.what();
    }
    if (read.problem) {
        outcome.index_note = *read.problem;
        return false;
    }
    outcome.indexed = true;
    outcome.blocks = plan.index->blocks();
    outcome.blocks_read = plan.blocks.size();
    const std::span<const R> all(read.records);
    std::vector<R> selected;
    // Batches of the reader's size, so consumers see what a scan gives them.
    for (std::size_t at = 0; at < all.size() && !stop;
         at += flowfile::BasicReader<R>::batch_records)
        take_batch(
            all.subspan(at, std::min(all.size() - at, flowfile::BasicReader<R>::batch_records)),
            select, selected, progress, outcome, deliver);
    return true;
}

// Reads one source to its end, handing each batch (after selection) to
// `deliver`, which takes a span of Record or of Record6 by the file's
// series.  `on_open` sees the header before the first batch.  With a
// pruning plan, an indexed file is read in its candidate blocks only.
template <typename OnOpen, typename Deliver>
FileOutcome read_source(const InputSource& source, const RecordSelector& select,
                        const BlockPruning* pruning, ScanProgress& progress,
                        const std::atomic<bool>& stop, OnOpen on_open, Deliver deliver) {
    FileOutcome outcome;
    std::optional<IndexedPlan> plan;
    if (pruning && !source.is_stdin()) {
        plan = plan_blocks(source, *pruning, outcome);
        if (plan && plan->blocks.empty() && readable(source.path)) {
            outcome.indexed = true;
            outcome.skipped = true;
            outcome.blocks = plan->index->blocks();
            return outcome;
        }
    }
    flowfile::AnyReader reader;
    try {
        reader = open_source(source);
    } catch (const flowfile::Error& e) {
        outcome.problem = e.what();
        outcome.without_index = false;
        return outcome;
    }
    auto read = [&](auto& r) {
        on_open(r.header());
        if (plan && read_planned_blocks(source, r, *plan, select, progress, stop, outcome, deliver))
            return;
        if (pruning && !source.is_stdin()) {
            outcome.scanned = true;
            // No index is the normal state of a file still being written.
            const std::string name = std::filesystem::path(source.path).filename().string();
            outcome.without_index =
                outcome.without_index && r.header().done() && !flowfile::is_in_progress_name(name);
        }
        read_records(r, select, progress, stop, outcome, deliver);
    };
    if (reader.ipv6) {
        outcome.ipv6 = true;
        read(*reader.ipv6);
    } else {
        read(*reader.ipv4);
    }
    return outcome;
}

void count_outcome(const FileOutcome& o, ScanReport& report) {
    report.flows_read += o.flows_read;
    IndexUse& index = report.index;
    index.files_indexed += o.indexed;
    index.files_skipped += o.skipped;
    index.blocks += o.blocks;
    index.blocks_read += o.blocks_read;
    index.files_scanned += o.scanned;
    index.files_without_index += o.without_index;
    if (o.index_note) index.notes.push_back(*o.index_note);
    if (o.ipv6) report.flows_read6 += o.flows_read;
    if (o.problem) report.problems.push_back(*o.problem);
}

unsigned workers_for(std::size_t files, unsigned wanted) {
    if (wanted == 0) wanted = std::max(1u, std::thread::hardware_concurrency());
    return static_cast<unsigned>(std::clamp<std::size_t>(files, 1, wanted));
}

// A batch kept for the in-order consumer: records of the file's series.
struct Chunk {
    std::vector<Record> records;
    std::vector<Record6> records6;
};

// What one file has produced for the in-order consumer so far.
struct FileSlot {
    std::optional<flowfile::Header> header;
    std::deque<Chunk> chunks;
    bool done = false;
    FileOutcome outcome;
};

// Chunks per file a worker may hold before it waits for the consumer.
constexpr std::size_t max_chunks_ahead = 8;

}  // namespace

unsigned scan_worker_count(const std::vector<InputSource>& sources, const ScanOptions& options) {
    return workers_for(sources.size(), options.threads);
}

ScanReport scan_in_order(const std::vector<InputSource>& sources, const RecordSelector& select,
                         const ScanOptions& options,
                         const std::function<void(const SourceBatch&)>& consume) {
    ScanReport report;
    ScanProgress progress(options.progress, sources.size());
    std::vector<FileSlot> slots(sources.size());
    std::mutex mutex;
    std::condition_variable changed;
    std::atomic<std::size_t> next_file{0};
    std::vector<Chunk> spare;  // recycled chunk buffers
    // Set when the consumer gives up (a write error on stdout): workers stop
    // reading instead of waiting for a consumer that is gone.
    std::atomic<bool> stop{false};

    auto worker = [&] {
        for (std::size_t i = next_file++; i < sources.size() && !stop; i = next_file++) {
            FileSlot& slot = slots[i];
            auto on_open = [&](const flowfile::Header& h) {
                std::lock_guard lock(mutex);
                slot.header = h;
                changed.notify_all();
            };
            auto deliver = [&]<typename R>(std::span<const R> records) {
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] { return slot.chunks.size() < max_chunks_ahead || stop; });
                if (stop) return;
                Chunk chunk;
                if (!spare.empty()) {
                    chunk = std::move(spare.back());
                    spare.pop_back();
                }
                chunk.records.clear();
                chunk.records6.clear();
                if constexpr (std::is_same_v<R, Record6>)
                    chunk.records6.assign(records.begin(), records.end());
                else
                    chunk.records.assign(records.begin(), records.end());
                slot.chunks.push_back(std::move(chunk));
                changed.notify_all();
            };
            FileOutcome outcome = read_source(sources[i], select, options.pruning.get(), progress,
                                              stop, on_open, deliver);
            progress.file_done();
            std::lock_guard lock(mutex);
            slot.outcome = std::move(outcome);
            slot.done = true;
            changed.notify_all();
        }
    };

    std::vector<std::jthread> threads;
    const unsigned n = scan_worker_count(sources, options);
    for (unsigned t = 0; t < n; ++t) threads.emplace_back(worker);
    struct StopWorkersOnExit {
        std::mutex& mutex;
        std::condition_variable& changed;
        std::atomic<bool>& stop;
        ~StopWorkersOnExit() {
            std::lock_guard lock(mutex);
            stop = true;
            changed.notify_all();
        }
    } stop_on_exit{mutex, changed, stop};

    for (std::size_t i = 0; i < sources.size(); ++i) {
        FileSlot& slot = slots[i];
        for (;;) {
            Chunk chunk;
            {
                std::unique_lock lock(mutex);
                changed.wait_for(lock, std::chrono::milliseconds(250),
                                 [&] { return !slot.chunks.empty() || slot.done; });
                if (slot.chunks.empty() && slot.done) break;
                if (slot.chunks.empty()) {
                    lock.unlock();
                    progress.maybe_print();
                    continue;
                }
                chunk = std::move(slot.chunks.front());
                slot.chunks.pop_front();
                changed.notify_all();
            }
            report.flows_selected += chunk.records.size() + chunk.records6.size();
            report.flows_selected6 += chunk.records6.size();
            consume(SourceBatch{i, sources[i], *slot.header, chunk.records, chunk.records6});
            progress.maybe_print();
            std::lock_guard lock(mutex);
            spare.push_back(std::move(chunk));
        }
        ++report.files_read;
        count_outcome(slot.outcome, report);
        slot.header.reset();
    }
    report.index.reported = options.index_stats;
    report.index.planned = options.pruning != nullptr;
    return report;
}

ScanReport scan_in_parallel(
    const std::vector<InputSource>& sources, const RecordSelector& select,
    const ScanOptions& options,
    const std::function<void(unsigned worker, std::span<const Record>)>& consume,
    const std::function<void(unsigned worker, std::span<const Record6>)>& consume6) {
    ScanProgress progress(options.progress, sources.size());
    std::vector<FileOutcome> outcomes(sources.size());
    std::atomic<std::size_t> next_file{0};
    std::vector<std::uint64_t> selected_per_worker(scan_worker_count(sources, options), 0);
    std::vector<std::uint64_t> selected6_per_worker(selected_per_worker.size(), 0);
    std::atomic<unsigned> running{0};
    const std::atomic<bool> never_stop{false};

    auto worker = [&](unsigned w) {
        for (std::size_t i = next_file++; i < sources.size(); i = next_file++) {
            outcomes[i] = read_source(
                sources[i], select, options.pruning.get(), progress, never_stop,
                [](const flowfile::Header&) {},
                [&]<typename R>(std::span<const R> records) {
                    selected_per_worker[w] += records.size();
                    if constexpr (std::is_same_v<R, Record6>) {
                        selected6_per_worker[w] += records.size();
                        consume6(w, records);
                    } else {
                        consume(w, records);
                    }
                });
            progress.file_done();
        }
        --running;
    };

    {
        std::vector<std::jthread> threads;
        running = static_cast<unsigned>(selected_per_worker.size());
        for (unsigned w = 0; w < selected_per_worker.size(); ++w) threads.emplace_back(worker, w);
        while (options.progress && running > 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            progress.maybe_print();
        }
    }

    ScanReport report;
    report.files_read = sources.size();
    for (const auto& o : outcomes) count_outcome(o, report);
    for (auto n : selected_per_worker) report.flows_selected += n;
    for (auto n : selected6_per_worker) report.flows_selected6 += n;
    report.index.reported = options.index_stats;
    report.index.planned = options.pruning != nullptr;
    return report;
}

}  // namespace flowquery
