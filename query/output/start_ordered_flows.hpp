#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"

namespace flowquery {

// The flows of a chronological listing (--sort start), held until every
// file has been read, in far less memory than the Records themselves: each
// file's flows are sorted by start on their own and packed, every record
// stored as the bytes in which it differs from the previous one (flows of
// one file, in start order, share most of their export header, exporter,
// addresses and times).  A k-way merge of the files then gives the order a
// stable sort of all flows would: by start, ties in file order and then in
// stored order.  Peak memory for 4 M flows: tests/bench/README.md.
//
// Files of both series merge into one order: an IPv4 flow's start comes
// from flowfile::flow_times, an IPv6 flow's is its start_ms.
class StartOrderedFlows {
  public:
    // The selected flows of the next file, in stored order; sorts them.
    void add_file(std::vector<flowfile::Record>& flows);
    void add_file(std::vector<flowfile::Record6>& flows);

    std::uint64_t size() const { return flows_; }

    // Hands every flow to `write` (IPv4) or `write6` (IPv6) in start order,
    // in batches of up to `batch` flows of one series (a batch ends where
    // the next flow is of the other series); then holds none.
    void drain(std::size_t batch,
               const std::function<void(std::span<const flowfile::Record>)>& write,
               const std::function<void(std::span<const flowfile::Record6>)>& write6);

  private:
    struct Run {
        std::vector<unsigned char> packed;
        std::uint64_t count = 0;
        bool ipv6 = false;
    };
    template <typename R>
    void add_run(std::vector<R>& flows);
    std::vector<Run> runs_;
    std::uint64_t flows_ = 0;
};

}  // namespace flowquery
