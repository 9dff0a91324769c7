#include "output/spill_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "output/output_buffer.hpp"

namespace flowquery {

std::filesystem::path sort_temp_dir() {
    const char* dir = std::getenv("TMPDIR");
    return dir != nullptr && *dir != '\0' ? std::filesystem::path(dir) : "/tmp";
}

SpillFile::SpillFile(std::filesystem::path dir) : dir_(std::move(dir)) {
    fd_ = ::open(dir_.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    // Kernels and file systems without O_TMPFILE say so in one of these.
    if (fd_ < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
        std::string name = (dir_ / "flowkeep-sort-XXXXXX").string();
        std::vector<char> text(name.begin(), name.end());
        text.push_back('\0');
        fd_ = ::mkostemp(text.data(), O_CLOEXEC);
        if (fd_ >= 0 && ::unlink(text.data()) != 0) {
            const int error = errno;
            ::close(fd_);
            fd_ = -1;
            errno = error;
        }
    }
    if (fd_ < 0) fail("cannot create a temporary file", errno);
}

SpillFile::~SpillFile() {
    if (fd_ >= 0) ::close(fd_);
}

SpillFile::SpillFile(SpillFile&& other) noexcept
    : dir_(std::move(other.dir_)),
      fd_(std::exchange(other.fd_, -1)),
      size_(std::exchange(other.size_, 0)) {}

SpillFile& SpillFile::operator=(SpillFile&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        dir_ = std::move(other.dir_);
        fd_ = std::exchange(other.fd_, -1);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

void SpillFile::append(std::span<const unsigned char> bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot write temporary data", errno);
        }
        // A write that stops short is followed by one that says why.
        bytes = bytes.subspan(static_cast<std::size_t>(n));
        size_ += static_cast<std::uint64_t>(n);
    }
}

std::size_t SpillFile::read_at(std::uint64_t offset, std::span<unsigned char> into) const {
    std::size_t done = 0;
    while (done < into.size() && offset + done < size_) {
        const ssize_t n =
            ::pread(fd_, into.data() + done, into.size() - done, static_cast<off_t>(offset + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot read temporary data back", errno);
        }
        if (n == 0) fail("temporary data ended early", EIO);
        done += static_cast<std::size_t>(n);
    }
    return done;
}

void SpillFile::fail(const char* doing, int error) const {
    throw OutputError(std::string("--sort start: ") + doing + " in " + dir_.string() +
                      " (TMPDIR): " + std::strerror(error));
}

}  // namespace flowquery
