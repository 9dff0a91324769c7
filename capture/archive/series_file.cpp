#include "series_file.hpp"

#include <sys/stat.h>
#include <cerrno>
#include <exception>
#include <system_error>

#include "flowfile/error.hpp"

namespace capture {

void SeriesFile::create(const std::filesystem::path& work_dir, int nesting,
                        const flowfile::FileName& name, const flowfile::Header& header,
                        const flowfile::WriterOptions& options) {
    const std::string relative = flowfile::nest_path(name, nesting);
    const std::filesystem::path path = work_dir / relative;
    std::error_code exists_ec;
    const bool existed = std::filesystem::exists(path, exists_ec);
    try {
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec)
            throw flowfile::Error(path.parent_path().string() +
                                  ": cannot create directory: " + ec.message());
        writer_ = flowfile::Writer::create(path, header, options);
    } catch (const flowfile::Error&) {
        // A file that existed (e.g. locked by another capture) is not ours.
        if (!existed) std::filesystem::remove(path, exists_ec);
        throw;
    }
    index_problem_.clear();
    index_ = optional_index(header, options.block_records, index_problem_);
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        dev_ = static_cast<std::uint64_t>(st.st_dev);
        ino_ = static_cast<std::uint64_t>(st.st_ino);
    }
    name_ = name;
    relative_ = relative;
    path_ = path;
}

template <typename R>
void SeriesFile::write(std::span<const R> records) {
    const std::uint64_t before = writer_->records_written();
    try {
        writer_->write(records);
    } catch (const flowfile::Error&) {
        index_accepted(records, before);
        throw;
    }
    index_accepted(records, before);
}

template void SeriesFile::write(std::span<const flowfile::Record>);
template void SeriesFile::write(std::span<const flowfile::Record6>);

template <typename R>
void SeriesFile::index_accepted(std::span<const R> records, std::uint64_t before) {
    const std::uint64_t taken = writer_->records_written() - before;
    if (!index_ || taken == 0) return;
    try {
        index_->add(records.first(static_cast<std::size_t>(taken)));
    } catch (const std::exception& e) {
        // The index is optional: the file goes on without one.
        index_problem_ = e.what();
        index_.reset();
    }
}

bool SeriesFile::still_there(const std::filesystem::path& work_dir) const {
    struct stat st {};
    const std::filesystem::path path = work_dir / relative_;
    if (::lstat(path.c_str(), &st) == 0)
        return static_cast<std::uint64_t>(st.st_dev) == dev_ &&
               static_cast<std::uint64_t>(st.st_ino) == ino_;
    return errno != ENOENT && errno != ENOTDIR;
}

std::uint64_t SeriesFile::abandon() {
    const std::uint64_t lost = writer_ ? writer_->records_written() : 0;
    writer_.reset();  // flushes into the removed file and lets go of it
    index_.reset();
    relative_.clear();
    return lost;
}

FinishedFile SeriesFile::finish(const flowfile::CloseCounters& counters, int nesting) {
    writer_->finish(counters);
    FinishedFile done{.tmp_relative = relative_,
                      .final_relative = flowfile::nest_path(name_.closed(), nesting),
                      .size = writer_->bytes_written(),
                      .capture_start = static_cast<std::uint32_t>(name_.creation_time()),
                      .ipv6_series = name_.ipv6_series(),
                      .index = {},
                      .index_problem = index_problem_,
                      .records = writer_->records_written(),
                      .client_ordered = false,
                      .client_order_problem = {}};
    if (index_) {
        try {
            done.index = index_->encode(path_, writer_->block_points(), done.size);
        } catch (const std::exception& e) {
            done.index_problem = e.what();
        }
    }
    index_.reset();
    index_problem_.clear();
    writer_.reset();
    relative_.clear();
    return done;
}

}  // namespace capture
