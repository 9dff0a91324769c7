#include "flowfile/header.hpp"

#include <bit>
#include <cstring>

#include "byte_order.hpp"
#include "flowfile/error.hpp"
#include "flowfile/record6.hpp"

namespace flowfile {

using detail::load_as;
using detail::store_as;

namespace {

constexpr std::uint8_t magic1 = 0xCF;
constexpr std::uint8_t magic2 = 0x10;
constexpr std::uint8_t stream_version_3 = 3;

// Block checksum TLV value: u16 format, u16 capacity, u16 blocks used, u16
// zero, u32 header CRC, then per reserved block u32 end record, u32 CRC.
constexpr std::uint16_t block_table_format = 1;
constexpr std::size_t block_table_fixed = 12;

std::size_t block_table_value_size(std::size_t capacity) {
    return block_table_fixed + 8 * capacity;
}

bool needs_swap(ByteOrder order) {
    return order != host_byte_order();
}

class TlvEncoder {
  public:
    TlvEncoder(ByteOrder order, std::uint8_t stream_version)
        : order_(order), stream_version_(stream_version), swap_(needs_swap(order)) {}

    void put_u8(std::uint16_t type, std::uint8_t v) { put_raw(type, &v, 1); }
    void put_u16(std::uint16_t type, std::uint16_t v) {
        std::uint8_t b[2];
        store_as(b, v, swap_);
        put_raw(type, b, 2);
    }
    void put_u32(std::uint16_t type, std::uint32_t v) {
        std::uint8_t b[4];
        store_as(b, v, swap_);
        put_raw(type, b, 4);
    }
    // Strings are stored NUL-terminated and the length includes the NUL.
    void put_string(std::uint16_t type, const std::string& s) {
        if (s.find('\0') != std::string::npos)
            throw Error("header string TLV " + std::to_string(type) + " contains a NUL byte");
        if (s.size() + 1 > 0xFFFF)
            throw Error("header string TLV " + std::to_string(type) + " is too long (" +
                        std::to_string(s.size()) + " bytes)");
        put_raw(type, reinterpret_cast<const std::uint8_t*>(s.c_str()), s.size() + 1);
    }

    // The table's header CRC covers every byte before the TLV, so the
    // preamble's length field must already hold its final value here.
    void put_block_checksums(const BlockChecksums& t, std::uint32_t final_size) {
        const std::size_t len = block_table_value_size(t.capacity);
        std::vector<std::uint8_t> v(len, 0);
        store_as(v.data(), block_table_format, swap_);
        store_as(v.data() + 2, t.capacity, swap_);
        store_as(v.data() + 4, static_cast<std::uint16_t>(t.blocks.size()), swap_);
        for (std::size_t i = 0; i < t.blocks.size() && i < t.capacity; ++i) {
            store_as(v.data() + 12 + 8 * i, t.blocks[i].end_record, swap_);
            store_as(v.data() + 16 + 8 * i, t.blocks[i].crc, swap_);
        }
        stamp_preamble(final_size);
        store_as(v.data() + 8, crc32_update(0, out_.data(), out_.size()), swap_);
        put_raw(tlv::block_checksums, v.data(), v.size());
    }

    void stamp_preamble(std::uint32_t size) {
        out_[0] = magic1;
        out_[1] = magic2;
        out_[2] = static_cast<std::uint8_t>(order_);
        out_[3] = stream_version_;
        store_as(out_.data() + 4, size, swap_);
    }

    std::vector<std::uint8_t>& bytes() { return out_; }

  private:
    void put_raw(std::uint16_t type, const std::uint8_t* value, std::size_t len) {
        std::uint8_t tl[4];
        store_as(tl, type, swap_);
        store_as(tl + 2, static_cast<std::uint16_t>(len), swap_);
        out_.insert(out_.end(), tl, tl + 4);
        out_.insert(out_.end(), value, value + len);
    }

