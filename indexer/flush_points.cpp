#include "flush_points.hpp"

#include <string.h>  // memmem
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <optional>

#include "flowfile/block_checksums.hpp"
#include "flowfile/block_inflate.hpp"
#include "flowfile/error.hpp"

namespace flowindex {

namespace {

constexpr std::array<std::uint8_t, 4> empty_stored_block{0x00, 0x00, 0xff, 0xff};
constexpr std::size_t zlib_header_size = 2;
constexpr std::size_t adler_size = 4;

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

// The blocks of the deflate stream `deflate` (its Adler-32 after it), each
// inflated alone with libdeflate where the build has it.  The data from the
// start of the stream, or from a candidate, is inflated alone up to the next
// candidate: the data after a real full flush inflates, the data after a
// sync flush soon names bytes before it (bad data), and the block it lies in
// is then inflated again from its start to that next candidate.  Every block
// taken has so been inflated without a byte before it.  Four bytes that only
// look like a flush (inside a block's data) end no piece that inflates, and
// are passed over.
class BlockWalk {
  public:
    BlockWalk(std::span<std::uint8_t> deflate, std::size_t record_size, std::size_t expected_bytes)
        : deflate_(deflate), end_(deflate.size() - adler_size), record_size_(record_size) {
        out_.resize(std::max<std::size_t>(expected_bytes, 1 << 16));
    }

    // Where the blocks begin in the input and the output, the first one
    // (0, 0) included, or nothing when the stream does not inflate this way
    // to its end.
    struct Start {
        std::size_t in = 0;
        std::size_t out = 0;
    };
    std::optional<std::vector<Start>> run(const std::vector<std::size_t>& candidates) {
        std::vector<Start> starts{{0, 0}};
        Start piece;  // the piece being tried: the block's start, or a candidate after it
        for (std::size_t i = 0; i <= candidates.size(); ++i) {
            const std::size_t to = i < candidates.size() ? candidates[i] : end_;
            const Start block = starts.back();
            std::optional<std::size_t> end_out;
            if (piece.in == block.in || piece.out % record_size_ == 0)
                if (const auto made = inflate_alone(piece, to)) end_out = piece.out + *made;
            if (end_out && piece.in != block.in) starts.push_back(piece);
            if (!end_out && piece.in != block.in)
                if (const auto made = inflate_alone(block, to)) end_out = block.out + *made;
            if (!end_out) {
                if (to == end_) return std::nullopt;  // damage, or no flush explains the data
                continue;  // `to` is inside a block: on to the next candidate
            }
            if (to == end_) {
                out_.resize(*end_out);
                return starts;
            }
            piece = {to, *end_out};
        }
        return std::nullopt;
    }

    std::span<const std::uint8_t> output() const { return out_; }

  private:
    // The bytes [from.in, to) inflated alone into the output at from.out:
    // how many, or nothing when they need history or are no whole blocks.
    // Only the piece that ends at the Adler-32 may hold the final block.
    std::optional<std::size_t> inflate_alone(const Start& from, std::size_t to) {
        const std::size_t size = to - from.in;
        for (;;) {
            const auto r = inflater_.inflate_some(deflate_.subspan(from.in), size,
                                                  std::span<std::uint8_t>(out_).subspan(from.out));
            using Status = flowfile::BlockInflater::Inflated::Status;
            if (r.status == Status::no_room) {
                out_.resize(out_.size() * 2);
                continue;
            }
            if (r.status != Status::done) return std::nullopt;
            const bool whole = to == end_ ? r.in == size : r.in == size + flowfile::block_tail_room;
            if (!whole) return std::nullopt;
            return r.out;
        }
    }

    std::span<std::uint8_t> deflate_;
    std::size_t end_;
    std::size_t record_size_;
    std::vector<std::uint8_t> out_;
    flowfile::BlockInflater inflater_;
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
    std::vector<std::uint8_t> area = read_record_area(file);
    if (area.size() < zlib_header_size + adler_size) return found;
    const std::span<std::uint8_t> deflate = std::span<std::uint8_t>(area).subspan(zlib_header_size);
    // Where each empty stored block would end: none at all (flow-tools
    // writes none), and there is nothing to look for.
    std::vector<std::size_t> candidates;
    const std::span<const std::uint8_t> data = deflate.first(deflate.size() - adler_size);
    for (const std::uint8_t* at = data.data();;) {
        const std::size_t left = static_cast<std::size_t>(data.data() + data.size() - at);
        const void* hit = ::memmem(at, left, empty_stored_block.data(), empty_stored_block.size());
        if (hit == nullptr) break;
        at = static_cast<const std::uint8_t*>(hit) + empty_stored_block.size();
        candidates.push_back(static_cast<std::size_t>(at - data.data()));
    }
    if (candidates.empty()) return found;

    const std::size_t expected = file.header().flow_count.value_or(0) * record_size;
    BlockWalk walk(deflate, record_size, expected);
    const auto starts = walk.run(candidates);
    if (!starts) return found;
    const auto out = walk.output();
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
        found.blocks.push_back(
            {.point = {.first_record = first, .offset = base + s.in},
             .records = count,
             .crc = flowfile::crc32_update(0, out.data() + s.out, count * record_size)});
    }
    return found;
}

}  // namespace flowindex
