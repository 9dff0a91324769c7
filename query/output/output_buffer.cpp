#include "output/output_buffer.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace flowquery {

OutputBuffer::OutputBuffer(int fd, std::string name) : fd_(fd), name_(std::move(name)) {
    text_.reserve(flush_at * 2);
}

OutputBuffer::~OutputBuffer() {
    try {
        flush();
    } catch (const OutputError&) {
        // Reported by the explicit flush() every tool makes before exiting.
    }
}

void OutputBuffer::flush() {
    std::size_t done = 0;
    while (done < text_.size()) {
        const ssize_t n = ::write(fd_, text_.data() + done, text_.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int err = n < 0 ? errno : EIO;
            text_.clear();
            throw OutputError(name_ + ": write failed: " + std::strerror(err), err == EPIPE);
        }
        done += static_cast<std::size_t>(n);
    }
    text_.clear();
}

}  // namespace flowquery
