#pragma once

// The record bytes of a compressed flow file exactly as they were written:
// its zlib stream inflated chunk by chunk, before any record is decoded, so
// that two files can be compared byte for byte whatever the record codec
// keeps of them.

#include <zlib.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace flowindex {

class InflatedStream {
  public:
    // Inflates the zlib stream that begins at `offset` of `fd` (not closed
    // here); `name` names the file in errors.
    InflatedStream(int fd, std::uint64_t offset, std::string name);
    ~InflatedStream();
    InflatedStream(const InflatedStream&) = delete;
    InflatedStream& operator=(const InflatedStream&) = delete;

    // The next inflated bytes; empty at the end of the stream.  Throws
    // flowfile::Error for damaged or truncated data and for bytes after the
    // end of the stream.
    std::span<const std::uint8_t> next();

  private:
    void fill_input();

    int fd_;
    std::uint64_t offset_;
    std::string name_;
    z_stream z_{};
    std::vector<std::uint8_t> in_;
    std::vector<std::uint8_t> out_;
    bool input_ended_ = false;
    bool ended_ = false;
};

// The first place where the inflated bytes of two streams differ, as one
// line ("record bytes differ at byte 123456"), or nullopt when they are
// the same bytes.
std::optional<std::string> first_difference(InflatedStream& a, InflatedStream& b);

}  // namespace flowindex
