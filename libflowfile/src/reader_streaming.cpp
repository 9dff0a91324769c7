// The streaming readers: read() in batches, inflated with zlib when the file
// is compressed.  They work on any descriptor, pipes included.  Both hand out
// only records that a checksum point vouches for (block_gate.hpp).

#include <unistd.h>
#include <zlib.h>
#include <cstring>
#include <vector>

#include "block_gate.hpp"
#include "fd_io.hpp"
#include "reader_kinds.hpp"

namespace flowfile::detail {

namespace {

std::string flows(std::uint64_t n) {
    return std::to_string(n) + (n == 1 ? " flow" : " flows");
}

std::string flows_read(std::uint64_t n) {
    return flows(n) + " read";
}

// What both readers share: the gate between the bytes of the record area and
// the Records handed out, and the wording of what was withheld.
template <typename R>
class GatedRecords {
  public:
    GatedRecords(const Header& h, const CodecOf<R>& codec)
        : header_(h),
          codec_(codec),
          gate_(h.block_checksums ? &*h.block_checksums : nullptr, h.compressed(), codec.size,
                h.size),
          records_(BasicReader<R>::batch_records) {}

    BlockGate& gate() { return gate_; }
    bool batch_ready() const { return gate_.verified().size() >= batch_bytes(); }

    // Decodes up to one batch of verified whole records.
    std::span<const R> take_batch() {
        const std::size_t whole =
            std::min(gate_.verified().size() / codec_.size, BasicReader<R>::batch_records);
        codec_.decode(gate_.verified().data(), whole, records_.data());
        gate_.take(whole * codec_.size);
        delivered_ += whole;
        return std::span<const R>(records_.data(), whole);
    }

    // After the end: verified bytes that do not make a whole record.
    std::size_t partial_bytes() const { return gate_.verified().size() % codec_.size; }
    // Records the caller will have delivered once every verified batch is taken.
    std::uint64_t final_count() const { return delivered_ + gate_.verified().size() / codec_.size; }

    // " N flows dropped as unverifiable from byte B" when anything was
    // withheld: the header's final count says how many when the file was
    // finished; otherwise what was received past the last checkpoint.
    std::string withheld_note() const {
        // Records that never arrived (a file cut short) are missing, not
        // withheld: only a failed or unvouched stretch is named.
        if (!gate_.failed() && gate_.withheld_bytes() == 0) return "";
        const std::uint64_t total = final_count();
        // A finished file's header says how many it held; damage can make
        // inflate produce more or fewer.
        std::uint64_t dropped = gate_.withheld_bytes() / codec_.size;
        if (header_.done() && header_.flow_count && *header_.flow_count >= total)
            dropped = *header_.flow_count - total;
        return "; " + flows(dropped) + " after the last good checksum point dropped as " +
               "unverifiable (from byte " + std::to_string(gate_.verified_input_offset()) + ")";
    }

  private:
    std::size_t batch_bytes() const { return BasicReader<R>::batch_records * codec_.size; }

    const Header& header_;
    const CodecOf<R>& codec_;
    BlockGate gate_;
    std::vector<R> records_;
    std::uint64_t delivered_ = 0;
};

template <typename R>
class RawReader final : public BasicReader<R> {
    using Base = BasicReader<R>;
    using Base::batch_records;
    using Base::header_;
    using Base::name_;
    using Base::status_;

  public:
    RawReader(Header h, std::string name, int fd, bool owned, const CodecOf<R>& codec)
        : Base(std::move(h), std::move(name)),
          fd_(fd, owned),
          codec_(codec),
          records_(header_, codec),
          in_(batch_records * codec.size),
          offset_(header_.size) {}

    std::span<const R> next_batch() override {
        while (!ended_ && !records_.batch_ready()) {
            const auto got = detail::read_full(fd_.get(), in_.data(), in_.size());
            offset_ += got.bytes;
            records_.gate().append(in_.data(), got.bytes, offset_);
            if (got.error != 0 || got.bytes < in_.size() || records_.gate().failed()) {
                ended_ = true;
                records_.gate().end(false, true);
                finish(got.error);
            }
        }
        const auto batch = records_.take_batch();
        status_.records += batch.size();
        return batch;
    }

