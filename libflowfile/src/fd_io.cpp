#include "fd_io.hpp"

#include <unistd.h>
#include <cerrno>

namespace flowfile::detail {

namespace {

// What 0 bytes transferred means: a read has reached the end of the file;
// a write reported no error, so it has not failed and tries again.
enum class ZeroBytes { end, retry };

// Calls `transfer(done)`, which moves the part after the first `done`
// bytes, until all `n` bytes moved, the end of the file, or an error.
template <typename TransferRest>
IoResult transfer_all(std::size_t n, ZeroBytes zero, TransferRest transfer) {
    IoResult r;
    while (r.bytes < n) {
        const ssize_t moved = transfer(r.bytes);
        if (moved > 0 || (moved == 0 && zero == ZeroBytes::retry)) {
            r.bytes += static_cast<std::size_t>(moved);
        } else if (moved == 0) {
            break;
        } else if (errno != EINTR) {
            r.error = errno;
            break;
        }
    }
    return r;
}

}  // namespace

IoResult read_full(int fd, std::uint8_t* buf, std::size_t n) {
    return transfer_all(n, ZeroBytes::end,
                        [&](std::size_t done) { return ::read(fd, buf + done, n - done); });
}

IoResult pread_full(int fd, std::uint8_t* buf, std::size_t n, off_t offset) {
    return transfer_all(n, ZeroBytes::end, [&](std::size_t done) {
        return ::pread(fd, buf + done, n - done, offset + static_cast<off_t>(done));
    });
}

IoResult write_full(int fd, const std::uint8_t* buf, std::size_t n) {
    return transfer_all(n, ZeroBytes::retry,
                        [&](std::size_t done) { return ::write(fd, buf + done, n - done); });
}

IoResult pwrite_full(int fd, const std::uint8_t* buf, std::size_t n, off_t offset) {
    return transfer_all(n, ZeroBytes::retry, [&](std::size_t done) {
        return ::pwrite(fd, buf + done, n - done, offset + static_cast<off_t>(done));
    });
}

}  // namespace flowfile::detail
