#pragma once

// A flow file as flow-index finds it on a live archive: opened and
// share-locked, so that a writer's exclusive lock (WriterOptions::
// exclusive_lock) shows and nobody takes one while the file is read; its
// header read as it lies on disk, since an index records those very bytes.

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "flowfile/header.hpp"

namespace flowindex {

// What flow-index may do with a file it was given or found.
enum class FileState {
    finished,       // closed by its writer: it can be indexed
    being_written,  // a tmp- name, no DONE flag, or locked by a writer: left alone
    gone,           // removed (expiry) before it could be opened
};

class DataFile {
  public:
    struct Opening {
        FileState state = FileState::gone;
        std::unique_ptr<DataFile> file;  // set iff state == finished
        std::string why;                 // for being_written: which sign showed
    };
    // Throws flowfile::Error (one line naming the file) when it cannot be
    // read or its header is not a flow-tools header.
    static Opening open(const std::filesystem::path& path);

    ~DataFile();  // closes the file, which drops the lock
    DataFile(const DataFile&) = delete;
    DataFile& operator=(const DataFile&) = delete;

    const std::filesystem::path& path() const { return path_; }
    const flowfile::Header& header() const { return header_; }
    std::span<const std::uint8_t> header_bytes() const { return header_bytes_; }
    std::uint64_t size() const { return static_cast<std::uint64_t>(status_.st_size); }
    const struct stat& status() const { return status_; }
    int fd() const { return fd_; }

    // Whether the path still names this file, unchanged in size: false once
    // expiry has removed it or something has replaced it.
    bool still_in_place() const;

  private:
    DataFile(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}

    std::filesystem::path path_;
    int fd_ = -1;
    struct stat status_ {};
    flowfile::Header header_;
    std::vector<std::uint8_t> header_bytes_;
};

}  // namespace flowindex