  private:
    void finish(int error) {
        status_.input_offset = offset_;
        const std::uint64_t n = records_.final_count();
        const BlockGate& gate = records_.gate();
        if (error) {
            status_.problem = ReadProblem::io_error;
            status_.message = name_ + ": read error at byte " + std::to_string(offset_) + ": " +
                              std::strerror(error) + "; " + flows_read(n) +
                              records_.withheld_note();
        } else if (gate.failed()) {
            status_.problem = ReadProblem::unverified;
            status_.input_offset = gate.verified_input_offset();
            status_.message = name_ + ": damaged: checksum mismatch in block " +
                              std::to_string(gate.failed_block()) + "; " + flows_read(n) +
                              records_.withheld_note();
        } else if (gate.withheld_bytes() != 0) {
            // Records past the table: an open file's last seconds, or damage.
            status_.problem =
                header_.done() ? ReadProblem::unverified : ReadProblem::truncated_stream;
            status_.input_offset = gate.verified_input_offset();
            status_.message = name_ +
                              (header_.done() ? ": damaged: records past the last checksum point"
                                              : ": incomplete file (still being written, or left "
                                                "by a crash)") +
                              "; " + flows_read(n) + records_.withheld_note();
        } else if (records_.partial_bytes() != 0) {
            status_.problem = ReadProblem::partial_record;
            status_.input_offset = offset_ - records_.partial_bytes();
            status_.message = name_ + ": partial record before end of file (" +
                              std::to_string(records_.partial_bytes()) + " of " +
                              std::to_string(codec_.size) + " bytes at byte " +
                              std::to_string(status_.input_offset) + "); " + flows_read(n);
        }
    }

    OwnedFd fd_;
    const CodecOf<R>& codec_;
    GatedRecords<R> records_;
    std::vector<std::uint8_t> in_;
    std::uint64_t offset_;
    bool ended_ = false;
};

template <typename R>
class InflatingReader final : public BasicReader<R> {
    using Base = BasicReader<R>;
    using Base::batch_records;
    using Base::header_;
    using Base::name_;
    using Base::status_;

  public:
    InflatingReader(Header h, std::string name, int fd, bool owned, const CodecOf<R>& codec)
        : Base(std::move(h), std::move(name)),
          fd_(fd, owned),
          codec_(codec),
          records_(header_, codec),
          in_(input_chunk),
          out_(batch_records * codec.size) {
        std::memset(&zs_, 0, sizeof zs_);
        // Not thrown: the descriptor already belongs to this object.
        if (inflateInit(&zs_) != Z_OK) {
            ended_ = true;
            status_.problem = ReadProblem::io_error;
            status_.message = name_ + ": cannot initialise zlib (out of memory)";
        } else {
            zlib_ready_ = true;
        }
    }
    ~InflatingReader() override {
        if (zlib_ready_) inflateEnd(&zs_);
    }

    std::span<const R> next_batch() override {
        while (!ended_ && !records_.batch_ready()) inflate_some();
        const auto batch = records_.take_batch();
        status_.records += batch.size();
        return batch;
    }

  private:
    static constexpr std::size_t input_chunk = 256 * 1024;

    enum class Stop { none, stream_end, input_end, corrupt, io_error };

    void inflate_some() {
        Stop stop = Stop::none;
        if (zs_.avail_in == 0) {
            const auto got = detail::read_full(fd_.get(), in_.data(), in_.size());
            in_offset_ += got.bytes;
            zs_.next_in = in_.data();
            zs_.avail_in = static_cast<uInt>(got.bytes);
            if (got.error) io_error_ = got.error;
            if (got.bytes == 0) stop = got.error ? Stop::io_error : Stop::input_end;
        }
        if (stop == Stop::none) {
            // Never past the next checksum point, so that the input offset of
            // each point is known exactly.
            const std::size_t room = std::min(out_.size(), records_.gate().room_to_boundary());
            zs_.next_out = out_.data();
            zs_.avail_out = static_cast<uInt>(room);
            const int rc = room == 0 ? Z_OK : inflate(&zs_, Z_SYNC_FLUSH);
            records_.gate().append(out_.data(), room - zs_.avail_out, consumed_offset());
            if (rc == Z_STREAM_END)
                stop = Stop::stream_end;
            else if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_MEM_ERROR ||
                     rc == Z_STREAM_ERROR)
                stop = Stop::corrupt;
            else if (io_error_ && zs_.avail_in == 0)
                stop = Stop::io_error;
            else if (records_.gate().failed())
                stop = Stop::corrupt;  // a block's CRC, or too long to hold
        }
        if (stop == Stop::none) return;
        ended_ = true;
        if (stop == Stop::corrupt || stop == Stop::io_error)
            records_.gate().reject();
        else
            records_.gate().end(stop == Stop::stream_end, stop == Stop::input_end);
        finish(stop);
    }

