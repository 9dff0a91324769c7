#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <vector>

#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"
#include "output/packed_flows.hpp"
#include "output/spill_file.hpp"

namespace flowquery {

// How much of a chronological listing stays in memory.
struct SortLimits {
    // Packed flows held before they go, merged, to a temporary file.
    std::size_t memory_bytes = std::size_t{256} << 20;
    // Temporary files merged at once; more are merged in passes first.
    std::size_t fan_in = 16;
    std::filesystem::path temp_dir = sort_temp_dir();
};

// The flows of a chronological listing (--sort start), held until every
// file has been read in memory bounded whatever the window: each file's
// flows are sorted by start on their own and packed (FlowPacker, about 50
// bytes a flow); when the runs held pass SortLimits::memory_bytes they are
// merged into one temporary file, and when fan_in temporary files of one
// generation exist they are merged into one of the next, so that at most
// about (fan_in - 1) * log_fan_in(files) are open.  The output merges the
// runs still in memory with at most fan_in temporary files.  At any point
// it gives the order a stable sort of all flows would: by start, ties in
// the order the runs were added and then in stored order.
//
// Memory: memory_bytes, plus (fan_in + 4) * 256 KiB of file buffers while
// merging, plus the run being added.  Temporary space: about the packed
// size of the flows, up to twice that while the merge passes run.  Peak
// memory for 4 M flows: tests/bench/README.md.
//
// Files of both series merge into one order: an IPv4 flow's start comes
// from flowfile::flow_times, an IPv6 flow's is its start_ms.
class StartOrderedFlows {
  public:
    explicit StartOrderedFlows(SortLimits limits = {});

    // The selected flows of the next file, in stored order; sorts them.
    // Throws OutputError when the temporary files cannot be written.
    void add_file(std::vector<flowfile::Record>& flows);
    void add_file(std::vector<flowfile::Record6>& flows);

    std::uint64_t size() const { return flows_; }
    // Temporary files open now.
    std::size_t spill_files() const { return spills_.size(); }

    // Hands every flow to `write` (IPv4) or `write6` (IPv6) in start order,
    // in batches of up to `batch` flows of one series (a batch ends where
    // the next flow is of the other series); then holds none.  Every merge
    // pass runs before the first batch, so a full TMPDIR fails the listing
    // before anything is written.
    void drain(std::size_t batch,
               const std::function<void(std::span<const flowfile::Record>)>& write,
               const std::function<void(std::span<const flowfile::Record6>)>& write6);

  private:
    struct Run {
        std::vector<unsigned char> packed;
        std::uint64_t count = 0;
    };
    struct Spill {
        SpillFile file;
        std::uint64_t count = 0;
        unsigned generation = 0;
    };
    template <typename R>
    void add_run(std::vector<R>& flows);
    void spill_held();
    void merge_spills(std::size_t first, std::size_t n);

    SortLimits limits_;
    std::vector<Run> runs_;  // in memory, newer than every spill
    std::size_t held_bytes_ = 0;
    std::vector<Spill> spills_;  // oldest runs first
    std::uint64_t flows_ = 0;
};

}  // namespace flowquery
