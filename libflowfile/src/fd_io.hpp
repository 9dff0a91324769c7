#pragma once

// Whole-buffer read/write on file descriptors, retrying on EINTR and short
// transfers.  Failures come back as errno values so callers can word the
// message for their context.

#include <sys/types.h>
#include <cstddef>
#include <cstdint>

namespace flowfile::detail {

struct IoResult {
    std::size_t bytes = 0;  // bytes transferred before EOF or the error
    int error = 0;          // errno, 0 when none
};

// Reads until `n` bytes arrived, EOF, or an error.
IoResult read_full(int fd, std::uint8_t* buf, std::size_t n);
// Positional read of `n` bytes at `offset`, until EOF or an error.
IoResult pread_full(int fd, std::uint8_t* buf, std::size_t n, off_t offset);
// Writes all `n` bytes unless an error occurs.
IoResult write_full(int fd, const std::uint8_t* buf, std::size_t n);
// Positional write of all `n` bytes at `offset`.
IoResult pwrite_full(int fd, const std::uint8_t* buf, std::size_t n, off_t offset);

}  // namespace flowfile::detail