    std::uint64_t consumed_offset() const { return header_.size + in_offset_ - zs_.avail_in; }

    void finish(Stop stop) {
        status_.input_offset = consumed_offset();
        const std::string where = " at byte " + std::to_string(status_.input_offset);
        const std::uint64_t n = records_.final_count();
        const BlockGate& gate = records_.gate();
        const std::string withheld = records_.withheld_note();
        if (gate.failed() && gate.failed_block() != 0) {
            status_.problem = ReadProblem::unverified;
            status_.message = name_ + ": damaged: checksum mismatch in block " +
                              std::to_string(gate.failed_block()) + where + "; " + flows_read(n) +
                              withheld;
        } else if (gate.too_long()) {
            status_.problem = ReadProblem::unverified;
            status_.message = name_ + ": compressed stream without checksum points longer than " +
                              std::to_string(BlockGate::max_unverified_bytes >> 20) +
                              " MiB cannot be verified before its end; " + flows_read(n) + withheld;
        } else if (stop == Stop::corrupt) {
            status_.problem = ReadProblem::corrupt_data;
            status_.message = name_ + ": corrupt compressed data" + where +
                              " (zlib: " + (zs_.msg ? zs_.msg : "error") + "); " + flows_read(n) +
                              withheld;
        } else if (stop == Stop::io_error) {
            status_.problem = ReadProblem::io_error;
            status_.message = name_ + ": read error" + where + ": " + std::strerror(io_error_) +
                              "; " + flows_read(n) + withheld;
        } else if (stop == Stop::input_end) {
            status_.problem = ReadProblem::truncated_stream;
            status_.message =
                name_ +
                (header_.done()
                     ? ": truncated: compressed data ends without end of stream"
                     : ": incomplete file (still being written, or left by a crash): compressed "
                       "data ends without end of stream") +
                where + "; " + flows_read(n) + withheld;
        } else if (records_.partial_bytes() != 0) {
            status_.problem = ReadProblem::partial_record;
            status_.message = name_ + ": partial record at end of compressed data (" +
                              std::to_string(records_.partial_bytes()) + " of " +
                              std::to_string(codec_.size) + " bytes); " + flows_read(n);
        } else if (zs_.avail_in != 0 || more_input_follows()) {
            status_.problem = ReadProblem::trailing_data;
            status_.message = name_ + ": unexpected data after end of compressed stream" + where +
                              "; " + flows_read(n);
        }
    }

    bool more_input_follows() {
        std::uint8_t probe;
        return detail::read_full(fd_.get(), &probe, 1).bytes == 1;
    }

    OwnedFd fd_;
    const CodecOf<R>& codec_;
    GatedRecords<R> records_;
    std::vector<std::uint8_t> in_;
    std::vector<std::uint8_t> out_;
    z_stream zs_;
    std::uint64_t in_offset_ = 0;
    int io_error_ = 0;
    bool zlib_ready_ = false;
    bool ended_ = false;
};

}  // namespace

template <typename R>
std::unique_ptr<BasicReader<R>> make_raw_reader(Header h, std::string name, int fd, bool owned,
                                                const CodecOf<R>& codec) {
    return std::make_unique<RawReader<R>>(std::move(h), std::move(name), fd, owned, codec);
}

template <typename R>
std::unique_ptr<BasicReader<R>> make_inflating_reader(Header h, std::string name, int fd,
                                                      bool owned, const CodecOf<R>& codec) {
    return std::make_unique<InflatingReader<R>>(std::move(h), std::move(name), fd, owned, codec);
}

template std::unique_ptr<Reader> make_raw_reader(Header, std::string, int, bool,
                                                 const RecordCodec&);
template std::unique_ptr<Reader6> make_raw_reader(Header, std::string, int, bool,
                                                  const Record6Codec&);
template std::unique_ptr<Reader> make_inflating_reader(Header, std::string, int, bool,
                                                       const RecordCodec&);
template std::unique_ptr<Reader6> make_inflating_reader(Header, std::string, int, bool,
                                                        const Record6Codec&);

}  // namespace flowfile::detail
