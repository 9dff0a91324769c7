#include "series_file.hpp"

#include <sys/stat.h>
#include <cerrno>
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
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        dev_ = static_cast<std::uint64_t>(st.st_dev);
        ino_ = static_cast<std::uint64_t>(st.st_ino);
    }
    name_ = name;
    relative_ = relative;
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
    relative_.clear();
    return lost;
}

FinishedFile SeriesFile::finish(const flowfile::CloseCounters& counters, int nesting) {
    writer_->finish(counters);
    FinishedFile done{.tmp_relative = relative_,
                      .final_relative = flowfile::nest_path(name_.closed(), nesting),
                      .size = writer_->bytes_written(),
                      .capture_start = static_cast<std::uint32_t>(name_.creation_time()),
                      .ipv6_series = name_.ipv6_series()};
    writer_.reset();
    relative_.clear();
    return done;
}

}  // namespace capture
