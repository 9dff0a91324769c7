// NetFlow v7 (Catalyst switches): v5 plus the router shortcut address.

#include "pdu_bytes.hpp"

namespace capture::pdu {

namespace {

constexpr FixedLayout v7_layout{
    .version = 7, .header_size = 24, .record_size = 52, .max_records = 27, .sequenced = true};

constexpr std::size_t router_sc_offset = 48;

class NetflowV7 final : public FixedLayoutFamily {
  public:
    NetflowV7() : FixedLayoutFamily(v7_layout, false) {}

    // Like v6, flow-tools stores the header's engine_id as engine_type and
    // leaves engine_id 0; that quirk survives translation into v5 files.  The
    // record's flags byte (36) and flags/drops (46) are not stored.
    void decode(std::span<const std::uint8_t> pdu, std::uint32_t exporter,
                std::uint16_t stored_version, std::span<flowfile::Record> out) const override {
        decode_v5_style(pdu, v7_layout,
                        {.engine_id_as_type = true, .router_sc_offset = router_sc_offset}, exporter,
                        stored_version, out);
    }
};

}  // namespace

const PduFamily& netflow_v7_family() {
    static const NetflowV7 family;
    return family;
}

}  // namespace capture::pdu
