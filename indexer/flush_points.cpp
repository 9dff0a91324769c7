#include "flush_points.hpp"

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
#include <functional>

#include "flowfile/error.hpp"

namespace flowindex {

namespace {

constexpr std::array<std::uint8_t, 4> empty_stored_block{0x00, 0x00, 0xff, 0xff};
constexpr std::size_t zlib_header_size = 2;
constexpr std::size_t adler_size = 4;
constexpr std::size_t window_size = std::size_t{1} << 15;
// zlib's data_type after inflate(Z_BLOCK): the unused bits of the last input
// byte, 64 in the last block, 128 at a block boundary.
constexpr int unused_bits_mask = 7;
constexpr int last_block_bit = 64;
constexpr int block_boundary_bit = 128;

std::vector<std::uint8_t> read_record_area(const DataFile& file) {
    const std::uint64_t from = file.header().size;
    std::vector<std::uint8_t> bytes(file.size() > from ? file.size() - from : 0);
    std::size_t got = 0;
    while (got < bytes.size()) {
        const ssize_t r = ::pread(file.fd(), bytes.data() + got, bytes.size() - got,
                                  static_cast<off_t>(from + got));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0)
            throw flowfile::Error(file.path().string() + ": cannot read: " + std::strerror(errno));
        if (r == 0) break;
        got += static_cast<std::size_t>(r);
    }
    bytes.resize(got);
    return bytes;
}

std::uint32_t big_endian_32(const std::uint8_t* p) {
    return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

// A raw inflate of the whole deflate stream that empties its history at
// each candidate: the data after a real full flush inflates on, the data
// after a sync flush soon names bytes before it ("too far back"), and is
// then inflated again from the candidate with the history of its block
// alone.  Every block taken has so been inflated without a byte before it.
class CandidateInflater {
  public:
    CandidateInflater(std::span<const std::uint8_t> deflate, std::size_t record_size,
                      std::size_t expected_bytes)
        : in_(deflate), record_size_(record_size) {
        out_.resize(std::max<std::size_t>(expected_bytes, 1 << 16));
    }
    ~CandidateInflater() {
        if (ready_) inflateEnd(&z_);
    }
    CandidateInflater(const CandidateInflater&) = delete;
    CandidateInflater& operator=(const CandidateInflater&) = delete;

    // The input and output offsets at which a block begins, the first one
    // (0, 0) included, or nothing when the stream does not inflate this way
    // to its end.
    struct Start {
        std::size_t in = 0;
        std::size_t out = 0;
    };
    std::optional<std::vector<Start>> run() {
        if (inflateInit2(&z_, -MAX_WBITS) != Z_OK) return std::nullopt;
        ready_ = true;
        std::vector<Start> starts{{0, 0}};
        // A candidate whose following data has not yet shown whether it
        // needs history from before it.
        std::optional<Start> tentative;
        bool retried = false;  // the tentative start was inflated again with history
        std::size_t in_at = 0;
        std::size_t out_at = 0;
        std::size_t boundary_out = 0;
        z_.next_in = const_cast<Bytef*>(in_.data());
        for (;;) {
            if (out_at == out_.size()) out_.resize(out_.size() * 2);
            const std::size_t in_room = std::min<std::size_t>(in_.size() - in_at, UINT_MAX);
            const std::size_t out_room = std::min<std::size_t>(out_.size() - out_at, UINT_MAX);
            z_.next_in = const_cast<Bytef*>(in_.data() + in_at);
            z_.avail_in = static_cast<uInt>(in_room);
            z_.next_out = out_.data() + out_at;
            z_.avail_out = static_cast<uInt>(out_room);
            const int rc = ::inflate(&z_, Z_BLOCK);
            in_at += in_room - z_.avail_in;
            out_at += out_room - z_.avail_out;
            if (rc == Z_STREAM_END) {
                if (tentative && !retried) starts.push_back(*tentative);
                if (!trailer_holds(in_at, out_at)) return std::nullopt;
                out_.resize(out_at);
                return starts;
            }
            if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) {
                // Damage, or a match reaching before the tentative start.
                if (!tentative || retried) return std::nullopt;
                const std::size_t block_out = starts.back().out;
                const std::size_t history = std::min(tentative->out - block_out, window_size);
                if (inflateReset(&z_) != Z_OK ||
                    (history > 0 &&
                     inflateSetDictionary(&z_, out_.data() + tentative->out - history,
                                          static_cast<uInt>(history)) != Z_OK))
                    return std::nullopt;
                in_at = tentative->in;
                out_at = tentative->out;
                boundary_out = out_at;
                retried = true;
                continue;
            }
            if (rc == Z_BUF_ERROR && z_.avail_out != 0) return std::nullopt;  // input ended
            if (rc != Z_OK && rc != Z_BUF_ERROR) return std::nullopt;
            if ((z_.data_type & block_boundary_bit) == 0) continue;  // the output was full
            const bool candidate =
                (z_.data_type & (unused_bits_mask | last_block_bit)) == 0 &&
                out_at == boundary_out && in_at >= empty_stored_block.size() &&
                std::equal(
                    empty_stored_block.begin(), empty_stored_block.end(),
                    in_.begin() + static_cast<std::ptrdiff_t>(in_at - empty_stored_block.size())) &&
                out_at % record_size_ == 0;
            boundary_out = out_at;
            if (!candidate) continue;
            // The data since the tentative start inflated without history
            // before it (or, retried, with its block's history only).
            if (tentative && !retried) starts.push_back(*tentative);
            tentative = Start{in_at, out_at};
            retried = false;
            if (inflateReset(&z_) != Z_OK) return std::nullopt;
        }
    }

    std::span<const std::uint8_t> output() const { return out_; }

  private:
    // The Adler-32 of every record byte after the stream, and nothing more:
    // what zlib's own wrapper checks, and the raw inflate does not.
    bool trailer_holds(std::size_t in_at, std::size_t out_at) const {
        if (in_.size() - in_at != adler_size) return false;
        uLong adler = adler32(0, nullptr, 0);
        for (std::size_t at = 0; at < out_at;) {
            const std::size_t n = std::min<std::size_t>(out_at - at, UINT_MAX);
            adler = adler32(adler, out_.data() + at, static_cast<uInt>(n));
            at += n;
        }
        return adler == big_endian_32(in_.data() + in_at);
    }

    std::span<const std::uint8_t> in_;
    std::size_t record_size_;
    std::vector<std::uint8_t> out_;
    z_stream z_{};
    bool ready_ = false;
};

// The smallest N for which every multiple of N below `flows` begins a block
// that inflates alone (`starts`: record numbers, ascending, the first 0), or
// 0.  flowkeep's writer flushes every N records exactly; other starts (a
// sync flush no later match happened to cross) are inside those blocks.
std::size_t regular_block_records(const std::vector<std::uint64_t>& starts, std::uint64_t flows) {
    for (std::size_t i = 1; i < starts.size() && starts[i] < flows; ++i) {
        const std::uint64_t n = starts[i];
        bool all = true;
        for (std::uint64_t r = n; r < flows && all; r += n)
            all = std::binary_search(starts.begin(), starts.end(), r);
        if (all) return static_cast<std::size_t>(n);
    }
    return 0;
}

}  // namespace

