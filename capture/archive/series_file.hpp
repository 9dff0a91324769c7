#pragma once

// One open file of one series of the archive (the flow-tools file, or its
// IPv6 sibling of the same name date), from its creation under the tmp- name
// to its finished name.  The Archiver keeps one per series and decides when
// they open and close; this class knows how one file is created, watched and
// finished, so that both series go through the same steps.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "flowfile/archive.hpp"
#include "flowfile/header.hpp"
#include "flowfile/writer.hpp"
#include "series_index.hpp"

namespace capture {

// A file whose data is complete on disk, under its tmp- name until the
// rename succeeds.
struct FinishedFile {
    std::string tmp_relative;    // below the work directory
    std::string final_relative;  // the ft- (ip6.) path it is renamed to
    std::uint64_t size = 0;
    std::uint32_t capture_start = 0;
    bool ipv6_series = false;
    // The encoded block index (flow-index(5)) to write beside the file once
    // it has its final name; empty when indexing is off or it failed.
    std::vector<std::uint8_t> index;
    // Why the index could not be encoded; empty when it was, or is off.
    std::string index_problem;
    std::uint64_t records = 0;  // the flows it holds, for the client order's check
    // flow-capture --client-networks: whether the file was written again in
    // client order (ClientOrderWorker), and why not when that failed (it is
    // then complete in arrival order, with the index of that order).
    bool client_ordered = false;
    std::string client_order_problem;
};

class SeriesFile {
  public:
    SeriesFile() = default;
    SeriesFile(const SeriesFile&) = delete;
    SeriesFile& operator=(const SeriesFile&) = delete;

    // Creates `name` (a tmp- name) at its -N place below `work_dir`, its
    // directories included; with options.block_records the file's block
    // index is built as it is written.  Throws flowfile::Error; a file this call created
    // but could not write the header into (disk full) is removed again: the
    // retry takes another name and it would stay behind, cut and unreadable.
    void create(const std::filesystem::path& work_dir, int nesting, const flowfile::FileName& name,
                const flowfile::Header& header, const flowfile::WriterOptions& options);

    bool is_open() const { return writer_ != nullptr; }
    flowfile::Writer& writer() { return *writer_; }
    const flowfile::Writer& writer() const { return *writer_; }
    const flowfile::FileName& name() const { return name_; }
    // Below the work directory; empty while no file is open.
    const std::string& relative() const { return relative_; }
    std::uint64_t bytes_written() const { return writer_ ? writer_->bytes_written() : 0; }

    // Writes into the file and its index.  The records the writer accepted
    // go to the index also when writing them failed (the writer keeps them
    // and writes them later).  Throws flowfile::Error as Writer::write.
    template <typename R>
    void write(std::span<const R> records);

    // False when the path no longer names the file created (removed, or
    // replaced by another); true when that cannot be told (e.g. EACCES).
    bool still_there(const std::filesystem::path& work_dir) const;

    // Lets go of a file someone removed: returns the flows that went with it.
    std::uint64_t abandon();

    // Ends the data and rewrites the header with the final counters, and
    // encodes the index (a failure there is FinishedFile::index_problem:
    // the data file is complete all the same).  Throws flowfile::Error and
    // stays open (to be finished again once the cause is gone) when the
    // data cannot be finished.  The rename and the index file are the
    // caller's.
    FinishedFile finish(const flowfile::CloseCounters& counters, int nesting);

  private:
    // Feeds the index what the writer took since it held `before` records.
    template <typename R>
    void index_accepted(std::span<const R> records, std::uint64_t before);

    std::unique_ptr<flowfile::Writer> writer_;
    // Null when indexing is off, or after the builder failed (the problem
    // is kept for the finished file).
    std::unique_ptr<SeriesIndex> index_;
    std::string index_problem_;
    std::filesystem::path path_;  // of the open file
    flowfile::FileName name_;
    std::string relative_;
    // Identity of the created file, to notice it being removed or replaced.
    std::uint64_t dev_ = 0;
    std::uint64_t ino_ = 0;
};

}  // namespace capture
