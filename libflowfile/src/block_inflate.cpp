#include "flowfile/block_inflate.hpp"

#include <zlib.h>
#include <array>
#include <climits>
#include <cstring>

#ifdef FLOWKEEP_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

namespace flowfile {

namespace {

// BFINAL = 1, BTYPE = 01 (fixed codes), then the end-of-block code: an
// empty final block in 10 bits.
constexpr std::array<std::uint8_t, block_tail_room> empty_final_block{0x03, 0x00};

}  // namespace

struct BlockInflater::State {
    ~State() {
        if (zlib_ready) inflateEnd(&zs);
#ifdef FLOWKEEP_HAVE_LIBDEFLATE
        if (decompressor) libdeflate_free_decompressor(decompressor);
#endif
    }
    bool use_zlib = true;
    z_stream zs{};
    bool zlib_ready = false;  // inflateInit2 done (on first use)
#ifdef FLOWKEEP_HAVE_LIBDEFLATE
    libdeflate_decompressor* decompressor = nullptr;
#endif
};

BlockInflater::BlockInflater(Engine engine) : state_(std::make_unique<State>()) {
#ifdef FLOWKEEP_HAVE_LIBDEFLATE
    if (engine == Engine::fastest) {
        state_->decompressor = libdeflate_alloc_decompressor();
        state_->use_zlib = state_->decompressor == nullptr;
    }
#else
    (void)engine;
#endif
}

BlockInflater::~BlockInflater() = default;

bool BlockInflater::inflate(std::span<std::uint8_t> buffer, std::size_t size,
                            std::span<std::uint8_t> out) {
    const Inflated r = inflate_some(buffer, size, out);
    return r.status == Inflated::Status::done && r.out == out.size();
}

BlockInflater::Inflated BlockInflater::inflate_some(std::span<std::uint8_t> buffer,
                                                    std::size_t size, std::span<std::uint8_t> out) {
    if (buffer.size() < size + block_tail_room) return {};
    std::array<std::uint8_t, block_tail_room> saved;
    std::memcpy(saved.data(), buffer.data() + size, saved.size());
    std::memcpy(buffer.data() + size, empty_final_block.data(), empty_final_block.size());
    const auto in = buffer.first(size + block_tail_room);
    const Inflated r = state_->use_zlib ? inflate_zlib(in, out) : inflate_libdeflate(in, out);
    std::memcpy(buffer.data() + size, saved.data(), saved.size());
    return r;
}

BlockInflater::Inflated BlockInflater::inflate_libdeflate(std::span<const std::uint8_t> in,
                                                          std::span<std::uint8_t> out) {
#ifdef FLOWKEEP_HAVE_LIBDEFLATE
    // Input after the end of the stream (the last block's Adler-32) is not
    // read.
    std::uint8_t none = 0;
    std::size_t used_in = 0;
    std::size_t produced = 0;
    const libdeflate_result rc = libdeflate_deflate_decompress_ex(
        state_->decompressor, in.data(), in.size(), out.empty() ? &none : out.data(), out.size(),
        &used_in, &produced);
    if (rc == LIBDEFLATE_INSUFFICIENT_SPACE) return {.status = Inflated::Status::no_room};
    if (rc != LIBDEFLATE_SUCCESS) return {};
    return {.status = Inflated::Status::done, .in = used_in, .out = produced};
#else
    (void)in;
    (void)out;
    return {};
#endif
}

BlockInflater::Inflated BlockInflater::inflate_zlib(std::span<const std::uint8_t> in,
                                                    std::span<std::uint8_t> out) {
    if (in.size() > UINT_MAX || out.size() > UINT_MAX) return {};
    z_stream& zs = state_->zs;
    if (!state_->zlib_ready) {
        if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) return {};
        state_->zlib_ready = true;
    } else if (inflateReset(&zs) != Z_OK) {
        return {};
    }
    zs.next_in = const_cast<Bytef*>(in.data());
    zs.avail_in = static_cast<uInt>(in.size());
    std::uint8_t spare = 0;
    zs.next_out = out.empty() ? &spare : out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    int rc = ::inflate(&zs, Z_FINISH);
    if (rc == Z_STREAM_END)
        return {.status = Inflated::Status::done, .in = zs.total_in, .out = zs.total_out};
    if (zs.avail_out != 0) return {};  // bad data, or the input ended short
    // The room is full: the stream ends here, or has more than the room.
    zs.next_out = &spare;
    zs.avail_out = 1;
    rc = ::inflate(&zs, Z_FINISH);
    if (rc == Z_STREAM_END && zs.avail_out == 1)
        return {.status = Inflated::Status::done, .in = zs.total_in, .out = out.size()};
    if (zs.avail_out == 0) return {.status = Inflated::Status::no_room};
    return {};
}

}  // namespace flowfile
