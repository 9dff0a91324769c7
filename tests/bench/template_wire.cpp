#include "template_wire.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>

namespace flowkeep::bench {

namespace {

// One field of the template, with its length in each protocol: v9 exporters
// send Cisco's widths (2-byte ifIndex and AS, 4-byte counters), IPFIX ones the
// information model's full widths (4-byte ifIndex and AS, 8-byte counters,
// 2-byte TCP flags per RFC 7125).
struct Field {
    std::uint16_t v9_id, ipfix_id;
    std::uint8_t v9_length, ipfix_length;
};

// v9 gives the flow's times as sysUpTime at its first and last packet
// (FIRST_SWITCHED 22, LAST_SWITCHED 21: the end has the lower number), IPFIX
// as absolute flowStart/EndMilliseconds (152, 153).
constexpr std::array<Field, 18> fields{{
    {8, 8, 4, 4},     // sourceIPv4Address
    {12, 12, 4, 4},   // destinationIPv4Address
    {15, 15, 4, 4},   // ipNextHopIPv4Address
    {10, 10, 2, 4},   // ingressInterface (v9 INPUT_SNMP)
    {14, 14, 2, 4},   // egressInterface (v9 OUTPUT_SNMP)
    {2, 2, 4, 8},     // packetDeltaCount (v9 IN_PKTS)
    {1, 1, 4, 8},     // octetDeltaCount (v9 IN_BYTES)
    {22, 152, 4, 8},  // v9 FIRST_SWITCHED / flowStartMilliseconds
    {21, 153, 4, 8},  // v9 LAST_SWITCHED / flowEndMilliseconds
    {7, 7, 2, 2},     // sourceTransportPort
    {11, 11, 2, 2},   // destinationTransportPort (ICMP: type * 256 + code)
    {6, 6, 1, 2},     // tcpControlBits
    {4, 4, 1, 1},     // protocolIdentifier
    {5, 5, 1, 1},     // ipClassOfService
    {16, 16, 2, 4},   // bgpSourceAsNumber
    {17, 17, 2, 4},   // bgpDestinationAsNumber
    {9, 9, 1, 1},     // sourceIPv4PrefixLength
    {13, 13, 1, 1},   // destinationIPv4PrefixLength
}};

constexpr std::size_t set_header_bytes = 4;
constexpr std::size_t template_set_bytes = set_header_bytes + 4 + fields.size() * 4;

std::size_t header_bytes(bool ipfix) {
    return ipfix ? 16 : 20;
}

std::size_t record_bytes(bool ipfix) {
    std::size_t n = 0;
    for (const Field& f : fields) n += ipfix ? f.ipfix_length : f.v9_length;
    return n;
}

std::uint8_t* put8(std::uint8_t* p, std::uint8_t v) {
    *p = v;
    return p + 1;
}
std::uint8_t* put16(std::uint8_t* p, std::uint16_t v) {
    v = htons(v);
    std::memcpy(p, &v, 2);
    return p + 2;
}
std::uint8_t* put32(std::uint8_t* p, std::uint32_t v) {
    v = htonl(v);
    std::memcpy(p, &v, 4);
    return p + 4;
}
std::uint8_t* put64(std::uint8_t* p, std::uint64_t v) {
    p = put32(p, static_cast<std::uint32_t>(v >> 32));
    return put32(p, static_cast<std::uint32_t>(v));
}

// Milliseconds since 1970 of a model time given, as in a v5 record, in the
// exporter's sysUpTime: boot = export time - sysUpTime.
std::uint64_t unix_ms(const flowfile::Record& r, std::uint32_t uptime_ms) {
    const std::int64_t export_ms =
        std::int64_t{r.unix_secs} * 1000 + std::int64_t{r.unix_nsecs} / 1000000;
    return static_cast<std::uint64_t>(export_ms - std::int64_t{r.sysuptime} + uptime_ms);
}

std::uint8_t* put_template_set(std::uint8_t* p, bool ipfix) {
    p = put16(p, ipfix ? 2 : 0);
    p = put16(p, static_cast<std::uint16_t>(template_set_bytes));
    p = put16(p, TemplateExporter::template_id);
    p = put16(p, static_cast<std::uint16_t>(fields.size()));
    for (const Field& f : fields) {
        p = put16(p, ipfix ? f.ipfix_id : f.v9_id);
        p = put16(p, ipfix ? f.ipfix_length : f.v9_length);
    }
    return p;
}

std::uint8_t* put_v9_record(std::uint8_t* p, const flowfile::Record& r) {
    p = put32(p, r.srcaddr);
    p = put32(p, r.dstaddr);
    p = put32(p, r.nexthop);
    p = put16(p, r.input);
    p = put16(p, r.output);
    p = put32(p, r.dpkts);
    p = put32(p, r.doctets);
    p = put32(p, r.first);
    p = put32(p, r.last);
    p = put16(p, r.srcport);
    p = put16(p, r.dstport);
    p = put8(p, r.tcp_flags);
    p = put8(p, r.prot);
    p = put8(p, r.tos);
    p = put16(p, r.src_as);
    p = put16(p, r.dst_as);
    p = put8(p, r.src_mask);
    return put8(p, r.dst_mask);
}

std::uint8_t* put_ipfix_record(std::uint8_t* p, const flowfile::Record& r) {
    p = put32(p, r.srcaddr);
    p = put32(p, r.dstaddr);
    p = put32(p, r.nexthop);
    p = put32(p, r.input);
    p = put32(p, r.output);
    p = put64(p, r.dpkts);
    p = put64(p, r.doctets);
    p = put64(p, unix_ms(r, r.first));
    p = put64(p, unix_ms(r, r.last));
    p = put16(p, r.srcport);
    p = put16(p, r.dstport);
    p = put16(p, r.tcp_flags);
    p = put8(p, r.prot);
    p = put8(p, r.tos);
    p = put32(p, r.src_as);
    p = put32(p, r.dst_as);
    p = put8(p, r.src_mask);
    return put8(p, r.dst_mask);
}

}  // namespace

TemplateExporter::TemplateExporter(const TemplateWireSettings& settings, std::uint32_t domain)
    : settings_(settings), domain_(domain), record_bytes_(record_bytes(settings.version == 10)) {
    if (settings.version != 9 && settings.version != 10)
        throw std::invalid_argument("template export version must be 9 or 10");
    if (settings.refresh_datagrams == 0)
        throw std::invalid_argument("template refresh must be at least every datagram");
}

std::size_t TemplateExporter::capacity() const {
    const bool ipfix = settings_.version == 10;
    const std::size_t room = template_max_datagram_bytes - header_bytes(ipfix) - set_header_bytes -
                             (template_due_ ? template_set_bytes : 0);
    // v9 data sets are padded to 4 bytes (RFC 3954 §5.3), which must fit too.
    return ipfix ? room / record_bytes_ : (room & ~std::size_t{3}) / record_bytes_;
}

std::size_t TemplateExporter::encode(std::span<const flowfile::Record> flows,
                                     std::span<std::uint8_t> out) {
    const std::size_t n = std::min(flows.size(), capacity());
    if (n == 0 || out.size() < template_max_datagram_bytes) return 0;
    const bool ipfix = settings_.version == 10;
    // The header's clock is the export time of the newest flow: a router
    // sends the datagram once its last record is in.
    const flowfile::Record& newest = flows[n - 1];
    const bool with_template = template_due_;

    std::uint8_t* p = out.data() + header_bytes(ipfix);
    if (with_template) p = put_template_set(p, ipfix);
    std::uint8_t* set = p;
    p += set_header_bytes;
    for (std::size_t i = 0; i < n; ++i)
        p = ipfix ? put_ipfix_record(p, flows[i]) : put_v9_record(p, flows[i]);
    if (!ipfix)
        while ((p - set) % 4 != 0) *p++ = 0;
    put16(set, template_id);
    put16(set + 2, static_cast<std::uint16_t>(p - set));
    const auto length = static_cast<std::size_t>(p - out.data());

    std::uint8_t* h = out.data();
    if (ipfix) {
        h = put16(h, 10);
        h = put16(h, static_cast<std::uint16_t>(length));
        h = put32(h, newest.unix_secs);
        h = put32(h, sequence_);  // data records sent before this message
        put32(h, domain_);
        sequence_ += static_cast<std::uint32_t>(n);
    } else {
        h = put16(h, 9);
        // RFC 3954 §5.1: records of every kind, the template's included.
        h = put16(h, static_cast<std::uint16_t>(n + (with_template ? 1 : 0)));
        h = put32(h, newest.sysuptime);
        h = put32(h, newest.unix_secs);
        h = put32(h, sequence_);  // export packets sent before this one
        put32(h, domain_);
        ++sequence_;
    }

    if (with_template) {
        datagrams_since_template_ = 0;
        template_sent_at_ = newest.unix_secs;
    }
    ++datagrams_since_template_;
    template_due_ = datagrams_since_template_ >= settings_.refresh_datagrams ||
                    newest.unix_secs - template_sent_at_ >= settings_.refresh_seconds;
    return length;
}

}  // namespace flowkeep::bench
