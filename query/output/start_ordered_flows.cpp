#include "output/start_ordered_flows.hpp"

#include <algorithm>
#include <cstring>
#include <queue>
#include <type_traits>
#include <utility>

namespace flowquery {

namespace {

using flowfile::Record;
using flowfile::Record6;

std::int64_t start_of(const Record& r) {
    return flowfile::flow_times(r).start_ms;
}
std::int64_t start_of(const Record6& r) {
    return r.start_ms;
}

// A run in memory costs its bytes and, merged, its reader.
constexpr std::size_t run_overhead = sizeof(PackedRun) + 64;

// Where a merge writes: packed into a buffer that goes to `file` a MiB at
// a time.
class SpillWriter {
  public:
    explicit SpillWriter(const std::filesystem::path& dir) : file_(dir) {
        buffer_.reserve(flush_at + max_packed_flow_bytes);
    }

    void add(const UnpackedFlow& f) {
        if (f.ipv6)
            packer_.append(buffer_, f.record6);
        else
            packer_.append(buffer_, f.record);
        ++count_;
        if (buffer_.size() >= flush_at) flush();
    }

    SpillFile finish() {
        flush();
        return std::move(file_);
    }
    std::uint64_t count() const { return count_; }

  private:
    static constexpr std::size_t flush_at = std::size_t{1} << 20;
    void flush() {
        file_.append(buffer_);
        buffer_.clear();
    }
    SpillFile file_;
    FlowPacker packer_;
    std::vector<unsigned char> buffer_;
    std::uint64_t count_ = 0;
};

// Merges `runs` into one start order, handing each flow to `take`: the
// earliest start first, equal starts in the order of `runs` (each run
// holds flows added after those of the runs before it), as a stable sort
// of all of them one after the other would leave them.
template <typename Take>
void merge_runs(std::vector<PackedRun>& runs, Take&& take) {
    using Head = std::pair<std::int64_t, std::size_t>;  // start, run
    std::priority_queue<Head, std::vector<Head>, std::greater<>> heads;
    for (std::size_t i = 0; i < runs.size(); ++i)
        if (runs[i].next()) heads.emplace(runs[i].flow().start_ms, i);
    while (!heads.empty()) {
        const std::size_t i = heads.top().second;
        heads.pop();
        take(runs[i].flow());
        if (runs[i].next()) heads.emplace(runs[i].flow().start_ms, i);
    }
}

}  // namespace

StartOrderedFlows::StartOrderedFlows(SortLimits limits) : limits_(std::move(limits)) {
    limits_.fan_in = std::max<std::size_t>(limits_.fan_in, 2);
}

template <typename R>
void StartOrderedFlows::add_run(std::vector<R>& flows) {
    if (flows.empty()) return;
    std::vector<std::pair<std::int64_t, std::uint32_t>> keys;
    keys.reserve(flows.size());
    for (std::uint32_t i = 0; i < flows.size(); ++i) keys.emplace_back(start_of(flows[i]), i);
    std::stable_sort(keys.begin(), keys.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });

    std::vector<unsigned char> packed;
    packed.reserve(flows.size() * (max_packed_flow_bytes / 2));
    FlowPacker packer;
    for (const auto& k : keys) packer.append(packed, flows[k.second]);
    keys = {};
    Run run;
    run.packed.assign(packed.begin(), packed.end());  // exactly the size needed
    run.count = flows.size();
    packed = {};
    held_bytes_ += run.packed.size() + run_overhead;
    runs_.push_back(std::move(run));
    flows_ += flows.size();
    if (held_bytes_ > limits_.memory_bytes) spill_held();
}

void StartOrderedFlows::add_file(std::vector<Record>& flows) {
    add_run(flows);
}

void StartOrderedFlows::add_file(std::vector<Record6>& flows) {
    add_run(flows);
}

void StartOrderedFlows::spill_held() {
    std::vector<PackedRun> readers;
    readers.reserve(runs_.size());
    for (const Run& r : runs_) readers.emplace_back(r.packed, r.count);
    SpillWriter out(limits_.temp_dir);
    merge_runs(readers, [&](const UnpackedFlow& f) { out.add(f); });
    const std::uint64_t count = out.count();
    spills_.push_back(Spill{out.finish(), count, 0});
    readers.clear();
    runs_.clear();
    held_bytes_ = 0;
    // Files of a generation are merged as soon as there are fan_in of
    // them, so the files open grow with the logarithm of the window.
    while (spills_.size() >= limits_.fan_in) {
        const std::size_t first = spills_.size() - limits_.fan_in;
        const unsigned generation = spills_[first].generation;
        if (!std::all_of(spills_.begin() + static_cast<std::ptrdiff_t>(first), spills_.end(),
                         [&](const Spill& s) { return s.generation == generation; }))
            break;
        merge_spills(first, limits_.fan_in);
    }
}

// Merges spills_[first, first + n), consecutive runs, into one file.
void StartOrderedFlows::merge_spills(std::size_t first, std::size_t n) {
    std::vector<PackedRun> readers;
    readers.reserve(n);
    unsigned generation = 0;
    for (std::size_t i = first; i < first + n; ++i) {
        readers.emplace_back(spills_[i].file, spills_[i].count);
        generation = std::max(generation, spills_[i].generation);
    }
    SpillWriter out(limits_.temp_dir);
    merge_runs(readers, [&](const UnpackedFlow& f) { out.add(f); });
    const std::uint64_t count = out.count();
    Spill merged{out.finish(), count, generation + 1};
    readers.clear();
    const auto at = spills_.begin() + static_cast<std::ptrdiff_t>(first);
    spills_.erase(at, at + static_cast<std::ptrdiff_t>(n));
    spills_.insert(spills_.begin() + static_cast<std::ptrdiff_t>(first), std::move(merged));
}

void StartOrderedFlows::drain(std::size_t batch,
                              const std::function<void(std::span<const Record>)>& write,
                              const std::function<void(std::span<const Record6>)>& write6) {
    // The newest files are the smallest: merging them costs least.
    while (spills_.size() > limits_.fan_in) {
        const std::size_t n = std::min(limits_.fan_in, spills_.size() - limits_.fan_in + 1);
        merge_spills(spills_.size() - n, n);
    }
    std::vector<PackedRun> readers;
    readers.reserve(spills_.size() + runs_.size());
    for (const Spill& s : spills_) readers.emplace_back(s.file, s.count);
    for (const Run& r : runs_) readers.emplace_back(r.packed, r.count);

    std::vector<Record> out;
    std::vector<Record6> out6;
    out.reserve(batch);
    out6.reserve(batch);
    const auto flush = [&] {
        if (!out.empty()) write(out);
        if (!out6.empty()) write6(out6);
        out.clear();
        out6.clear();
    };
    merge_runs(readers, [&](const UnpackedFlow& f) {
        if (f.ipv6) {
            if (!out.empty()) flush();
            out6.push_back(f.record6);
        } else {
            if (!out6.empty()) flush();
            out.push_back(f.record);
        }
        if (out.size() == batch || out6.size() == batch) flush();
    });
    flush();
    readers.clear();
    runs_.clear();
    spills_.clear();
    held_bytes_ = 0;
    flows_ = 0;
}

}  // namespace flowquery
