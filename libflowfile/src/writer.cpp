#include "flowfile/writer.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <type_traits>

#include "compressor.hpp"
#include "fd_io.hpp"
#include "flowfile/error.hpp"
#include "record_codec.hpp"

namespace flowfile {

namespace {

// flow-tools writes raw records in 32 KiB chunks; the bytes on disk do not
// depend on the chunk size, so this only sets how often write() is called.
constexpr std::size_t raw_write_chunk = 32768;
// Encoded records are compressed in slabs of this size rather than one record
// at a time; the zlib output is the same, the call overhead is not.
constexpr std::size_t deflate_slab = 256 * 1024;
constexpr std::size_t compressed_write_chunk = 64 * 1024;
// CMF and FLG: what both engines write before the deflate data.
constexpr std::uint32_t zlib_header_size = 2;

}  // namespace

bool igzip_available() {
#ifdef FLOWKEEP_HAVE_ISAL
    return true;
#else
    return false;
#endif
}

class Writer::Sink {
  public:
    Sink(int fd, bool owned, std::string name) : fd_(fd), owned_(owned), name_(std::move(name)) {
        struct stat st;
        seekable_ = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    }
    ~Sink() { close_quietly(); }

    int fd() const { return fd_; }
    bool seekable() const { return seekable_; }
    const std::string& name() const { return name_; }

