#include "compressor.hpp"
#include "flowfile/error.hpp"

#ifdef FLOWKEEP_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

namespace flowfile::detail {

#ifdef FLOWKEEP_HAVE_ISAL

namespace {

std::uint32_t level_buffer_size(int level) {
    switch (level) {
        case 1:
            return ISAL_DEF_LVL1_DEFAULT;
        case 2:
            return ISAL_DEF_LVL2_DEFAULT;
        default:
            return ISAL_DEF_LVL3_DEFAULT;
    }
}

class IgzipCompressor final : public Compressor {
  public:
    IgzipCompressor(int level, const std::string& file)
        : level_(level), level_buffer_(level_buffer_size(level)), file_(file) {
        isal_deflate_init(&zs_);
        zs_.level = static_cast<std::uint32_t>(level);
        zs_.level_buf = level_buffer_.data();
        zs_.level_buf_size = static_cast<std::uint32_t>(level_buffer_.size());
        zs_.gzip_flag = IGZIP_ZLIB;  // the zlib wrapper flow-tools files have
    }

    void compress(std::span<const std::uint8_t> in, FlushMode mode,
                  std::vector<std::uint8_t>& out) override {
        zs_.next_in = const_cast<std::uint8_t*>(in.data());
        zs_.avail_in = static_cast<std::uint32_t>(in.size());
        zs_.flush = mode == FlushMode::none   ? NO_FLUSH
                    : mode == FlushMode::full ? FULL_FLUSH
                                              : SYNC_FLUSH;
        zs_.end_of_stream = mode == FlushMode::finish ? 1 : 0;
        for (;;) {
            const std::size_t old = out.size();
            const std::size_t room = in.size() + in.size() / 8 + 64 * 1024;
            out.resize(old + room);
            zs_.next_out = out.data() + old;
            zs_.avail_out = static_cast<std::uint32_t>(room);
            const int rc = isal_deflate(&zs_);
            out.resize(old + room - zs_.avail_out);
            if (rc != COMP_OK)
                throw Error(file_ + ": igzip deflate failed (" + std::to_string(rc) + ")");
            const bool consumed = zs_.avail_in == 0;
            if (mode == FlushMode::finish
                    ? zs_.internal_state.state == ZSTATE_END
                    : consumed && (mode == FlushMode::none || zs_.avail_out != 0))
                break;
        }
    }

    void set_level(int level, std::vector<std::uint8_t>&) override {
        // igzip is already the cheap engine; its levels differ little in CPU.
        if (level < 1 || level > 3)
            throw Error(file_ + ": igzip level " + std::to_string(level) + " out of range (1..3)");
    }

    int level() const override { return level_; }

  private:
    isal_zstream zs_{};
    int level_;
    std::vector<std::uint8_t> level_buffer_;
    std::string file_;
};

}  // namespace

std::unique_ptr<Compressor> make_igzip_compressor(int level, const std::string& file) {
    if (level == -1) level = 3;
    if (level < 1 || level > 3)
        throw Error(file + ": igzip level " + std::to_string(level) + " out of range (1..3)");
    return std::make_unique<IgzipCompressor>(level, file);
}

#else

std::unique_ptr<Compressor> make_igzip_compressor(int, const std::string& file) {
    throw Error(file + ": this build has no ISA-L (install libisal-dev and rebuild for igzip)");
}

#endif

std::unique_ptr<Compressor> make_zlib_compressor(int level, const std::string& file);

std::unique_ptr<Compressor> make_compressor(CompressionEngine engine, int level,
                                            const std::string& file) {
    return engine == CompressionEngine::igzip ? make_igzip_compressor(level, file)
                                              : make_zlib_compressor(level, file);
}

}  // namespace flowfile::detail
