#include "inflate_whole_buffer.hpp"

#include <algorithm>
#include <new>

#ifdef FLOWKEEP_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

namespace flowfile::detail {

void ByteBuffer::ensure_capacity(std::size_t n) {
    if (n <= capacity_) return;
    bytes_.reset();  // the old bytes are not needed: never hold both
    capacity_ = 0;
    bytes_.reset(new (std::nothrow) std::uint8_t[n]);
    if (bytes_) capacity_ = n;
}

void ByteBuffer::release() {
    bytes_.reset();
    capacity_ = 0;
}

#ifdef FLOWKEEP_HAVE_LIBDEFLATE

bool WholeInflater::available() {
    return true;
}

WholeInflater::WholeInflater() : decompressor_(libdeflate_alloc_decompressor()) {}

WholeInflater::~WholeInflater() {
    if (decompressor_) libdeflate_free_decompressor(decompressor_);
}

std::optional<std::size_t> WholeInflater::inflate(std::span<const std::uint8_t> in,
                                                  std::size_t first_guess, std::size_t limit,
                                                  ByteBuffer& out) {
    if (!decompressor_) return std::nullopt;
    // At least one byte of room, so that an empty stream has a buffer to
    // point at.
    std::size_t room = std::max<std::size_t>(1, std::min(first_guess, limit));
    for (;;) {
        out.ensure_capacity(room);
        if (out.capacity() < room) return std::nullopt;
        std::size_t used_in = 0;
        std::size_t produced = 0;
        const libdeflate_result rc = libdeflate_zlib_decompress_ex(
            decompressor_, in.data(), in.size(), out.data(), room, &used_in, &produced);
        if (rc == LIBDEFLATE_SUCCESS) {
            if (used_in != in.size()) return std::nullopt;  // trailing bytes
            return produced;
        }
        if (rc != LIBDEFLATE_INSUFFICIENT_SPACE || room >= limit) return std::nullopt;
        room = room > limit / 2 ? limit : room * 2;
    }
}

#else

bool WholeInflater::available() {
    return false;
}

WholeInflater::WholeInflater() = default;
WholeInflater::~WholeInflater() = default;

std::optional<std::size_t> WholeInflater::inflate(std::span<const std::uint8_t>, std::size_t,
                                                  std::size_t, ByteBuffer&) {
    return std::nullopt;
}

#endif

}  // namespace flowfile::detail