    ByteOrder order_;
    std::uint8_t stream_version_;
    bool swap_;
    std::vector<std::uint8_t> out_ = std::vector<std::uint8_t>(header_preamble_size, 0);
};

// `tlv_offset`: where the TLV starts in the header (its type field).
BlockChecksums decode_block_checksums(std::span<const std::uint8_t> header, std::size_t tlv_offset,
                                      std::size_t len, bool swap, const std::string& source) {
    const std::uint8_t* v = header.data() + tlv_offset + 4;
    const auto damaged = [&](const std::string& what) {
        return Error(source + ": header damaged: block checksum table " + what);
    };
    if (len < block_table_fixed) throw damaged("too short");
    if (load_as<std::uint16_t>(v, swap) != block_table_format)
        throw damaged("has unknown format " + std::to_string(load_as<std::uint16_t>(v, swap)));
    BlockChecksums t;
    t.capacity = load_as<std::uint16_t>(v + 2, swap);
    const std::uint16_t used = load_as<std::uint16_t>(v + 4, swap);
    if (len != block_table_value_size(t.capacity) || used > t.capacity)
        throw damaged("has inconsistent sizes");
    if (crc32_update(0, header.data(), tlv_offset) != load_as<std::uint32_t>(v + 8, swap))
        throw HeaderChecksumError(source + ": header damaged: its checksum does not match");
    t.blocks.resize(used);
    std::uint32_t previous = 0;
    for (std::size_t i = 0; i < used; ++i) {
        t.blocks[i].end_record = load_as<std::uint32_t>(v + 12 + 8 * i, swap);
        t.blocks[i].crc = load_as<std::uint32_t>(v + 16 + 8 * i, swap);
        if (i > 0 && t.blocks[i].end_record <= previous) throw damaged("is out of order");
        previous = t.blocks[i].end_record;
    }
    return t;
}

std::string read_string(const std::uint8_t* p, std::size_t len) {
    const void* nul = std::memchr(p, 0, len);
    const std::size_t n =
        nul ? static_cast<std::size_t>(static_cast<const std::uint8_t*>(nul) - p) : len;
    return std::string(reinterpret_cast<const char*>(p), n);
}

}  // namespace

ByteOrder host_byte_order() {
    return std::endian::native == std::endian::little ? ByteOrder::little : ByteOrder::big;
}

Header Header::for_capture(std::uint16_t export_version, std::uint32_t cap_start,
                           std::string hostname, bool compressed,
                           std::optional<std::string> comments, ByteOrder order) {
    Header h;
    h.byte_order = order;
    h.flags = compressed ? header_flag::compress : 0;
    h.export_version = export_version;
    h.cap_start = cap_start;
    h.cap_end = 0;
    h.flow_count = 0;
    h.lost_flows = 0;
    h.corrupt_packets = 0;
    h.seq_resets = 0;
    h.hostname = std::move(hostname);
    h.comments = std::move(comments);
    return h;
}

std::vector<std::uint8_t> encode_header(const Header& h) {
    // The IPv6 series has a stream version of its own so that flow-tools'
    // header reader fails on it: flow-cat DIR (which does not check names)
    // then says "ignoring" and goes on, instead of stopping at a record
    // type it does not know.
    TlvEncoder enc(h.byte_order, h.export_version == ipv6_export_version ? ipv6_stream_version
                                                                         : stream_version_3);
    // Ascending type order, each TLV only when set: the order flow-tools uses.
    if (h.vendor) enc.put_u8(tlv::vendor, *h.vendor);
    if (h.export_version) enc.put_u16(tlv::export_version, *h.export_version);
    if (h.agg_version) enc.put_u8(tlv::agg_version, *h.agg_version);
    if (h.agg_method) enc.put_u8(tlv::agg_method, *h.agg_method);
    if (h.exporter_ip) enc.put_u32(tlv::exporter_ip, *h.exporter_ip);
    if (h.cap_start) enc.put_u32(tlv::cap_start, *h.cap_start);
    if (h.cap_end) enc.put_u32(tlv::cap_end, *h.cap_end);
    enc.put_u32(tlv::flags, h.flags);
    if (h.rotation) enc.put_u32(tlv::rotation, *h.rotation);
    if (h.flow_count) enc.put_u32(tlv::flow_count, *h.flow_count);
    if (h.lost_flows) enc.put_u32(tlv::lost_flows, *h.lost_flows);
    if (h.misordered) enc.put_u32(tlv::misordered, *h.misordered);
    if (h.corrupt_packets) enc.put_u32(tlv::corrupt_packets, *h.corrupt_packets);
    if (h.seq_resets) enc.put_u32(tlv::seq_resets, *h.seq_resets);
    if (h.hostname) enc.put_string(tlv::hostname, *h.hostname);
    if (h.comments) enc.put_string(tlv::comments, *h.comments);
    // XLATE only ever exists in memory (set by readers of stream version 1).

    std::vector<std::uint8_t>& out = enc.bytes();
    std::size_t total = out.size();
    if (h.block_checksums) total += 4 + block_table_value_size(h.block_checksums->capacity);
    total = (total + 3) & ~std::size_t{3};
    if (total > max_header_size)
        throw Error("header too large (" + std::to_string(total) + " bytes, at most " +
                    std::to_string(max_header_size) + ")");
    if (h.block_checksums) {
        if (h.block_checksums->blocks.size() > h.block_checksums->capacity)
            throw Error("header block checksum table holds more blocks than it reserved");
        enc.put_block_checksums(*h.block_checksums, static_cast<std::uint32_t>(total));
    }
    out.resize(total, 0);
    enc.stamp_preamble(static_cast<std::uint32_t>(total));
    return out;
}

std::uint32_t decode_header_size(std::span<const std::uint8_t> preamble,
                                 const std::string& source) {
    if (preamble.size() < 4)
        throw Error(source + ": not a flow file: " + std::to_string(preamble.size()) +
                    " bytes, too short for a header");
    if (preamble[0] != magic1 || preamble[1] != magic2)
        throw Error(source + ": not a flow file: bad magic number");
    const std::uint8_t order = preamble[2];
    if (order != 1 && order != 2)
        throw Error(source + ": bad byte order " + std::to_string(order) +
                    " in header (expected 1 little or 2 big)");
    const std::uint8_t version = preamble[3];
    if (version == 1)
        throw Error(source +
                    ": stream version 1 (flow-tools before 0.60) is not supported; convert it "
                    "with flow-cat");
    if (version != stream_version_3 && version != ipv6_stream_version)
        throw Error(source + ": stream format must be 1 or 3, not " + std::to_string(version));
    if (preamble.size() < header_preamble_size)
        throw Error(source + ": short read while loading header length");
    const std::uint32_t size = load_as<std::uint32_t>(
        preamble.data() + 4, static_cast<ByteOrder>(order) != host_byte_order());
    if (size < header_preamble_size || size > max_header_size)
        throw Error(source + ": bad header length " + std::to_string(size) + " (expected 8.." +
                    std::to_string(max_header_size) + ")");
    return size;
}

Header decode_header(std::span<const std::uint8_t> bytes, const std::string& source) {
    const std::uint32_t size = decode_header_size(bytes, source);
    if (bytes.size() < size)
        throw Error(source + ": short read while loading header (" + std::to_string(bytes.size()) +
                    " of " + std::to_string(size) + " bytes)");

    Header h;
    h.byte_order = static_cast<ByteOrder>(bytes[2]);
    h.size = size;
    const bool swap = needs_swap(h.byte_order);

    std::size_t off = header_preamble_size;
    // Fewer than 4 bytes left is the 0..3 byte padding (file-format.md §3.2).
    while (off + 4 <= size) {
        const std::uint16_t type = load_as<std::uint16_t>(&bytes[off], swap);
        const std::uint16_t len = load_as<std::uint16_t>(&bytes[off + 2], swap);
        const std::uint8_t* v = &bytes[off + 4];
        // flow-tools ignores the rest; but no writer makes such a header, and
        // what is lost may be the flags or the checksum table, after which
        // the records would be read the wrong way unchecked.
        if (off + 4 + len > size)
            throw Error(source + ": header damaged: TLV at byte " + std::to_string(off) +
                        " runs past the header length " + std::to_string(size));
        off += 4 + std::size_t{len};

        auto u8 = [&](std::optional<std::uint8_t>& field) {
            if (len >= 1) field = v[0];
        };
        auto u32 = [&](std::optional<std::uint32_t>& field) {
            if (len >= 4) field = load_as<std::uint32_t>(v, swap);
        };
        switch (type) {
            case tlv::vendor:
                u8(h.vendor);
                break;
            case tlv::export_version:
                if (len >= 2) h.export_version = load_as<std::uint16_t>(v, swap);
                break;
            case tlv::agg_version:
                u8(h.agg_version);
                break;
            case tlv::agg_method:
                u8(h.agg_method);
                break;
            case tlv::exporter_ip:
                u32(h.exporter_ip);
                break;
            case tlv::cap_start:
                u32(h.cap_start);
                break;
            case tlv::cap_end:
                u32(h.cap_end);
                break;
            case tlv::flags:
                if (len >= 4) h.flags = load_as<std::uint32_t>(v, swap);
                break;
            case tlv::rotation:
                u32(h.rotation);
                break;
            case tlv::flow_count:
                u32(h.flow_count);
                break;
            case tlv::lost_flows:
                u32(h.lost_flows);
                break;
            case tlv::misordered:
                u32(h.misordered);
                break;
            case tlv::corrupt_packets:
                u32(h.corrupt_packets);
                break;
            case tlv::seq_resets:
                u32(h.seq_resets);
                break;
            case tlv::hostname:
                h.hostname = read_string(v, len);
                break;
            case tlv::comments:
                h.comments = read_string(v, len);
                break;
            case tlv::block_checksums:
                h.block_checksums = decode_block_checksums(bytes, off - 4 - len, len, swap, source);
                break;
            default:
                break;  // NULL, interface name/alias (broken encoder upstream), unknown
        }
    }
    // Each series' stream version goes with its export version only: a
    // mismatch would read records with the other series' layout.
    const bool ipv6_stream = bytes[3] == ipv6_stream_version;
    if (ipv6_stream != (h.export_version == ipv6_export_version))
        throw Error(source + ": header damaged: stream version " + std::to_string(bytes[3]) +
                    (ipv6_stream ? " (the IPv6 series) without export version "
                                 : " with the IPv6 series' export version ") +
                    std::to_string(ipv6_export_version));
    return h;
}

}  // namespace flowfile
