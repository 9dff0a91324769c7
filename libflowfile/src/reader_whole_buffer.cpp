// Compressed regular files inflated whole: one pread() of the compressed
// record area, one libdeflate call, then batches decoded straight from the
// inflated bytes.  libdeflate only says "the whole stream is good" or "it is
// not", so on any failure the streaming zlib reader reads the file again from
// the record area and reports what it finds, exactly as it would have alone.

#include <sys/stat.h>
#include <algorithm>
#include <vector>

#include "fd_io.hpp"
#include "inflate_whole_buffer.hpp"
#include "reader_kinds.hpp"

namespace flowfile::detail {

namespace {

// Deflate cannot expand data more than 1032:1, so this bounds a stream's
// output whatever its header claims.
constexpr std::size_t max_deflate_ratio = 1032;
// Larger record areas are left to the streaming reader, whose memory does
// not grow with the file.
constexpr std::size_t max_inflated_bytes = std::size_t{1} << 30;
// First guess of the inflated size when the header has no final flow count.
// Flow records compress about 2.6:1 at level 6 and 2.3:1 at level 1, so
// most such files inflate in one pass.
constexpr std::size_t guessed_ratio = 4;

template <typename R>
class WholeBufferReader final : public BasicReader<R> {
    using Base = BasicReader<R>;
    using Base::batch_records;
    using Base::header_;
    using Base::name_;
    using Base::status_;

  public:
    WholeBufferReader(Header h, std::string name, int fd, bool owned, const CodecOf<R>& codec)
        : Base(std::move(h), std::move(name)), fd_(fd, owned), codec_(codec) {}

    std::span<const R> next_batch() override {
        if (state_ == State::unread) start();
        if (state_ == State::streaming) {
            const auto batch = streaming_->next_batch();
            status_ = streaming_->status();
            return batch;
        }
        if (state_ == State::ended) return {};
        const std::size_t n = std::min(batch_records, total_records_ - next_record_);
        codec_.decode(inflated_.data() + next_record_ * codec_.size, n, records_.data());
        next_record_ += n;
        status_.records += n;
        if (next_record_ == total_records_) {
            // As the streaming reader leaves it after a clean end of stream.
            state_ = State::ended;
            status_.input_offset = end_offset_;
        }
        return std::span<const R>(records_.data(), n);
    }

  private:
    enum class State { unread, inflated, streaming, ended };

    // Inflating waits for the first batch, so that opening a file only to
    // look at its header stays cheap.
    void start() {
        if (inflate_whole()) {
            state_ = State::inflated;
            records_.resize(std::min<std::size_t>(batch_records, total_records_));
            return;
        }
        inflated_.release();
        state_ = State::streaming;
        // The descriptor still stands at the record area: only pread() read it.
        const bool owned = fd_.owned();
        streaming_ = make_inflating_reader(header_, name_, fd_.release(), owned, codec_);
    }

    bool inflate_whole() {
        struct stat st {};
        if (::fstat(fd_.get(), &st) != 0 || st.st_size <= static_cast<off_t>(header_.size))
            return false;
        const auto compressed = static_cast<std::size_t>(st.st_size - header_.size);
        if (compressed > max_inflated_bytes) return false;
        ByteBuffer in;
        in.ensure_capacity(compressed);
        if (in.capacity() < compressed) return false;
        const IoResult got = pread_full(fd_.get(), in.data(), compressed, header_.size);
        if (got.error != 0 || got.bytes != compressed) return false;

        const std::size_t limit = std::min(max_inflated_bytes, compressed * max_deflate_ratio);
        WholeInflater inflater;
        const auto size = inflater.inflate(std::span<const std::uint8_t>(in.data(), compressed),
                                           first_guess(compressed), limit, inflated_);
        if (!size || *size % codec_.size != 0) return false;  // partial record: let zlib say so
        // The Adler-32 matched; a table that disagrees is damage too, and the
        // streaming reader is the one that words it.
        if (header_.block_checksums &&
            !header_.block_checksums->matches(
                std::span<const std::uint8_t>(inflated_.data(), *size), codec_.size))
            return false;
        total_records_ = *size / codec_.size;
        end_offset_ = header_.size + compressed;
        return true;
    }

    // A finished file's flow count gives the exact size; it is only a hint,
    // since a header can lie, and a wrong one costs another pass at most.
    std::size_t first_guess(std::size_t compressed) const {
        if (header_.done() && header_.flow_count) {
            const std::uint64_t exact = std::uint64_t{*header_.flow_count} * codec_.size;
            if (exact <= max_inflated_bytes) return static_cast<std::size_t>(exact);
        }
        return compressed * guessed_ratio;
    }

    OwnedFd fd_;
    const CodecOf<R>& codec_;
    State state_ = State::unread;
    ByteBuffer inflated_;
    std::size_t total_records_ = 0;
    std::size_t next_record_ = 0;
    std::uint64_t end_offset_ = 0;
    std::vector<R> records_;
    std::unique_ptr<Base> streaming_;
};

}  // namespace

template <typename R>
std::unique_ptr<BasicReader<R>> make_whole_buffer_reader(Header h, std::string name, int fd,
                                                         bool owned, const CodecOf<R>& codec) {
    return std::make_unique<WholeBufferReader<R>>(std::move(h), std::move(name), fd, owned, codec);
}

template std::unique_ptr<Reader> make_whole_buffer_reader(Header, std::string, int, bool,
                                                          const RecordCodec&);
template std::unique_ptr<Reader6> make_whole_buffer_reader(Header, std::string, int, bool,
                                                           const Record6Codec&);

}  // namespace flowfile::detail
