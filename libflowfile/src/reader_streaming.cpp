// The streaming readers: read() in batches, inflated with zlib when the file
// is compressed.  They work on any descriptor, pipes included.

#include <unistd.h>
#include <zlib.h>
#include <cstring>
#include <vector>

#include "fd_io.hpp"
#include "reader_kinds.hpp"

namespace flowfile::detail {

namespace {

std::string flows_read(std::uint64_t n) {
    return std::to_string(n) + (n == 1 ? " flow" : " flows") + " read";
}

// Shared by both record-area readers: turns a byte buffer that may end in a
// partial record into Records, keeping the partial tail for the next call.
class RecordAssembler {
  public:
    RecordAssembler(const RecordCodec& codec, std::size_t batch)
        : codec_(codec), bytes_(batch * codec.size), records_(batch) {}

    std::uint8_t* free_space() { return bytes_.data() + filled_; }
    std::size_t free_bytes() const { return bytes_.size() - filled_; }
    void commit(std::size_t n) { filled_ += n; }
    std::size_t pending_bytes() const { return filled_; }

    std::span<const Record> take_whole_records() {
        const std::size_t whole = filled_ / codec_.size;
        codec_.decode(bytes_.data(), whole, records_.data());
        const std::size_t used = whole * codec_.size;
        std::memmove(bytes_.data(), bytes_.data() + used, filled_ - used);
        filled_ -= used;
        return std::span<const Record>(records_.data(), whole);
    }

  private:
    const RecordCodec& codec_;
    std::vector<std::uint8_t> bytes_;
    std::vector<Record> records_;
    std::size_t filled_ = 0;
};

class RawReader final : public Reader {
  public:
    RawReader(Header h, std::string name, int fd, bool owned, const RecordCodec& codec)
        : Reader(std::move(h), std::move(name)),
          fd_(fd, owned),
          codec_(codec),
          records_(codec, batch_records),
          offset_(header_.size) {}

    std::span<const Record> next_batch() override {
        if (ended_) return {};
        const auto got = detail::read_full(fd_.get(), records_.free_space(), records_.free_bytes());
        records_.commit(got.bytes);
        offset_ += got.bytes;
        const bool at_end = got.error != 0 || records_.free_bytes() != 0;
        auto batch = records_.take_whole_records();
        status_.records += batch.size();
        if (at_end) finish(got.error);
        return batch;
    }

  private:
    void finish(int error) {
        ended_ = true;
        status_.input_offset = offset_;
        if (error) {
            status_.problem = ReadProblem::io_error;
            status_.message = name_ + ": read error at byte " + std::to_string(offset_) + ": " +
                              std::strerror(error) + "; " + flows_read(status_.records);
        } else if (records_.pending_bytes() != 0) {
            status_.problem = ReadProblem::partial_record;
            status_.input_offset = offset_ - records_.pending_bytes();
            status_.message = name_ + ": partial record before end of file (" +
                              std::to_string(records_.pending_bytes()) + " of " +
                              std::to_string(codec_.size) + " bytes at byte " +
                              std::to_string(status_.input_offset) + "); " +
                              flows_read(status_.records);
        }
    }

