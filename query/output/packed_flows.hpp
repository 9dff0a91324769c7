#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"
#include "output/spill_file.hpp"

namespace flowquery {

// Flows in start order, packed: each flow is a series byte (IPv4 or IPv6),
// a bitmap of the bytes in which it differs from the previous flow of its
// series, then those bytes XORed with it.  Flows that follow each other in
// start order share most of their export header, exporter, addresses and
// times, so a flow takes about 50 bytes instead of 84 or 132.
class FlowPacker {
  public:
    void append(std::vector<unsigned char>& out, const flowfile::Record& r);
    void append(std::vector<unsigned char>& out, const flowfile::Record6& r);

  private:
    std::array<unsigned char, sizeof(flowfile::Record)> last4_{};
    std::array<unsigned char, sizeof(flowfile::Record6)> last6_{};
};

// The most bytes one packed flow takes.
inline constexpr std::size_t max_packed_flow_bytes =
    1 + (sizeof(flowfile::Record6) + 7) / 8 + sizeof(flowfile::Record6);

// The flow a PackedRun is at, with its start time (an IPv4 flow's from
// flowfile::flow_times, an IPv6 flow's start_ms).
struct UnpackedFlow {
    bool ipv6 = false;
    std::int64_t start_ms = 0;
    flowfile::Record record;
    flowfile::Record6 record6;
};

// Reads one run of packed flows back, from memory or from a SpillFile
// (through a buffer of its own).
class PackedRun {
  public:
    PackedRun(std::span<const unsigned char> bytes, std::uint64_t count);
    PackedRun(const SpillFile& file, std::uint64_t count);

    // Steps to the next flow; false after the last.
    bool next();
    const UnpackedFlow& flow() const { return flow_; }

    // What reading a SpillFile holds in memory.
    static constexpr std::size_t file_buffer_bytes = 256 * 1024;

  private:
    void refill();
    const unsigned char* at_ = nullptr;
    const unsigned char* end_ = nullptr;
    std::uint64_t left_ = 0;
    const SpillFile* file_ = nullptr;
    std::uint64_t file_offset_ = 0;
    std::vector<unsigned char> buffer_;
    std::array<unsigned char, sizeof(flowfile::Record)> bytes4_{};
    std::array<unsigned char, sizeof(flowfile::Record6)> bytes6_{};
    UnpackedFlow flow_;
};

}  // namespace flowquery
