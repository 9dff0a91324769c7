#pragma once

// Reading the fixed-layout NetFlow PDUs (v1, v5, v6, v7) straight from the
// datagram: network byte order, offsets of netflow-pdus.md §2 and §3.  Used by
// the decode_v*.cpp families, and by the receiving thread for what a datagram
// it cannot decode announced.

#include <cstdint>
#include <span>

#include "daemon/log_sink.hpp"
#include "flowfile/record.hpp"
#include "pdu_family.hpp"

namespace capture::pdu {

inline std::uint16_t be16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

inline std::uint32_t be32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
}

// Header offsets shared by every version.
inline constexpr std::size_t version_offset = 0;
inline constexpr std::size_t count_offset = 2;
// v5/v6/v7/v8 only.
inline constexpr std::size_t sequence_offset = 16;
inline constexpr std::size_t engine_type_offset = 20;
inline constexpr std::size_t engine_id_offset = 21;

// The record count the header announces (v9: templates included); 0 when
// the datagram is too short to hold one, and for IPFIX, whose header gives
// the message length instead.
inline std::uint16_t announced_count(std::span<const std::uint8_t> pdu) {
    if (pdu.size() < count_offset + 2 || be16(pdu.data() + version_offset) == 10) return 0;
    return be16(pdu.data() + count_offset);
}

// The header fields copied into every record of a PDU (§5.1); they sit at the
// same offsets in all versions.
struct ExportClock {
    std::uint32_t sysuptime = 0;
    std::uint32_t unix_secs = 0;
    std::uint32_t unix_nsecs = 0;
};

inline ExportClock read_export_clock(const std::uint8_t* pdu) {
    return {be32(pdu + 4), be32(pdu + 8), be32(pdu + 12)};
}

inline void stamp(flowfile::Record& r, const ExportClock& clock, std::uint32_t exporter) {
    r.unix_secs = clock.unix_secs;
    r.unix_nsecs = clock.unix_nsecs;
    r.sysuptime = clock.sysuptime;
    r.exaddr = exporter;
}

// Record bytes 0..35 mean the same in v1, v5, v6 and v7 PDUs.
inline void read_flow_core(const std::uint8_t* p, flowfile::Record& r) {
    r.srcaddr = be32(p);
    r.dstaddr = be32(p + 4);
    r.nexthop = be32(p + 8);
    r.input = be16(p + 12);
    r.output = be16(p + 14);
    r.dpkts = be32(p + 16);
    r.doctets = be32(p + 20);
    r.first = be32(p + 24);
    r.last = be32(p + 28);
    r.srcport = be16(p + 32);
    r.dstport = be16(p + 34);
}

// Bytes 37..39 of v5/v6/v7 records; byte 36 (pad, or Cisco's v7 flags) is
// never stored.
inline void read_v5_flags(const std::uint8_t* p, flowfile::Record& r) {
    r.tcp_flags = p[37];
    r.prot = p[38];
    r.tos = p[39];
}

// Bytes 40..45 of v5/v6/v7 records.
inline void read_v5_routing(const std::uint8_t* p, flowfile::Record& r) {
    r.src_as = be16(p + 40);
    r.dst_as = be16(p + 42);
    r.src_mask = p[44];
    r.dst_mask = p[45];
}

// Whether a stored version keeps the engine, mask and AS fields (all but v1).
inline bool stores_routing(std::uint16_t stored_version) {
    return stored_version != 1;
}

// Layout of a fixed-size NetFlow version: header, then `count` records.
struct FixedLayout {
    std::uint16_t version;
    std::size_t header_size;
    std::size_t record_size;
    std::uint16_t max_records;
    bool sequenced;
};

// verify()/summarize()/can_store_as() of v1, v5, v6 and v7, which differ
// only in their layout and in how much flow-tools explains a failure.
// How v5, v6 and v7 records (alike up to byte 48) differ when stored.
struct V5StyleQuirks {
    // v6/v7: flow-tools stores the header's engine_id as engine_type and
    // leaves engine_id 0 (netflow-pdus.md §5.2); v5 copies both.
    bool engine_id_as_type = false;
    // v7: offset of router_sc in the record, kept only in v7 files.
    std::size_t router_sc_offset = 0;
};

// The record loop of v5, v6 and v7 PDUs.
void decode_v5_style(std::span<const std::uint8_t> pdu, const FixedLayout& layout,
                     const V5StyleQuirks& quirks, std::uint32_t exporter,
                     std::uint16_t stored_version, std::span<flowfile::Record> out);

class FixedLayoutFamily : public PduFamily {
  public:
    // `explains_failures`: flow-tools logs why a v5 PDU is rejected and stays
    // silent for the others.
    constexpr FixedLayoutFamily(FixedLayout layout, bool explains_failures)
        : layout_(layout), explains_failures_(explains_failures) {}

    std::uint16_t version() const override { return layout_.version; }
    bool verify(std::span<const std::uint8_t> pdu, const LogSink& log) const override;
    PduSummary summarize(std::span<const std::uint8_t> pdu) const override;
    bool can_store_as(std::uint16_t stored_version) const override;

  protected:
    const FixedLayout& layout() const { return layout_; }

  private:
    FixedLayout layout_;
    bool explains_failures_;
};

const PduFamily& netflow_v1_family();
const PduFamily& netflow_v5_family();
const PduFamily& netflow_v6_family();
const PduFamily& netflow_v7_family();
const PduFamily& netflow_v8_family();

}  // namespace capture::pdu
