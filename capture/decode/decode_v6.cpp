// NetFlow v6: v5 plus encapsulation sizes and a peer next hop per record.

#include "pdu_bytes.hpp"

namespace capture::pdu {

namespace {

constexpr FixedLayout v6_layout{
    .version = 6, .header_size = 24, .record_size = 52, .max_records = 27, .sequenced = true};

class NetflowV6 final : public FixedLayoutFamily {
  public:
    NetflowV6() : FixedLayoutFamily(v6_layout, false) {}

    // flow-tools' v6 decoder stores the header's engine_id as engine_type,
    // leaves engine_id 0 and never copies in_encaps, out_encaps or
    // peer_nexthop (netflow-pdus.md §5.2): files hold zeros there.
    void decode(std::span<const std::uint8_t> pdu, std::uint32_t exporter,
                std::uint16_t stored_version, std::span<flowfile::Record> out) const override {
        decode_v5_style(pdu, v6_layout, {.engine_id_as_type = true}, exporter, stored_version, out);
    }
};

}  // namespace

const PduFamily& netflow_v6_family() {
    static const NetflowV6 family;
    return family;
}

}  // namespace capture::pdu
