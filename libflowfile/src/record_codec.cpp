#include "record_codec.hpp"

#include <cstddef>
#include <cstring>

#include "byte_order.hpp"

namespace flowfile::detail {

namespace {

// Record's first 64 bytes are laid out exactly like a stored v5 record, so a
// file in host order decodes with one copy.
static_assert(offsetof(Record, srcaddr) == 16 && offsetof(Record, input) == 28 &&
              offsetof(Record, dpkts) == 32 && offsetof(Record, srcport) == 48 &&
              offsetof(Record, prot) == 52 && offsetof(Record, pad) == 55 &&
              offsetof(Record, engine_type) == 56 && offsetof(Record, src_as) == 60 &&
              offsetof(Record, dst_as) == 62 && offsetof(Record, in_encaps) == 64);

// Zeroing field by field: assigning Record{} per record costs more than the
// decoding itself.
void clear_v5_extras(Record& r) {
    r.in_encaps = 0;
    r.out_encaps = 0;
    r.peer_nexthop = 0;
    r.router_sc = 0;
    r.src_tag = 0;
    r.dst_tag = 0;
}

// Offsets 0..54 are shared by v1, v5, v6, v7 and v1005.
template <bool S>
void decode_common(const std::uint8_t* p, Record& r) {
    r.unix_secs = load<S, std::uint32_t>(p + 0);
    r.unix_nsecs = load<S, std::uint32_t>(p + 4);
    r.sysuptime = load<S, std::uint32_t>(p + 8);
    r.exaddr = load<S, std::uint32_t>(p + 12);
    r.srcaddr = load<S, std::uint32_t>(p + 16);
    r.dstaddr = load<S, std::uint32_t>(p + 20);
    r.nexthop = load<S, std::uint32_t>(p + 24);
    r.input = load<S, std::uint16_t>(p + 28);
    r.output = load<S, std::uint16_t>(p + 30);
    r.dpkts = load<S, std::uint32_t>(p + 32);
    r.doctets = load<S, std::uint32_t>(p + 36);
    r.first = load<S, std::uint32_t>(p + 40);
    r.last = load<S, std::uint32_t>(p + 44);
    r.srcport = load<S, std::uint16_t>(p + 48);
    r.dstport = load<S, std::uint16_t>(p + 50);
    r.prot = p[52];
    r.tos = p[53];
    r.tcp_flags = p[54];
    r.pad = p[55];
}

template <bool S>
void encode_common(const Record& r, std::uint8_t* p) {
    store<S>(p + 0, r.unix_secs);
    store<S>(p + 4, r.unix_nsecs);
    store<S>(p + 8, r.sysuptime);
    store<S>(p + 12, r.exaddr);
    store<S>(p + 16, r.srcaddr);
    store<S>(p + 20, r.dstaddr);
    store<S>(p + 24, r.nexthop);
    store<S>(p + 28, r.input);
    store<S>(p + 30, r.output);
    store<S>(p + 32, r.dpkts);
    store<S>(p + 36, r.doctets);
    store<S>(p + 40, r.first);
    store<S>(p + 44, r.last);
    store<S>(p + 48, r.srcport);
    store<S>(p + 50, r.dstport);
    p[52] = r.prot;
    p[53] = r.tos;
    p[54] = r.tcp_flags;
    p[55] = r.pad;
}

// Bytes 56..63 of v5, v6, v7 and v1005.
template <bool S>
void decode_v5_tail(const std::uint8_t* p, Record& r) {
    r.engine_type = p[56];
    r.engine_id = p[57];
    r.src_mask = p[58];
    r.dst_mask = p[59];
    r.src_as = load<S, std::uint16_t>(p + 60);
    r.dst_as = load<S, std::uint16_t>(p + 62);
}

template <bool S>
void encode_v5_tail(const Record& r, std::uint8_t* p) {
    p[56] = r.engine_type;
    p[57] = r.engine_id;
    p[58] = r.src_mask;
    p[59] = r.dst_mask;
    store<S>(p + 60, r.src_as);
    store<S>(p + 62, r.dst_as);
}

template <bool S>
struct V1 {
    static constexpr std::size_t size = 60;
    static void decode(const std::uint8_t* p, Record& r) {
        decode_common<S>(p, r);
        r.engine_type = 0;
        r.engine_id = 0;
        r.src_mask = 0;
        r.dst_mask = 0;
        r.src_as = 0;
        r.dst_as = 0;
        clear_v5_extras(r);
    }
    static void encode(const Record& r, std::uint8_t* p) {
        encode_common<S>(r, p);
        std::memset(p + 56, 0, 4);  // reserved
    }
};

template <bool S>
struct V5 {
    static constexpr std::size_t size = 64;
    static void decode(const std::uint8_t* p, Record& r) {
        if constexpr (S) {
            decode_common<S>(p, r);
            decode_v5_tail<S>(p, r);
        } else {
            std::memcpy(static_cast<void*>(&r), p, 64);
        }
        clear_v5_extras(r);
    }
    static void encode(const Record& r, std::uint8_t* p) {
        encode_common<S>(r, p);
        encode_v5_tail<S>(r, p);
    }
};

template <bool S>
struct V6 {
    static constexpr std::size_t size = 72;
    static void decode(const std::uint8_t* p, Record& r) {
        V5<S>::decode(p, r);
        r.in_encaps = p[64];
        r.out_encaps = p[65];
        r.peer_nexthop = load<S, std::uint32_t>(p + 68);
    }
    static void encode(const Record& r, std::uint8_t* p) {
        V5<S>::encode(r, p);
        p[64] = r.in_encaps;
        p[65] = r.out_encaps;
        p[66] = 0;
        p[67] = 0;
        store<S>(p + 68, r.peer_nexthop);
    }
};

template <bool S>
struct V7 {
    static constexpr std::size_t size = 68;
    static void decode(const std::uint8_t* p, Record& r) {
        V5<S>::decode(p, r);
        r.router_sc = load<S, std::uint32_t>(p + 64);
    }
    static void encode(const Record& r, std::uint8_t* p) {
        V5<S>::encode(r, p);
        store<S>(p + 64, r.router_sc);
    }
};

template <bool S>
struct V1005 {
    static constexpr std::size_t size = 72;
    static void decode(const std::uint8_t* p, Record& r) {
        V5<S>::decode(p, r);
        r.src_tag = load<S, std::uint32_t>(p + 64);
        r.dst_tag = load<S, std::uint32_t>(p + 68);
    }
    static void encode(const Record& r, std::uint8_t* p) {
        V5<S>::encode(r, p);
        store<S>(p + 64, r.src_tag);
        store<S>(p + 68, r.dst_tag);
    }
};

template <class Layout>
void decode_many(const std::uint8_t* src, std::size_t count, Record* out) {
    for (std::size_t i = 0; i < count; ++i) Layout::decode(src + i * Layout::size, out[i]);
}

template <class Layout>
void encode_many(const Record* in, std::size_t count, std::uint8_t* dst) {
    for (std::size_t i = 0; i < count; ++i) Layout::encode(in[i], dst + i * Layout::size);
}

template <class Layout>
constexpr RecordCodec make_codec() {
    return RecordCodec{Layout::size, &decode_many<Layout>, &encode_many<Layout>};
}

// Index 0: file order equals host order; index 1: swapped.
constexpr RecordCodec v1_codecs[2] = {make_codec<V1<false>>(), make_codec<V1<true>>()};
constexpr RecordCodec v5_codecs[2] = {make_codec<V5<false>>(), make_codec<V5<true>>()};
constexpr RecordCodec v6_codecs[2] = {make_codec<V6<false>>(), make_codec<V6<true>>()};
constexpr RecordCodec v7_codecs[2] = {make_codec<V7<false>>(), make_codec<V7<true>>()};
constexpr RecordCodec v1005_codecs[2] = {make_codec<V1005<false>>(), make_codec<V1005<true>>()};

}  // namespace

const RecordCodec* codec_for(std::uint16_t export_version, ByteOrder order) {
    const int swapped = order != host_byte_order() ? 1 : 0;
    switch (export_version) {
        case 1:
            return &v1_codecs[swapped];
        case 5:
            return &v5_codecs[swapped];
        case 6:
            return &v6_codecs[swapped];
        case 7:
            return &v7_codecs[swapped];
        case 1005:
            return &v1005_codecs[swapped];
        default:
            return nullptr;
    }
}

}  // namespace flowfile::detail
