#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "flowfile/header.hpp"
#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"

namespace flowfile {

namespace detail {
class Compressor;
enum class FlushMode;
}  // namespace detail

// Which implementation writes the zlib stream.  Both produce ordinary zlib
// streams that flow-tools reads; igzip (ISA-L) needs about a tenth of zlib's
// CPU for files a little larger (levels 1..3, default 3).
enum class CompressionEngine { zlib, igzip };

// True when this build can use CompressionEngine::igzip.
bool igzip_available();

struct WriterOptions {
    // zlib level 1..9, or 0 for an uncompressed file (as flow-capture's -z 0:
    // no zlib stream at all, not zlib level 0).  -1 = zlib's default (6).
    int compression_level = -1;
    // How long written records may stay in memory before they reach the file
    // as decodable data.  A compressed file gets a zlib sync flush point, so a
    // crash loses at most this much; zero disables time-based flushing and
    // gives the original's layout (16 KiB compressed / 32 KiB raw chunks).
    // write() checks the interval when it is called; a caller that may go
    // idle (a collector between packets) calls flush() on its own timer.
    std::chrono::milliseconds flush_interval{std::chrono::seconds(5)};
    // Also fdatasync() at each flush, so that a power loss, not only a killed
    // process, costs at most one interval.  Ignored for pipes.
    bool sync_on_flush = true;
    // Take an exclusive flock() on the new file, so that crash recovery in
    // another process can tell a live tmp- file from a leftover.
    bool exclusive_lock = false;
    CompressionEngine engine = CompressionEngine::zlib;
    // Reserve a block checksum table (flow-file(5)) for about this many flush
    // points and close a checksummed block at each flush and at finish(), so
    // that readers can deliver a damaged file's records up to the last point
    // that still checks.  0: no table, as flow-tools writes (a header given
    // with a table loses it: that table described another file's records).
    std::size_t checksum_blocks = 0;
    // Records per independently readable block (flow-index(5)): every this
    // many records a compressed file's deflate data is ended with a full
    // flush, which empties the compressor's history, so that a reader can
    // inflate any block alone from its offset while the file stays one zlib
    // stream that flow-tools reads unchanged.  An uncompressed file needs no
    // flush (its records lie at fixed offsets); its points are recorded all
    // the same.  0: no block points, as flow-tools writes.
    std::size_t block_records = 0;
};

// Where a block of records begins in the file (WriterOptions::block_records).
// Block k holds records [first_record, next block's first_record), the last
// one up to the end of the file.
struct BlockPoint {
    std::uint64_t first_record = 0;
    // File offset of the block's first byte: for a compressed file the raw
    // deflate data that follows a full flush (the first block's begins after
    // the 2-byte zlib header), for an uncompressed one the first record.
    std::uint64_t offset = 0;

    friend bool operator==(const BlockPoint&, const BlockPoint&) = default;
};

// Final values written into the header when the file is finished.
struct CloseCounters {
    std::uint32_t cap_end = 0;
    std::uint32_t lost_flows = 0;
    std::uint32_t corrupt_packets = 0;
    std::uint32_t seq_resets = 0;
};

// Writes one flow-tools stream version 3 file.  The header given at creation
// is written immediately; finish() rewrites it in place with the final
// counters and the DONE flag (the header's size never changes, so every TLV
// to be rewritten must already be present, see Header::for_capture).
class Writer {
  public:
    // Creates `path`; an existing file is truncated (as flow-capture does) unless
    // it is locked by a live writer.  Throws flowfile::Error.
    static std::unique_ptr<Writer> create(const std::filesystem::path& path, Header header,
                                          WriterOptions options = {});
    // Writes to an open descriptor (stdout).  If the descriptor is not
    // seekable the header is not rewritten at the end, as for a stream.
    static std::unique_ptr<Writer> to_fd(int fd, std::string name, Header header,
                                         WriterOptions options = {});

    ~Writer();
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    // Throws flowfile::Error on a write error (ENOSPC included); the records
    // that were accepted before stay in the writer and are retried by the
    // next write(), flush() or finish().
    void write(std::span<const Record> records);
    void write(const Record& r) { write(std::span<const Record>(&r, 1)); }
    // A file of the IPv6 series (export version ipv6_export_version) takes
    // Record6s, every other file Records; the wrong kind throws.
    void write(std::span<const Record6> records);
    void write(const Record6& r) { write(std::span<const Record6>(&r, 1)); }

    // Makes everything written so far decodable on disk now.
    void flush();

    // Changes the zlib level from the next record on, within the same zlib
    // stream (readers see nothing of it).  A collector that falls behind
    // switches to a faster level instead of dropping flows.  No effect on an
    // uncompressed file.  Throws flowfile::Error.
    void set_compression_level(int level);
    int compression_level() const { return level_; }

    // Ends the zlib stream, rewrites the header (DONE, flow count and the given
    // counters) and closes the file.  Throws flowfile::Error; after a write
    // error it may be called again once the cause is gone.
    void finish(const CloseCounters& counters);

    // The blocks begun so far, first first (empty without block_records).
    const std::vector<BlockPoint>& block_points() const { return block_points_; }

    std::uint64_t records_written() const { return records_; }
    // Bytes handed to the file so far (header included).
    std::uint64_t bytes_written() const { return bytes_out_; }
    const Header& header() const { return header_; }

  private:
    class Sink;
    Writer(std::unique_ptr<Sink> sink, Header header, WriterOptions options);

    template <typename R>
    void append(std::span<const R> records);
    void compress_raw(detail::FlushMode mode);
    void write_pending();
    // Ends the current checksum block at the records written so far; false
    // when there is no table or no record since the last block.
    bool close_checksum_block();
    // Writes `h` over the header on disk (a seekable file only).
    void rewrite_header(const Header& h);

    std::unique_ptr<Sink> sink_;
    Header header_;
    WriterOptions options_;
    std::size_t record_size_ = 0;
    int level_ = 0;
    std::uint64_t records_ = 0;
    std::uint64_t bytes_out_ = 0;
    std::vector<std::uint8_t> raw_;  // encoded records not yet compressed/written
    std::vector<std::uint8_t> out_;  // compressed bytes not yet written
    std::unique_ptr<detail::Compressor> compressor_;
    std::uint32_t block_crc_ = 0;  // CRC-32 of the open checksum block so far
    std::uint64_t block_start_records_ = 0;
    std::chrono::steady_clock::time_point last_flush_;
    std::vector<BlockPoint> block_points_;
    bool unflushed_ = false;
    bool stream_ended_ = false;
    bool finished_ = false;
};

}  // namespace flowfile