    OwnedFd fd_;
    const RecordCodec& codec_;
    RecordAssembler records_;
    std::uint64_t offset_;
    bool ended_ = false;
};

class InflatingReader final : public Reader {
  public:
    InflatingReader(Header h, std::string name, int fd, bool owned, const RecordCodec& codec)
        : Reader(std::move(h), std::move(name)),
          fd_(fd, owned),
          codec_(codec),
          records_(codec, batch_records),
          in_(input_chunk) {
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

    std::span<const Record> next_batch() override {
        if (ended_) return {};
        enum class Stop { full, stream_end, input_end, corrupt, io_error } stop = Stop::full;
        int io_error = 0;
        while (records_.free_bytes() != 0) {
            if (zs_.avail_in == 0) {
                const auto got = detail::read_full(fd_.get(), in_.data(), in_.size());
                in_offset_ += got.bytes;
                zs_.next_in = in_.data();
                zs_.avail_in = static_cast<uInt>(got.bytes);
                if (got.error) {
                    io_error = got.error;
                    if (got.bytes == 0) {
                        stop = Stop::io_error;
                        break;
                    }
                } else if (got.bytes == 0) {
                    stop = Stop::input_end;
                    break;
                }
            }
            zs_.next_out = records_.free_space();
            zs_.avail_out = static_cast<uInt>(records_.free_bytes());
            const int rc = inflate(&zs_, Z_SYNC_FLUSH);
            records_.commit(records_.free_bytes() - zs_.avail_out);
            if (rc == Z_STREAM_END) {
                stop = Stop::stream_end;
                break;
            }
            if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_MEM_ERROR ||
                rc == Z_STREAM_ERROR) {
                stop = Stop::corrupt;
                break;
            }
            if (io_error && zs_.avail_in == 0) {
                stop = Stop::io_error;
                break;
            }
        }
        auto batch = records_.take_whole_records();
        status_.records += batch.size();
        if (stop != Stop::full) finish(stop == Stop::stream_end, stop == Stop::corrupt, io_error);
        return batch;
    }

  private:
    static constexpr std::size_t input_chunk = 256 * 1024;

    std::uint64_t consumed_offset() const { return header_.size + in_offset_ - zs_.avail_in; }

    void finish(bool stream_end, bool corrupt, int io_error) {
        ended_ = true;
        status_.input_offset = consumed_offset();
        const std::string where = " at byte " + std::to_string(status_.input_offset);
        if (corrupt) {
            status_.problem = ReadProblem::corrupt_data;
            status_.message = name_ + ": corrupt compressed data" + where +
                              " (zlib: " + (zs_.msg ? zs_.msg : "error") + "); " +
                              flows_read(status_.records);
        } else if (io_error) {
            status_.problem = ReadProblem::io_error;
            status_.message = name_ + ": read error" + where + ": " + std::strerror(io_error) +
                              "; " + flows_read(status_.records);
        } else if (!stream_end) {
            status_.problem = ReadProblem::truncated_stream;
            status_.message =
                name_ +
                (header_.done()
                     ? ": truncated: compressed data ends without end of stream"
                     : ": incomplete file (still being written, or left by a crash): compressed "
                       "data ends without end of stream") +
                where + "; " + flows_read(status_.records);
        } else if (records_.pending_bytes() != 0) {
            status_.problem = ReadProblem::partial_record;
            status_.message = name_ + ": partial record at end of compressed data (" +
                              std::to_string(records_.pending_bytes()) + " of " +
                              std::to_string(codec_.size) + " bytes); " +
                              flows_read(status_.records);
        } else if (zs_.avail_in != 0 || more_input_follows()) {
            status_.problem = ReadProblem::trailing_data;
            status_.message = name_ + ": unexpected data after end of compressed stream" + where +
                              "; " + flows_read(status_.records);
        }
    }

    bool more_input_follows() {
        std::uint8_t probe;
        return detail::read_full(fd_.get(), &probe, 1).bytes == 1;
    }

    OwnedFd fd_;
    const RecordCodec& codec_;
    RecordAssembler records_;
    std::vector<std::uint8_t> in_;
    z_stream zs_;
    std::uint64_t in_offset_ = 0;
    bool zlib_ready_ = false;
    bool ended_ = false;
};

}  // namespace

std::unique_ptr<Reader> make_raw_reader(Header h, std::string name, int fd, bool owned,
                                        const RecordCodec& codec) {
    return std::make_unique<RawReader>(std::move(h), std::move(name), fd, owned, codec);
}

std::unique_ptr<Reader> make_inflating_reader(Header h, std::string name, int fd, bool owned,
                                              const RecordCodec& codec) {
    return std::make_unique<InflatingReader>(std::move(h), std::move(name), fd, owned, codec);
}

}  // namespace flowfile::detail
