#include "data_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "flowfile/archive.hpp"
#include "flowfile/error.hpp"

namespace flowindex {

namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what, int err) {
    throw flowfile::Error(path.string() + ": " + what + ": " + std::strerror(err));
}

// Reads exactly `n` bytes at `offset`; fewer only at the end of the file.
std::size_t read_at(int fd, std::uint8_t* into, std::size_t n, off_t offset,
                    const std::filesystem::path& path) {
    std::size_t got = 0;
    while (got < n) {
        const ssize_t r = ::pread(fd, into + got, n - got, offset + static_cast<off_t>(got));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) fail(path, "cannot read", errno);
        if (r == 0) break;
        got += static_cast<std::size_t>(r);
    }
    return got;
}

}  // namespace

DataFile::Opening DataFile::open(const std::filesystem::path& path) {
    Opening out;
    if (flowfile::is_in_progress_name(path.filename().string())) {
        out.state = FileState::being_written;
        out.why = "a tmp- file";
        return out;
    }
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENOENT) return out;  // gone
        fail(path, "cannot open", errno);
    }
    std::unique_ptr<DataFile> file(new DataFile(path, fd));
    // Shared, so that two flow-index runs can read one file, while
    // flow-capture's exclusive lock on a file it writes makes this fail.
    if (::flock(fd, LOCK_SH | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK) fail(path, "cannot lock", errno);
        out.state = FileState::being_written;
        out.why = "locked by a writer";
        return out;
    }
    if (::fstat(fd, &file->status_) != 0) fail(path, "cannot stat", errno);
    if (!S_ISREG(file->status_.st_mode))
        throw flowfile::Error(path.string() + ": not a regular file");

    std::uint8_t preamble[flowfile::header_preamble_size];
    const std::size_t got = read_at(fd, preamble, sizeof preamble, 0, path);
    const std::uint32_t size =
        flowfile::decode_header_size(std::span<const std::uint8_t>(preamble, got), path.string());
    file->header_bytes_.resize(size);
    file->header_bytes_.resize(read_at(fd, file->header_bytes_.data(), size, 0, path));
    file->header_ = flowfile::decode_header(file->header_bytes_, path.string());
    // The writer sets DONE when it closes the file; before that the records
    // may still grow (a copy in progress that is not named tmp-).
    if (!file->header_.done()) {
        out.state = FileState::being_written;
        out.why = "its header has no DONE flag";
        return out;
    }
    out.state = FileState::finished;
    out.file = std::move(file);
    return out;
}

DataFile::~DataFile() {
    if (fd_ >= 0) ::close(fd_);
}

bool DataFile::still_in_place() const {
    struct stat now {};
    if (::stat(path_.c_str(), &now) != 0) return false;
    return now.st_dev == status_.st_dev && now.st_ino == status_.st_ino &&
           now.st_size == status_.st_size;
}

}  // namespace flowindex
