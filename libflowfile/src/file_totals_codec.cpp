#include "file_totals_codec.hpp"

#include <zlib.h>

#ifdef FLOWKEEP_HAVE_LIBDEFLATE
#include <libdeflate.h>

#include <memory>
#endif

#include "flowfile/error.hpp"

namespace flowfile::detail {

namespace {

// Beyond this a raw size is damage, not totals: 65536 ports each side, every
// number a full 10-byte varint.
constexpr std::uint64_t max_raw_size = 10 * (3 + 3 + 4 * (256 + 2 * 65536));

void put_varint(std::vector<std::uint8_t>& out, std::uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<std::uint8_t>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<std::uint8_t>(v));
}

// One map (the keys with flows of a table) as columns: the keys as gaps,
// then every flow count, every packet count, every octet count.  Like
// numbers side by side is what zlib compresses well; a 5-minute file's
// 60000 source ports take 4-5 bytes each.
void append_map(std::vector<std::uint8_t>& out, std::span<const FlowCounts> table) {
    std::vector<std::uint32_t> keys;
    for (std::size_t k = 0; k < table.size(); ++k)
        if (table[k].flows != 0) keys.push_back(static_cast<std::uint32_t>(k));
    put_varint(out, keys.size());
    std::uint64_t next = 0;
    for (std::uint32_t k : keys) {
        put_varint(out, k - next);
        next = std::uint64_t{k} + 1;
    }
    for (std::uint32_t k : keys) put_varint(out, table[k].flows);
    for (std::uint32_t k : keys) put_varint(out, table[k].packets);
    for (std::uint32_t k : keys) put_varint(out, table[k].octets);
}

// Reads the raw totals front to back; any overrun is damage.
class RawReader {
  public:
    explicit RawReader(std::span<const std::uint8_t> raw) : raw_(raw) {}

    bool varint(std::uint64_t& v) {
        v = 0;
        for (unsigned shift = 0; shift < 64; shift += 7) {
            if (at_ == raw_.size()) return false;
            const std::uint8_t b = raw_[at_++];
            v |= std::uint64_t{b & 0x7fu} << shift;
            if ((b & 0x80) == 0) return true;
        }
        return false;
    }

    bool counts(FlowCounts& c) { return varint(c.flows) && varint(c.packets) && varint(c.octets); }

    template <typename Key>
    bool map(std::map<Key, FlowCounts>& m) {
        std::uint64_t n = 0;
        if (!varint(n) || n > std::uint64_t{1} << (8 * sizeof(Key))) return false;
        std::vector<Key> keys(static_cast<std::size_t>(n));
        std::uint64_t next = 0;
        for (Key& k : keys) {
            std::uint64_t gap = 0;
            if (!varint(gap)) return false;
            const std::uint64_t key = next + gap;
            if (gap > 0xffff || key > Key(~Key{0})) return false;
            k = static_cast<Key>(key);
            next = key + 1;
        }
        std::vector<FlowCounts> counts(keys.size());
        for (FlowCounts& c : counts)
            if (!varint(c.flows)) return false;
        for (FlowCounts& c : counts)
            if (!varint(c.packets)) return false;
        for (FlowCounts& c : counts)
            if (!varint(c.octets)) return false;
        for (std::size_t i = 0; i < keys.size(); ++i) m.emplace_hint(m.end(), keys[i], counts[i]);
        return true;
    }

    bool at_end() const { return at_ == raw_.size(); }

  private:
    std::span<const std::uint8_t> raw_;
    std::size_t at_ = 0;
};

// A zlib stream (RFC 1950), which decode_totals inflates with zlib whoever
// wrote it.  Level 6: on the ISP model level 9 took five times the CPU for
// 0.5% less.  libdeflate writes it in about a third of zlib's time at the
// same level, and a little smaller: zlib's deflate of the totals was 37% of
// flow-index's CPU on a day of the model.
std::vector<std::uint8_t> compress_totals(const std::vector<std::uint8_t>& raw) {
#ifdef FLOWKEEP_HAVE_LIBDEFLATE
    const std::unique_ptr<libdeflate_compressor, decltype(&libdeflate_free_compressor)> c(
        libdeflate_alloc_compressor(6), &libdeflate_free_compressor);
    if (!c) throw Error("block index: cannot compress the file's totals (out of memory)");
    std::vector<std::uint8_t> stored(libdeflate_zlib_compress_bound(c.get(), raw.size()));
    const std::size_t n =
        libdeflate_zlib_compress(c.get(), raw.data(), raw.size(), stored.data(), stored.size());
    if (n == 0) throw Error("block index: cannot compress the file's totals");
    stored.resize(n);
    return stored;
#else
    uLongf stored_size = compressBound(static_cast<uLong>(raw.size()));
    std::vector<std::uint8_t> stored(stored_size);
    if (compress2(stored.data(), &stored_size, raw.data(), static_cast<uLong>(raw.size()), 6) !=
        Z_OK)
        throw Error("block index: cannot compress the file's totals");
    stored.resize(stored_size);
    return stored;
#endif
}

}  // namespace

bool port_totals_fit(std::uint64_t port_bytes, std::uint64_t data_file_size) {
    return port_bytes <= data_file_size / 32;
}

EncodedTotals encode_totals(const TotalsTables& totals, std::uint64_t data_file_size) {
    std::vector<std::uint8_t> raw;
    put_varint(raw, totals.all.flows);
    put_varint(raw, totals.all.packets);
    put_varint(raw, totals.all.octets);
    append_map(raw, totals.protocols);
    const std::size_t ports_at = raw.size();
    append_map(raw, totals.src_ports);
    append_map(raw, totals.dst_ports);

    EncodedTotals out;
    out.ports = port_totals_fit(raw.size() - ports_at, data_file_size);
    if (!out.ports) {
        // Two empty maps, so that the stream keeps one shape.
        raw.resize(ports_at);
        append_map(raw, {});
        append_map(raw, {});
    }
    out.raw_size = raw.size();
    out.stored = compress_totals(raw);
    return out;
}

std::optional<FileTotals> decode_totals(std::span<const std::uint8_t> stored,
                                        std::uint64_t raw_size, bool ports) {
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
    t.ports = ports;
    if (!ports && (!t.src_ports.empty() || !t.dst_ports.empty())) return std::nullopt;
    return t;
}

}  // namespace flowfile::detail
