#include "fd_io.hpp"

#include <unistd.h>
#include <cerrno>

namespace flowfile::detail {

IoResult read_full(int fd, std::uint8_t* buf, std::size_t n) {
    IoResult r;
    while (r.bytes < n) {
        const ssize_t got = ::read(fd, buf + r.bytes, n - r.bytes);
        if (got > 0) {
            r.bytes += static_cast<std::size_t>(got);
        } else if (got == 0) {
            break;
        } else if (errno != EINTR) {
            r.error = errno;
            break;
        }
    }
    return r;
}

IoResult write_full(int fd, const std::uint8_t* buf, std::size_t n) {
    IoResult r;
    while (r.bytes < n) {
        const ssize_t put = ::write(fd, buf + r.bytes, n - r.bytes);
        if (put >= 0) {
            r.bytes += static_cast<std::size_t>(put);
        } else if (errno != EINTR) {
            r.error = errno;
            break;
        }
    }
    return r;
}

IoResult pwrite_full(int fd, const std::uint8_t* buf, std::size_t n, off_t offset) {
    IoResult r;
    while (r.bytes < n) {
        const ssize_t put =
            ::pwrite(fd, buf + r.bytes, n - r.bytes, offset + static_cast<off_t>(r.bytes));
        if (put >= 0) {
            r.bytes += static_cast<std::size_t>(put);
        } else if (errno != EINTR) {
            r.error = errno;
            break;
        }
    }
    return r;
}

}  // namespace flowfile::detail
