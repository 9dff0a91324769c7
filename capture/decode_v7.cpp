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
        const ExportClock clock = read_export_clock(pdu.data());
        const std::uint8_t engine_id = pdu[engine_id_offset];
        const bool routing = stores_routing(stored_version);
        const bool keeps_router_sc = stored_version == 7;
        const std::uint8_t* rec = pdu.data() + v7_layout.header_size;
        for (flowfile::Record& r : out) {
            r = flowfile::Record{};
            stamp(r, clock, exporter);
            read_flow_core(rec, r);
            read_v5_flags(rec, r);
            if (routing) {
                r.engine_type = engine_id;
                read_v5_routing(rec, r);
            }
            if (keeps_router_sc) r.router_sc = be32(rec + router_sc_offset);
            rec += v7_layout.record_size;
        }
    }
};

}  // namespace

const PduFamily& netflow_v7_family() {
    static const NetflowV7 family;
    return family;
}

}  // namespace capture::pdu
