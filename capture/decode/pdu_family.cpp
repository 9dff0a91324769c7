#include "pdu_family.hpp"

#include <string>

#include "pdu_bytes.hpp"

namespace capture {

namespace pdu {

void decode_v5_style(std::span<const std::uint8_t> pdu, const FixedLayout& layout,
                     const V5StyleQuirks& quirks, std::uint32_t exporter,
                     std::uint16_t stored_version, std::span<flowfile::Record> out) {
    const ExportClock clock = read_export_clock(pdu.data());
    const std::uint8_t engine_type = pdu[engine_type_offset];
    const std::uint8_t engine_id = pdu[engine_id_offset];
    const bool routing = stores_routing(stored_version);
    const bool keeps_router_sc = quirks.router_sc_offset != 0 && stored_version == 7;
    const std::uint8_t* rec = pdu.data() + layout.header_size;
    for (flowfile::Record& r : out) {
        stamp(r, clock, exporter);
        read_flow_core(rec, r);
        read_v5_flags(rec, r);
        if (routing) {
            r.engine_type = quirks.engine_id_as_type ? engine_id : engine_type;
            r.engine_id = quirks.engine_id_as_type ? 0 : engine_id;
            read_v5_routing(rec, r);
        }
        if (keeps_router_sc) r.router_sc = be32(rec + quirks.router_sc_offset);
        rec += layout.record_size;
    }
}

bool FixedLayoutFamily::verify(std::span<const std::uint8_t> pdu, const LogSink& log) const {
    const std::uint16_t count = be16(pdu.data() + count_offset);
    if (count > layout_.max_records) {
        if (explains_failures_ && log)
            log("too many pdus (" + std::to_string(count) + ") in record, max " +
                std::to_string(layout_.max_records));
        return false;
    }
    const std::size_t computed = layout_.header_size + count * layout_.record_size;
    if (pdu.size() != computed) {
        // flow-tools prints the received length after "expected" and the
        // computed one after "got"; operators' log parsers know it that way.
        if (explains_failures_ && log)
            log("pdu received size was wrong.  expected " + std::to_string(pdu.size()) + " got " +
                std::to_string(computed));
        return false;
    }
    return true;
}

PduSummary FixedLayoutFamily::summarize(std::span<const std::uint8_t> pdu) const {
    PduSummary s;
    s.version = layout_.version;
    s.count = be16(pdu.data() + count_offset);
    s.sequenced = layout_.sequenced;
    if (s.sequenced) {
        s.flow_sequence = be32(pdu.data() + sequence_offset);
        s.engine_index =
            static_cast<std::uint16_t>((pdu[engine_id_offset] << 8) | pdu[engine_type_offset]);
    }
    return s;
}

bool FixedLayoutFamily::can_store_as(std::uint16_t stored_version) const {
    return is_storable_version(stored_version);
}

}  // namespace pdu

const PduFamily* find_pdu_family(std::uint16_t version) {
    switch (version) {
        case 1:
            return &pdu::netflow_v1_family();
        case 5:
            return &pdu::netflow_v5_family();
        case 6:
            return &pdu::netflow_v6_family();
        case 7:
            return &pdu::netflow_v7_family();
        case 8:
            return &pdu::netflow_v8_family();
        default:
            return nullptr;
    }
}

bool is_storable_version(std::uint16_t stored_version) {
    switch (stored_version) {
        case 1:
        case 5:
        case 6:
        case 7:
        case 1005:
            return true;
        default:
            return false;
    }
}

}  // namespace capture
