// The stored layout of the IPv6 series (flow-file(5)): 132 bytes, the
// addresses in network order as on the wire, every integer in the file's
// byte order like the rest of a flow-tools file.

#include <cstring>

#include "byte_order.hpp"
#include "record_codec.hpp"

namespace flowfile::detail {

namespace {

template <bool S>
void decode_one(const std::uint8_t* p, Record6& r) {
    std::memcpy(r.srcaddr.data(), p + 0, 16);
    std::memcpy(r.dstaddr.data(), p + 16, 16);
    std::memcpy(r.nexthop.data(), p + 32, 16);
    std::memcpy(r.exaddr.data(), p + 48, 16);
    r.dpkts = load<S, std::uint64_t>(p + 64);
    r.doctets = load<S, std::uint64_t>(p + 72);
    r.start_ms = static_cast<std::int64_t>(load<S, std::uint64_t>(p + 80));
    r.end_ms = static_cast<std::int64_t>(load<S, std::uint64_t>(p + 88));
    r.input = load<S, std::uint32_t>(p + 96);
    r.output = load<S, std::uint32_t>(p + 100);
    r.src_as = load<S, std::uint32_t>(p + 104);
    r.dst_as = load<S, std::uint32_t>(p + 108);
    r.flow_label = load<S, std::uint32_t>(p + 112);
    r.domain = load<S, std::uint32_t>(p + 116);
    r.srcport = load<S, std::uint16_t>(p + 120);
    r.dstport = load<S, std::uint16_t>(p + 122);
    r.prot = p[124];
    r.traffic_class = p[125];
    r.tcp_flags = p[126];
    r.src_mask = p[127];
    r.dst_mask = p[128];
    r.engine_type = p[129];
    r.engine_id = p[130];
    r.pad = p[131];
}

template <bool S>
void encode_one(const Record6& r, std::uint8_t* p) {
    std::memcpy(p + 0, r.srcaddr.data(), 16);
    std::memcpy(p + 16, r.dstaddr.data(), 16);
    std::memcpy(p + 32, r.nexthop.data(), 16);
    std::memcpy(p + 48, r.exaddr.data(), 16);
    store<S>(p + 64, r.dpkts);
    store<S>(p + 72, r.doctets);
    store<S>(p + 80, static_cast<std::uint64_t>(r.start_ms));
    store<S>(p + 88, static_cast<std::uint64_t>(r.end_ms));
    store<S>(p + 96, r.input);
    store<S>(p + 100, r.output);
    store<S>(p + 104, r.src_as);
    store<S>(p + 108, r.dst_as);
    store<S>(p + 112, r.flow_label);
    store<S>(p + 116, r.domain);
    store<S>(p + 120, r.srcport);
    store<S>(p + 122, r.dstport);
    p[124] = r.prot;
    p[125] = r.traffic_class;
    p[126] = r.tcp_flags;
    p[127] = r.src_mask;
    p[128] = r.dst_mask;
    p[129] = r.engine_type;
    p[130] = r.engine_id;
    p[131] = r.pad;
}

template <bool S>
void decode_many(const std::uint8_t* src, std::size_t count, Record6* out) {
    for (std::size_t i = 0; i < count; ++i) decode_one<S>(src + i * record6_size, out[i]);
}

template <bool S>
void encode_many(const Record6* in, std::size_t count, std::uint8_t* dst) {
    for (std::size_t i = 0; i < count; ++i) encode_one<S>(in[i], dst + i * record6_size);
}

// Index 0: file order equals host order; index 1: swapped.
constexpr Record6Codec codecs[2] = {
    {record6_size, &decode_many<false>, &encode_many<false>},
    {record6_size, &decode_many<true>, &encode_many<true>},
};

}  // namespace

const Record6Codec& codec6_for(ByteOrder order) {
    return codecs[order != host_byte_order() ? 1 : 0];
}

}  // namespace flowfile::detail
