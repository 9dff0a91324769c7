#include "flowfile/block_read.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <new>
#include <utility>

#include "fd_io.hpp"
#include "flowfile/block_inflate.hpp"
#include "inflate_whole_buffer.hpp"
#include "record_codec.hpp"

namespace flowfile {

namespace {

// Adjacent chosen blocks are read with one pread up to about this many
// bytes: fewer calls for a busy client's day, bounded memory for a month.
constexpr std::uint64_t run_read_limit = 4u << 20;

class Descriptor {
  public:
    explicit Descriptor(const std::filesystem::path& p)
        : fd_(::open(p.c_str(), O_RDONLY | O_CLOEXEC)) {}
    ~Descriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    int get() const { return fd_; }

  private:
    int fd_;
};

// One set per thread, kept between calls: a query over a month reads
// thousands of files, each a few blocks.
struct ReadBuffers {
    detail::ByteBuffer file_bytes;  // a run of blocks as stored (+ tail room)
    detail::ByteBuffer records;     // one block's record bytes, inflated
    BlockInflater inflater;
};

ReadBuffers& thread_buffers() {
    thread_local ReadBuffers buffers;
    return buffers;
}

std::string block_words(std::size_t i, const IndexBlock& b) {
    return "block " + std::to_string(i) + " (bytes " + std::to_string(b.offset) + ".." +
           std::to_string(b.end_offset) + ", records " + std::to_string(b.first_record) + ".." +
           std::to_string(b.first_record + b.records) + ")";
}

template <typename R>
BlockRead<R> read_chosen_blocks(const std::filesystem::path& data_file, const Header& header,
                                const BlockIndex& index, std::span<const std::uint32_t> blocks) {
    BlockRead<R> result;
    const std::string file = data_file.string();
    const auto fail = [&](const std::string& why) {
        result.records.clear();
        result.problem = why + ": scanning the file";
        return std::move(result);
    };
    const auto stale = [&](const std::string& why) {
        return fail(index.name() + ": stale (" + why + ")");
    };

    const auto* codec = header.export_version
                            ? detail::codec_of<R>(*header.export_version, header.byte_order)
                            : nullptr;
    if (!codec) return fail(file + ": holds no records of the kind asked for");
    if (index.export_version() != *header.export_version || index.record_size() != codec->size ||
        index.compressed() != header.compressed())
        return stale("made for another export version or compression than " + file + "'s");
    if (index.header_size() != header.size)
        return stale("indexes a header of " + std::to_string(index.header_size()) + " bytes, " +
                     file + " has " + std::to_string(header.size));

    const Descriptor fd(data_file);
    if (fd.get() < 0) return fail(file + ": cannot open: " + std::strerror(errno));
    ReadBuffers& buffers = thread_buffers();
    detail::ByteBuffer& stored = buffers.file_bytes;

    const auto read_at = [&](std::uint64_t offset, std::size_t n) -> std::optional<std::string> {
        stored.ensure_capacity(n + block_tail_room);
        if (stored.capacity() < n + block_tail_room)
            return file + ": out of memory reading " + std::to_string(n) + " bytes";
        const auto got = detail::pread_full(fd.get(), stored.data(), n, static_cast<off_t>(offset));
        if (got.error)
            return file + ": cannot read at " + std::to_string(offset) + ": " +
                   std::strerror(got.error);
        if (got.bytes != n)
            return file + ": ends at " + std::to_string(offset + got.bytes) + ", before byte " +
                   std::to_string(offset + n) + " the index names";
        return std::nullopt;
    };

    if (const auto problem = read_at(0, header.size)) return fail(*problem);
    if (crc32_update(0, stored.data(), header.size) != index.header_crc())
        return stale("made for another header than " + file + "'s");

    std::size_t total = 0;
    for (const std::uint32_t i : blocks) {
        if (i >= index.blocks())
            return fail(index.name() + ": no block " + std::to_string(i) + " (it has " +
                        std::to_string(index.blocks()) + ")");
        total += index.block(i).records;
    }
    result.records.reserve(total);

    const bool compressed = header.compressed();
    for (std::size_t k = 0; k < blocks.size();) {
        // A run of adjacent blocks, read with one pread.
        const IndexBlock first = index.block(blocks[k]);
        std::size_t end = k + 1;
        while (end < blocks.size() && blocks[end] == blocks[end - 1] + 1 &&
               index.block(blocks[end]).end_offset - first.offset <= run_read_limit)
            ++end;
        const IndexBlock last = index.block(blocks[end - 1]);
        if (first.offset < header.size || last.end_offset < first.offset)
            return fail(index.name() + ": " + block_words(blocks[k], first) +
                        " lies outside the record area");
        if (const auto problem = read_at(first.offset, last.end_offset - first.offset))
            return fail(*problem);

        for (; k < end; ++k) {
            const IndexBlock b = index.block(blocks[k]);
            if (b.offset < first.offset || b.end_offset < b.offset ||
                b.end_offset > last.end_offset)
                return fail(index.name() + ": " + block_words(blocks[k], b) + " is out of order");
            const std::size_t at = b.offset - first.offset;
            const std::size_t size = b.end_offset - b.offset;
            const std::size_t bytes = std::size_t{b.records} * codec->size;
            const std::uint8_t* raw = stored.data() + at;
            if (compressed) {
                buffers.records.ensure_capacity(bytes);
                if (buffers.records.capacity() < bytes)
                    return fail(file + ": out of memory inflating " + block_words(blocks[k], b));
                // The tail room after this block is the next block's first
                // bytes or the spare room after the run: inflate() restores it.
                const std::span<std::uint8_t> held(stored.data() + at,
                                                   last.end_offset - b.offset + block_tail_room);
                if (!buffers.inflater.inflate(held, size, {buffers.records.data(), bytes}))
                    return fail(file + ": " + block_words(blocks[k], b) +
                                " does not inflate alone to its records");
                raw = buffers.records.data();
            } else if (size != bytes) {
                return fail(file + ": " + block_words(blocks[k], b) + " holds " +
                            std::to_string(size) + " bytes, not " + std::to_string(b.records) +
                            " records");
            }
            if (crc32_update(0, raw, bytes) != b.crc)
                return fail(file + ": " + block_words(blocks[k], b) +
                            " does not match the index's CRC");
            const std::size_t old = result.records.size();
            result.records.resize(old + b.records);
            codec->decode(raw, b.records, result.records.data() + old);
        }
    }
    return result;
}

}  // namespace

template <typename R>
BlockRead<R> read_blocks(const std::filesystem::path& data_file, const Header& header,
                         const BlockIndex& index, std::span<const std::uint32_t> blocks) {
    try {
        return read_chosen_blocks<R>(data_file, header, index, blocks);
    } catch (const std::bad_alloc&) {
        // An index may promise more records than memory holds; the scan
        // reads in batches.
        BlockRead<R> result;
        result.problem = data_file.string() + ": out of memory for the chosen blocks' " +
                         "records: scanning the file";
        return result;
    }
}

template BlockRead<Record> read_blocks(const std::filesystem::path&, const Header&,
                                       const BlockIndex&, std::span<const std::uint32_t>);
template BlockRead<Record6> read_blocks(const std::filesystem::path&, const Header&,
                                        const BlockIndex&, std::span<const std::uint32_t>);

}  // namespace flowfile
