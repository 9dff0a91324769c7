#pragma once

// One open file of one series of the archive (the flow-tools file, or its
// IPv6 sibling of the same name date), from its creation under the tmp- name
// to its finished name.  The Archiver keeps one per series and decides when
// they open and close; this class knows how one file is created, watched and
// finished, so that both series go through the same steps.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "flowfile/archive.hpp"
#include "flowfile/header.hpp"
#include "flowfile/writer.hpp"

namespace capture {

// A file whose data is complete on disk, under its tmp- name until the
// rename succeeds.
struct FinishedFile {
    std::string tmp_relative;    // below the work directory
    std::string final_relative;  // the ft- (ip6.) path it is renamed to
    std::uint64_t size = 0;
    std::uint32_t capture_start = 0;
    bool ipv6_series = false;
};

class SeriesFile {
  public:
    SeriesFile() = default;
    SeriesFile(const SeriesFile&) = delete;
    SeriesFile& operator=(const SeriesFile&) = delete;

    // Creates `name` (a tmp- name) at its -N place below `work_dir`, its
    // directories included.  Throws flowfile::Error; a file this call created
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

    // False when the path no longer names the file created (removed, or
    // replaced by another); true when that cannot be told (e.g. EACCES).
    bool still_there(const std::filesystem::path& work_dir) const;

    // Lets go of a file someone removed: returns the flows that went with it.
    std::uint64_t abandon();

    // Ends the data and rewrites the header with the final counters.
    // Throws flowfile::Error and stays open (to be finished again once the
    // cause is gone) when that fails.  The rename is the caller's.
    FinishedFile finish(const flowfile::CloseCounters& counters, int nesting);

  private:
    std::unique_ptr<flowfile::Writer> writer_;
    flowfile::FileName name_;
    std::string relative_;
    // Identity of the created file, to notice it being removed or replaced.
    std::uint64_t dev_ = 0;
    std::uint64_t ino_ = 0;
};

}  // namespace capture
