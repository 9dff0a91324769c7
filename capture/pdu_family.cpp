#include "pdu_family.hpp"

#include <string>

#include "pdu_bytes.hpp"

namespace capture {

namespace pdu {

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
