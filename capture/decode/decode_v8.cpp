// NetFlow v8 (router aggregation).  flowkeep writes no v8 files, so a v8 PDU
// can never be stored; it is still verified exactly as flow-tools does, so a
// malformed one is reported as malformed and a well-formed one as
// untranslatable (netflow-pdus.md §4, checks 3-5 and 7).

#include <array>

#include "pdu_bytes.hpp"

namespace capture::pdu {

namespace {

constexpr std::size_t v8_header_size = 28;
// flow-tools checks this much before it looks at the aggregation fields.
constexpr std::size_t v8_min_length = 24;
constexpr std::size_t aggregation_offset = 22;
constexpr std::size_t agg_version_offset = 23;

struct AggregationLayout {
    std::uint8_t record_size;
    std::uint8_t max_records;
};

// Indexed by aggregation method 1..14 (§3.5).
constexpr std::array<AggregationLayout, 15> aggregations{{
    {0, 0},    // no method 0
    {28, 51},  // 1 AS
    {28, 51},  // 2 protocol/port
    {32, 44},  // 3 source prefix
    {32, 44},  // 4 destination prefix
    {40, 35},  // 5 prefix
    {32, 44},  // 6 destination (Catalyst)
    {40, 35},  // 7 source/destination (Catalyst)
    {44, 32},  // 8 full flow (Catalyst)
    {32, 44},  // 9 ToS/AS
    {32, 44},  // 10 ToS/protocol/port
    {32, 44},  // 11 ToS/source prefix
    {32, 44},  // 12 ToS/destination prefix
    {40, 35},  // 13 ToS/prefix
    {40, 35},  // 14 ToS/prefix/port
}};

// Catalyst methods pad their datagrams; only a short one is an error.
bool is_padded_method(std::uint8_t method) {
    return method >= 6 && method <= 8;
}

class NetflowV8 final : public PduFamily {
  public:
    std::uint16_t version() const override { return 8; }

    // flow-tools explains none of these failures.
    bool verify(std::span<const std::uint8_t> pdu, const LogSink&) const override {
        if (pdu.size() < v8_min_length) return false;
        std::uint8_t agg_version = pdu[agg_version_offset];
        if (agg_version == 0) agg_version = 2;  // old exporters leave it unset
        if (agg_version != 2) return false;
        const std::uint8_t method = pdu[aggregation_offset];
        if (method < 1 || method >= aggregations.size()) return false;
        const AggregationLayout layout = aggregations[method];
        const std::uint16_t count = be16(pdu.data() + count_offset);
        if (count > layout.max_records) return false;
        const std::size_t computed = v8_header_size + std::size_t{count} * layout.record_size;
        if (is_padded_method(method)) return pdu.size() >= computed;
        return pdu.size() == computed;
    }

    PduSummary summarize(std::span<const std::uint8_t> pdu) const override {
        PduSummary s;
        s.version = 8;
        s.count = be16(pdu.data() + count_offset);
        s.sequenced = true;
        s.flow_sequence = be32(pdu.data() + sequence_offset);
        s.engine_index =
            static_cast<std::uint16_t>((pdu[engine_id_offset] << 8) | pdu[engine_type_offset]);
        return s;
    }

    bool can_store_as(std::uint16_t) const override { return false; }

    // Unreachable: the decoder stores nothing it cannot store.
    void decode(std::span<const std::uint8_t>, std::uint32_t, std::uint16_t,
                std::span<flowfile::Record>) const override {}
};

}  // namespace

const PduFamily& netflow_v8_family() {
    static const NetflowV8 family;
    return family;
}

}  // namespace capture::pdu
