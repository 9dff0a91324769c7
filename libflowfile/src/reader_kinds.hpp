#pragma once

// The Reader implementations behind Reader::open and Reader::from_fd, one per
// way of getting at the record area.  Each takes the header already read and
// a descriptor positioned at the first byte of the record area.

#include <unistd.h>
#include <memory>
#include <string>

#include "flowfile/reader.hpp"
#include "record_codec.hpp"

namespace flowfile::detail {

// Closes the descriptor only when the reader opened it itself.
class OwnedFd {
  public:
    OwnedFd(int fd, bool owned) : fd_(fd), owned_(owned) {}
    ~OwnedFd() {
        if (owned_ && fd_ >= 0) ::close(fd_);
    }
    OwnedFd(const OwnedFd&) = delete;
    OwnedFd& operator=(const OwnedFd&) = delete;
    int get() const { return fd_; }
    bool owned() const { return owned_; }
    // Hands the descriptor (and the duty to close it, if any) to the caller.
    int release() {
        owned_ = false;
        return fd_;
    }

  private:
    int fd_;
    bool owned_;
};

// An uncompressed record area, read() in batches.
template <typename R>
std::unique_ptr<BasicReader<R>> make_raw_reader(Header h, std::string name, int fd, bool owned,
                                                const CodecOf<R>& codec);

// A compressed record area through zlib's streaming inflate: works on pipes,
// and is the reference for how every damaged or unfinished file reads.
template <typename R>
std::unique_ptr<BasicReader<R>> make_inflating_reader(Header h, std::string name, int fd,
                                                      bool owned, const CodecOf<R>& codec);

// A compressed regular file inflated whole in one call (libdeflate), with the
// streaming reader taking over from the start of the record area whenever the
// whole-buffer inflate fails, so that the result never differs from
// make_inflating_reader's.  Only for descriptors that pread() works on.
template <typename R>
std::unique_ptr<BasicReader<R>> make_whole_buffer_reader(Header h, std::string name, int fd,
                                                         bool owned, const CodecOf<R>& codec);

}  // namespace flowfile::detail
