#pragma once

// One-call inflate of a complete zlib stream held in memory (libdeflate).
// About 2.3 times zlib's streaming inflate on flow records, but all or
// nothing: it says only whether the whole stream was good, never how far the
// good part went.  So it is used only where a failure can be handed to the
// streaming path, which finds and words the problem.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

// libdeflate's opaque state; declared here so the header does not need
// libdeflate.h (which may not be installed).
struct libdeflate_decompressor;

namespace flowfile::detail {

// Bytes that are not zeroed when allocated: every byte is overwritten by
// inflate or pread before anything reads it, and zeroing megabytes per file
// would cost a visible share of the inflate time.
class ByteBuffer {
  public:
    std::uint8_t* data() { return bytes_.get(); }
    const std::uint8_t* data() const { return bytes_.get(); }
    std::size_t capacity() const { return capacity_; }
    // Contents are not kept: callers refill the whole buffer.
    void ensure_capacity(std::size_t n);
    void release();

  private:
    std::unique_ptr<std::uint8_t[]> bytes_;
    std::size_t capacity_ = 0;
};

class WholeInflater {
  public:
    // Whether this build has libdeflate; without it inflate() always fails.
    static bool available();

    WholeInflater();
    ~WholeInflater();
    WholeInflater(const WholeInflater&) = delete;
    WholeInflater& operator=(const WholeInflater&) = delete;

    // Inflates `in`, which must be exactly one complete zlib stream (header,
    // deflate data, correct Adler-32, no byte after it), into `out`.  Starts
    // with `first_guess` bytes of room and doubles it while that is too
    // little, up to `limit`.  Returns the inflated size, or nothing on any
    // failure: bad or truncated data, trailing bytes, more than `limit`, or no
    // memory.
    std::optional<std::size_t> inflate(std::span<const std::uint8_t> in, std::size_t first_guess,
                                       std::size_t limit, ByteBuffer& out);

  private:
    ::libdeflate_decompressor* decompressor_ = nullptr;
};

}  // namespace flowfile::detail
