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
        const ExportClock clock = read_export_clock(pdu.data());
        const std::uint8_t engine_id = pdu[engine_id_offset];
        const bool routing = stores_routing(stored_version);
        const std::uint8_t* rec = pdu.data() + v6_layout.header_size;
        for (flowfile::Record& r : out) {
            r = flowfile::Record{};
            stamp(r, clock, exporter);
            read_flow_core(rec, r);
            read_v5_flags(rec, r);
            if (routing) {
                r.engine_type = engine_id;
                read_v5_routing(rec, r);
            }
            rec += v6_layout.record_size;
        }
    }
};

}  // namespace

const PduFamily& netflow_v6_family() {
    static const NetflowV6 family;
    return family;
}

}  // namespace capture::pdu