FoundBlocks find_block_points(const DataFile& file, std::size_t record_size) {
    FoundBlocks found;
    const std::vector<std::uint8_t> area = read_record_area(file);
    if (area.size() < zlib_header_size + adler_size) return found;
    const std::span<const std::uint8_t> deflate =
        std::span<const std::uint8_t>(area).subspan(zlib_header_size);
    // No empty stored block at all (flow-tools writes none): nothing to look for.
    if (std::search(deflate.begin(), deflate.end(),
                    std::boyer_moore_horspool_searcher(empty_stored_block.begin(),
                                                       empty_stored_block.end())) == deflate.end())
        return found;

    const std::size_t expected = file.header().flow_count.value_or(0) * record_size;
    CandidateInflater inflater(deflate, record_size, expected);
    const auto starts = inflater.run();
    if (!starts) return found;
    const auto out = inflater.output();
    const std::uint64_t flows = out.size() / record_size;
    if (out.size() % record_size != 0) return found;

    std::vector<std::uint64_t> records;
    for (const auto& s : *starts) records.push_back(s.out / record_size);
    const std::size_t n = regular_block_records(records, flows);
    if (n == 0) return found;
    found.block_records = n;
    const std::uint64_t base = file.header().size + zlib_header_size;
    for (const auto& s : *starts) {
        const std::uint64_t first = s.out / record_size;
        if (first % n != 0 || first >= flows) continue;
        const std::uint64_t count = std::min<std::uint64_t>(n, flows - first);
        const auto bytes = out.subspan(s.out, count * record_size);
        uLong crc = crc32(0, nullptr, 0);
        for (std::size_t at = 0; at < bytes.size();) {
            const std::size_t k = std::min<std::size_t>(bytes.size() - at, UINT_MAX);
            crc = crc32(crc, bytes.data() + at, static_cast<uInt>(k));
            at += k;
        }
        found.blocks.push_back({.point = {.first_record = first, .offset = base + s.in},
                                .records = count,
                                .crc = static_cast<std::uint32_t>(crc)});
    }
    return found;
}

}  // namespace flowindex
