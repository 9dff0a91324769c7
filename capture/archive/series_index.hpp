#pragma once

// The block index (flow-index(5)) of one series file as flow-capture writes
// it: fed the records the file accepts, in the file's order, and encoded
// once the file is finished.  Its state is one file's, so memory follows
// the open files, not the archive.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "flowfile/block_index.hpp"
#include "flowfile/header.hpp"
#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"
#include "flowfile/writer.hpp"

namespace capture {

class SeriesIndex {
  public:
    // `header`: the file's header as created; `block_records`: the file's
    // WriterOptions::block_records (not 0).
    SeriesIndex(const flowfile::Header& header, std::size_t block_records);

    void add(std::span<const flowfile::Record> records) { builder_.add(records); }
    void add(std::span<const flowfile::Record6> records) { builder_.add(records); }

    // The encoded index of the finished file at `path`, whose header is read
    // back from the file: finishing rewrote it (counters, DONE, checksum
    // table), and the index must describe the bytes a reader will find.
    // Throws flowfile::Error naming the file and the problem.
    std::vector<std::uint8_t> encode(const std::filesystem::path& path,
                                     std::span<const flowfile::BlockPoint> points,
                                     std::uint64_t file_size);

  private:
    flowfile::BlockIndexBuilder builder_;
};

// The index of a file written with `block_records` per block; none when
// that is 0.  The index is optional: when it cannot be made, `problem` says
// why and the file is written without one.
std::unique_ptr<SeriesIndex> optional_index(const flowfile::Header& header,
                                            std::size_t block_records, std::string& problem);

// The header of the flow file at `path`, byte for byte as on disk.  Throws
// flowfile::Error naming the file and the problem.
std::vector<std::uint8_t> read_header_bytes(const std::filesystem::path& path);

}  // namespace capture
