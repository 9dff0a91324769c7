#pragma once

// Inflating one block of a compressed flow file alone: the raw deflate data
// from a block point (WriterOptions::block_records) to the next one, or to
// the end of the file.  A block that ends with a full flush ends byte-aligned
// with no final block; an empty final block (two bytes) appended makes it a
// complete deflate stream.  The file's last block ends the stream itself,
// and what follows it (the Adler-32, those two bytes) is not read.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace flowfile {

// Bytes a block's buffer must have after the block for the final block.
inline constexpr std::size_t block_tail_room = 2;

class BlockInflater {
  public:
    // zlib: zlib's inflate even where the build has libdeflate (about half
    // its speed), as a build without libdeflate always does; tests run both.
    enum class Engine { fastest, zlib };
    explicit BlockInflater(Engine engine = Engine::fastest);
    ~BlockInflater();
    BlockInflater(const BlockInflater&) = delete;
    BlockInflater& operator=(const BlockInflater&) = delete;

    // Inflates the block held in the first `size` bytes of `buffer` into
    // `out`.  `buffer` holds at least size + block_tail_room bytes: those
    // after the block are overwritten during the call and restored (so a
    // block can be inflated where it lies among its neighbours).  True iff
    // the block inflates to exactly out.size() bytes; false on bad data, on
    // fewer bytes or on more, or when out of memory.
    bool inflate(std::span<std::uint8_t> buffer, std::size_t size, std::span<std::uint8_t> out);

    // As inflate(), for a block whose size inflated is not known (a block
    // point being looked for, flow-index(8)).  `in`: the bytes of the buffer
    // the stream used, size + block_tail_room when it ended with the final
    // block appended, fewer when one of its own blocks was final.
    struct Inflated {
        enum class Status { done, bad_data, no_room };
        Status status = Status::bad_data;
        std::size_t in = 0;
        std::size_t out = 0;
    };
    Inflated inflate_some(std::span<std::uint8_t> buffer, std::size_t size,
                          std::span<std::uint8_t> out);

  private:
    Inflated inflate_zlib(std::span<const std::uint8_t> in, std::span<std::uint8_t> out);
    Inflated inflate_libdeflate(std::span<const std::uint8_t> in, std::span<std::uint8_t> out);

    // libdeflate's decompressor and a zlib stream kept between blocks;
    // opaque so that this class is the same whether the build has libdeflate
    // or not.
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace flowfile