    void close_checked() {
        if (owned_ && fd_ >= 0) {
            const int rc = ::close(fd_);
            fd_ = -1;
            if (rc != 0) throw Error(name_ + ": close failed: " + std::strerror(errno));
        }
    }
    void close_quietly() {
        if (owned_ && fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

  private:
    int fd_;
    bool owned_;
    bool seekable_ = false;
    std::string name_;
};

std::unique_ptr<Writer> Writer::create(const std::filesystem::path& path, Header header,
                                       WriterOptions options) {
    // Truncation waits for the lock: a file another writer still holds must
    // not be emptied under it.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw Error(path.string() + ": cannot create: " + std::strerror(errno));
    if (options.exclusive_lock && ::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        ::close(fd);
        throw Error(
            path.string() + ": cannot create: " +
            (err == EWOULDBLOCK ? std::string("in use by another process") : std::strerror(err)));
    }
    if (::ftruncate(fd, 0) != 0 && errno != EINVAL) {
        const int err = errno;
        ::close(fd);
        throw Error(path.string() + ": cannot truncate: " + std::strerror(err));
    }
    auto sink = std::make_unique<Sink>(fd, true, path.string());
    return std::unique_ptr<Writer>(new Writer(std::move(sink), std::move(header), options));
}

std::unique_ptr<Writer> Writer::to_fd(int fd, std::string name, Header header,
                                      WriterOptions options) {
    auto sink = std::make_unique<Sink>(fd, false, std::move(name));
    return std::unique_ptr<Writer>(new Writer(std::move(sink), std::move(header), options));
}

Writer::Writer(std::unique_ptr<Sink> sink, Header header, WriterOptions options)
    : sink_(std::move(sink)), header_(std::move(header)), options_(options) {
    const std::string& name = sink_->name();
    if (!header_.export_version)
        throw Error(name + ": cannot write a flow file without an export version");
    const bool ipv6 = *header_.export_version == ipv6_export_version;
    if (!ipv6 && !detail::codec_for(*header_.export_version, header_.byte_order))
        throw Error(name + ": cannot write export version " +
                    std::to_string(*header_.export_version) +
                    " (supported: 1, 5, 6, 7, 1005 and the IPv6 series)");
    if (options_.compression_level < -1 || options_.compression_level > 9)
        throw Error(name + ": compression level " + std::to_string(options_.compression_level) +
                    " out of range (0 = none, 1..9)");
    record_size_ =
        ipv6 ? record6_size : detail::codec_for(*header_.export_version, header_.byte_order)->size;

    const bool compress = options_.compression_level != 0;
    header_.block_checksums.reset();
    if (options_.checksum_blocks > 0)
        header_.block_checksums = BlockChecksums::with_room_for(options_.checksum_blocks);
    header_.flags &= ~(header_flag::compress | header_flag::done);
    if (compress) header_.flags |= header_flag::compress;

    if (compress) {
        compressor_ = detail::make_compressor(options_.engine, options_.compression_level, name);
        level_ = compressor_->level();
    }

    const std::vector<std::uint8_t> head = encode_header(header_);
    header_.size = static_cast<std::uint32_t>(head.size());
    out_ = head;
    write_pending();
    last_flush_ = std::chrono::steady_clock::now();
}

Writer::~Writer() {
    if (!finished_) {
        // Abandoned without finish(): behave like a crash that happened right
        // now, but do not lose what was already handed to us.
        try {
            flush();
        } catch (...) {
        }
    }
}

template <typename R>
void Writer::append(std::span<const R> records) {
    if (finished_ || stream_ended_) throw Error(sink_->name() + ": write after finish");
    if (!records.empty()) {
        const auto* codec = detail::codec_of<R>(*header_.export_version, header_.byte_order);
        if (!codec)
            throw Error(sink_->name() + ": " + (std::is_same_v<R, Record6> ? "IPv6" : "IPv4") +
                        " records given to a file of export version " +
                        std::to_string(*header_.export_version));
        const std::size_t block = options_.block_records;
        const auto begin_block_point = [this] {
            std::uint64_t offset = 0;
            if (!compressor_) {
                offset = header_.size + records_ * record_size_;
            } else if (records_ == 0) {
                // Both engines begin the stream with a 2-byte zlib header (no
                // preset dictionary); the deflate data follows it.
                offset = header_.size + zlib_header_size;
            } else {
                // The full flush empties the compressor: everything before
                // the new block is now in the file or in out_.
                compress_raw(detail::FlushMode::full);
                offset = bytes_out_ + out_.size();
            }
            block_points_.push_back({.first_record = records_, .offset = offset});
        };
        while (!records.empty()) {
            // A block begins only with its first record, so that a file whose
            // count is a multiple of the block size has no empty last block.
            if (block > 0 && records_ % block == 0) begin_block_point();
            const std::size_t room = block > 0 ? block - records_ % block : records.size();
            const auto piece = records.first(std::min(room, records.size()));
            const std::size_t old = raw_.size();
            raw_.resize(old + piece.size() * record_size_);
            codec->encode(piece.data(), piece.size(), raw_.data() + old);
            if (header_.block_checksums)
                block_crc_ = crc32_update(block_crc_, raw_.data() + old, raw_.size() - old);
            records_ += piece.size();
            records = records.subspan(piece.size());
        }
        unflushed_ = true;
    }
    if (compressor_) {
        if (raw_.size() >= deflate_slab) compress_raw(detail::FlushMode::none);
        if (out_.size() >= compressed_write_chunk) write_pending();
    } else if (raw_.size() >= raw_write_chunk) {
        write_pending();
    }
    if (options_.flush_interval.count() > 0 &&
        std::chrono::steady_clock::now() - last_flush_ >= options_.flush_interval)
        flush();
}

void Writer::write(std::span<const Record> records) {
    append(records);
}

void Writer::write(std::span<const Record6> records) {
    append(records);
}

void Writer::flush() {
    const bool had_data = unflushed_;
    if (compressor_ && unflushed_ && !stream_ended_) compress_raw(detail::FlushMode::sync);
    write_pending();
    unflushed_ = false;
    // Only once the block's bytes are in the file: a table entry must never
    // name records that a crash right now would lose.
    if (had_data && close_checksum_block()) rewrite_header(header_);
    if (had_data && options_.sync_on_flush && sink_->seekable() && ::fdatasync(sink_->fd()) != 0)
        throw Error(sink_->name() + ": fdatasync failed: " + std::strerror(errno));
    last_flush_ = std::chrono::steady_clock::now();
}

void Writer::set_compression_level(int level) {
    if (!compressor_ || stream_ended_) return;
    // What was written so far is compressed at the old level first.
    if (!raw_.empty()) compress_raw(detail::FlushMode::none);
    compressor_->set_level(level, out_);
    level_ = compressor_->level();
}

void Writer::finish(const CloseCounters& counters) {
    if (finished_) throw Error(sink_->name() + ": finish called twice");
    // finish() may be retried after a write error (disk full): the zlib stream
    // is ended only once, what is still pending is written again.
    if (compressor_ && !stream_ended_) {
        compress_raw(detail::FlushMode::finish);
        stream_ended_ = true;
    }
    write_pending();
    close_checksum_block();

    Header final_header = header_;
    final_header.flags |= header_flag::done;
    final_header.flow_count = static_cast<std::uint32_t>(records_);
    final_header.cap_end = counters.cap_end;
    final_header.lost_flows = counters.lost_flows;
    final_header.corrupt_packets = counters.corrupt_packets;
    final_header.seq_resets = counters.seq_resets;
    rewrite_header(final_header);
    header_ = final_header;
    finished_ = true;
    // Durable before the caller renames tmp- to ft-: a renamed file must
    // never turn out empty after a power loss.
    if (options_.sync_on_flush && sink_->seekable() && ::fdatasync(sink_->fd()) != 0)
        throw Error(sink_->name() + ": fdatasync failed: " + std::strerror(errno));
    sink_->close_checked();
}

bool Writer::close_checksum_block() {
    if (!header_.block_checksums || records_ == block_start_records_) return false;
    header_.block_checksums->close_block(static_cast<std::uint32_t>(records_), block_crc_,
                                         record_size_);
    block_crc_ = 0;
    block_start_records_ = records_;
    return true;
}

void Writer::rewrite_header(const Header& h) {
    if (!sink_->seekable()) return;
    const std::vector<std::uint8_t> head = encode_header(h);
    if (head.size() != header_.size)
        throw Error(sink_->name() +
                    ": cannot rewrite header: its size would change (a counter or string "
                    "was not reserved when the file was created)");
    const auto put = detail::pwrite_full(sink_->fd(), head.data(), head.size(), 0);
    if (put.error)
        throw Error(sink_->name() + ": cannot rewrite header: " + std::strerror(put.error));
}

void Writer::compress_raw(detail::FlushMode mode) {
    compressor_->compress(raw_, mode, out_);
    raw_.clear();
}

void Writer::write_pending() {
    std::vector<std::uint8_t>& pending = compressor_ ? out_ : raw_;
    if (!compressor_ && !out_.empty()) {
        // The header is queued in out_ before any record exists.
        raw_.insert(raw_.begin(), out_.begin(), out_.end());
        out_.clear();
    }
    if (pending.empty()) return;
    const auto put = detail::write_full(sink_->fd(), pending.data(), pending.size());
    bytes_out_ += put.bytes;
    pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(put.bytes));
    if (put.error)
        throw Error(sink_->name() + ": write failed: " + std::strerror(put.error) + " (" +
                    std::to_string(pending.size()) + " bytes kept for retry)");
}

}  // namespace flowfile
