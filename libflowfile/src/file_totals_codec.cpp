#include "file_totals_codec.hpp"

#include <zlib.h>

#include "block_index_layout.hpp"
#include "flowfile/error.hpp"

namespace flowfile::detail {

namespace {

using index_layout::get;
using index_layout::put;

constexpr std::size_t counts_size = 24;
// Beyond this a raw size is damage, not totals: 65536 ports each side.
constexpr std::uint64_t max_raw_size = 24 + 3 * 4 + (256 + 2 * 65536) * (2 + counts_size);

void append_counts(std::vector<std::uint8_t>& out, const FlowCounts& c) {
    const std::size_t at = out.size();
    out.resize(at + counts_size);
    put<std::uint64_t>(out.data() + at, c.flows);
    put<std::uint64_t>(out.data() + at + 8, c.packets);
    put<std::uint64_t>(out.data() + at + 16, c.octets);
}

template <typename Key>
void append_map(std::vector<std::uint8_t>& out, const std::map<Key, FlowCounts>& m) {
    std::size_t at = out.size();
    out.resize(at + 4);
    put<std::uint32_t>(out.data() + at, static_cast<std::uint32_t>(m.size()));
    for (const auto& [key, counts] : m) {
        at = out.size();
        out.resize(at + sizeof(Key));
        put<Key>(out.data() + at, key);
        append_counts(out, counts);
    }
}

// Reads the raw totals front to back; any overrun or disorder is damage.
class RawReader {
  public:
    explicit RawReader(std::span<const std::uint8_t> raw) : raw_(raw) {}

    bool counts(FlowCounts& c) {
        if (!room(counts_size)) return false;
        c.flows = get<std::uint64_t>(raw_.data() + at_);
        c.packets = get<std::uint64_t>(raw_.data() + at_ + 8);
        c.octets = get<std::uint64_t>(raw_.data() + at_ + 16);
        at_ += counts_size;
        return true;
    }

    template <typename Key>
    bool map(std::map<Key, FlowCounts>& m) {
        if (!room(4)) return false;
        const std::uint32_t n = get<std::uint32_t>(raw_.data() + at_);
        at_ += 4;
        for (std::uint32_t i = 0; i < n; ++i) {
            if (!room(sizeof(Key))) return false;
            const Key key = get<Key>(raw_.data() + at_);
            at_ += sizeof(Key);
            if (!m.empty() && key <= m.rbegin()->first) return false;
            if (!counts(m[key])) return false;
        }
        return true;
    }

    bool at_end() const { return at_ == raw_.size(); }

  private:
    bool room(std::size_t n) const { return raw_.size() - at_ >= n; }

    std::span<const std::uint8_t> raw_;
    std::size_t at_ = 0;
};

template <>
bool RawReader::map<std::uint8_t>(std::map<std::uint8_t, FlowCounts>& m) {
    if (!room(4)) return false;
    const std::uint32_t n = get<std::uint32_t>(raw_.data() + at_);
    at_ += 4;
    for (std::uint32_t i = 0; i < n; ++i) {
        if (!room(1)) return false;
        const std::uint8_t key = raw_[at_++];
        if (!m.empty() && key <= m.rbegin()->first) return false;
        if (!counts(m[key])) return false;
    }
    return true;
}

}  // namespace

EncodedTotals encode_totals(const FileTotals& totals) {
    std::vector<std::uint8_t> raw;
    append_counts(raw, totals.all);
    {
        std::size_t at = raw.size();
        raw.resize(at + 4);
        put<std::uint32_t>(raw.data() + at, static_cast<std::uint32_t>(totals.protocols.size()));
        for (const auto& [protocol, counts] : totals.protocols) {
            raw.push_back(protocol);
            append_counts(raw, counts);
        }
    }
    append_map(raw, totals.src_ports);
    append_map(raw, totals.dst_ports);

    EncodedTotals out;
    out.raw_size = raw.size();
    uLongf stored_size = compressBound(static_cast<uLong>(raw.size()));
    out.stored.resize(stored_size);
    if (compress2(out.stored.data(), &stored_size, raw.data(), static_cast<uLong>(raw.size()),
                  Z_BEST_COMPRESSION) != Z_OK)
        throw Error("block index: cannot compress the file's totals");
    out.stored.resize(stored_size);
    return out;
}

std::optional<FileTotals> decode_totals(std::span<const std::uint8_t> stored,
                                        std::uint64_t raw_size) {
    if (raw_size > max_raw_size) return std::nullopt;
    std::vector<std::uint8_t> raw(static_cast<std::size_t>(raw_size));
    uLongf got = static_cast<uLongf>(raw.size());
    if (uncompress(raw.data(), &got, stored.data(), static_cast<uLong>(stored.size())) != Z_OK ||
        got != raw.size())
        return std::nullopt;
    RawReader r{raw};
    FileTotals t;
    if (!r.counts(t.all) || !r.map(t.protocols) || !r.map(t.src_ports) || !r.map(t.dst_ports) ||
        !r.at_end())
        return std::nullopt;
    return t;
}

}  // namespace flowfile::detail
