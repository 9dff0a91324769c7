#include "inputs/flow_scan.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "flowfile/error.hpp"
#include "flowfile/reader.hpp"
#include "inputs/scan_progress.hpp"

namespace flowquery {

namespace {

using flowfile::Reader;
using flowfile::Record;

std::unique_ptr<Reader> open_source(const InputSource& source) {
    if (source.is_stdin()) return Reader::from_fd(STDIN_FILENO, source.display_name());
    return Reader::open(source.path);
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
    std::optional<std::string> problem;
};

// Reads one source to its end, handing each batch (after selection) to
// `deliver`.  `on_open` sees the header before the first batch.
template <typename OnOpen, typename Deliver>
FileOutcome read_source(const InputSource& source, const RecordSelector& select,
                        ScanProgress& progress, const std::atomic<bool>& stop, OnOpen on_open,
                        Deliver deliver) {
    FileOutcome outcome;
    std::unique_ptr<Reader> reader;
    try {
        reader = open_source(source);
    } catch (const flowfile::Error& e) {
        outcome.problem = e.what();
        return outcome;
    }
    on_open(reader->header());
    std::vector<Record> selected;
    for (auto batch = reader->next_batch(); !batch.empty() && !stop; batch = reader->next_batch()) {
        outcome.flows_read += batch.size();
        progress.add_flows(batch.size());
        if (!select) {
            deliver(batch);
            continue;
        }
        selected.clear();
        select(batch, selected);
        if (!selected.empty()) deliver(std::span<const Record>(selected));
    }
    if (!reader->status().ok() && !normal_end_of_open_file(reader->header(), reader->status()))
        outcome.problem = reader->status().message;
    return outcome;
}

unsigned workers_for(std::size_t files, unsigned wanted) {
    if (wanted == 0) wanted = std::max(1u, std::thread::hardware_concurrency());
    return static_cast<unsigned>(std::clamp<std::size_t>(files, 1, wanted));
}

// What one file has produced for the in-order consumer so far.
struct FileSlot {
    std::optional<flowfile::Header> header;
    std::deque<std::vector<Record>> chunks;
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
    std::vector<std::vector<Record>> spare;  // recycled chunk buffers
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
            auto deliver = [&](std::span<const Record> records) {
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] { return slot.chunks.size() < max_chunks_ahead || stop; });
                if (stop) return;
                std::vector<Record> chunk;
                if (!spare.empty()) {
                    chunk = std::move(spare.back());
                    spare.pop_back();
                }
                chunk.assign(records.begin(), records.end());
                slot.chunks.push_back(std::move(chunk));
                changed.notify_all();
            };
            FileOutcome outcome = read_source(sources[i], select, progress, stop, on_open, deliver);
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
            std::vector<Record> chunk;
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
            report.flows_selected += chunk.size();
            consume(SourceBatch{i, sources[i], *slot.header, chunk});
            progress.maybe_print();
            std::lock_guard lock(mutex);
            spare.push_back(std::move(chunk));
        }
        ++report.files_read;
        report.flows_read += slot.outcome.flows_read;
        if (slot.outcome.problem) report.problems.push_back(*slot.outcome.problem);
        slot.header.reset();
    }
    return report;
}

ScanReport scan_in_parallel(
    const std::vector<InputSource>& sources, const RecordSelector& select,
    const ScanOptions& options,
    const std::function<void(unsigned worker, std::span<const Record>)>& consume) {
    ScanProgress progress(options.progress, sources.size());
    std::vector<FileOutcome> outcomes(sources.size());
    std::atomic<std::size_t> next_file{0};
    std::vector<std::uint64_t> selected_per_worker(scan_worker_count(sources, options), 0);
    std::atomic<unsigned> running{0};
    const std::atomic<bool> never_stop{false};

    auto worker = [&](unsigned w) {
        for (std::size_t i = next_file++; i < sources.size(); i = next_file++) {
            outcomes[i] = read_source(
                sources[i], select, progress, never_stop, [](const flowfile::Header&) {},
                [&](std::span<const Record> records) {
                    selected_per_worker[w] += records.size();
                    consume(w, records);
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
    for (const auto& o : outcomes) {
        report.flows_read += o.flows_read;
        if (o.problem) report.problems.push_back(*o.problem);
    }
    for (auto n : selected_per_worker) report.flows_selected += n;
    return report;
}

}  // namespace flowquery
