#include <zlib.h>

#include "compressor.hpp"
#include "flowfile/error.hpp"

namespace flowfile::detail {

namespace {

class ZlibCompressor final : public Compressor {
  public:
    ZlibCompressor(int level, const std::string& file) : file_(file) {
        if (deflateInit(&zs_, level) != Z_OK)
            throw Error(file_ + ": cannot initialise zlib (out of memory)");
        level_ = level == Z_DEFAULT_COMPRESSION ? 6 : level;
    }
    ~ZlibCompressor() override { deflateEnd(&zs_); }

    void compress(std::span<const std::uint8_t> in, FlushMode mode,
                  std::vector<std::uint8_t>& out) override {
        const int flush = mode == FlushMode::none   ? Z_NO_FLUSH
                          : mode == FlushMode::sync ? Z_SYNC_FLUSH
                          : mode == FlushMode::full ? Z_FULL_FLUSH
                                                    : Z_FINISH;
        zs_.next_in = const_cast<Bytef*>(in.data());
        zs_.avail_in = static_cast<uInt>(in.size());
        for (;;) {
            const std::size_t old = out.size();
            // deflateBound-sized room means one call normally suffices.
            const std::size_t room = deflateBound(&zs_, zs_.avail_in) + 64;
            out.resize(old + room);
            zs_.next_out = out.data() + old;
            zs_.avail_out = static_cast<uInt>(room);
            const int rc = deflate(&zs_, flush);
            out.resize(old + room - zs_.avail_out);
            if (rc == Z_STREAM_ERROR) throw Error(file_ + ": zlib deflate failed");
            if (flush == Z_FINISH ? rc == Z_STREAM_END : (zs_.avail_in == 0 && zs_.avail_out != 0))
                break;
        }
    }

    void set_level(int level, std::vector<std::uint8_t>& out) override {
        if (level < 1 || level > 9)
            throw Error(file_ + ": compression level " + std::to_string(level) +
                        " out of range (1..9)");
        if (level == level_) return;
        zs_.avail_in = 0;
        // deflateParams ends the current block into next_out and reports
        // Z_BUF_ERROR while that needs more room.
        for (int attempt = 0;; ++attempt) {
            const std::size_t old = out.size();
            const std::size_t room = 64 * 1024;
            out.resize(old + room);
            zs_.next_out = out.data() + old;
            zs_.avail_out = static_cast<uInt>(room);
            const int rc = deflateParams(&zs_, level, Z_DEFAULT_STRATEGY);
            out.resize(old + room - zs_.avail_out);
            if (rc == Z_OK) break;
            if (rc != Z_BUF_ERROR || attempt == 64)
                throw Error(file_ + ": cannot change the compression level");
        }
        level_ = level;
    }

    int level() const override { return level_; }

  private:
    z_stream zs_{};
    int level_ = 6;
    std::string file_;
};

}  // namespace

std::unique_ptr<Compressor> make_zlib_compressor(int level, const std::string& file) {
    if (level < -1 || level > 9 || level == 0)
        throw Error(file + ": compression level " + std::to_string(level) +
                    " out of range (0 = none, 1..9)");
    return std::make_unique<ZlibCompressor>(level, file);
}

}  // namespace flowfile::detail
