// NetFlow v5: 24-byte header, 48-byte records; the version flow-tools knows
// best and the only one whose rejections it explains.

#include "pdu_bytes.hpp"

namespace capture::pdu {

namespace {

constexpr FixedLayout v5_layout{
    .version = 5, .header_size = 24, .record_size = 48, .max_records = 30, .sequenced = true};

class NetflowV5 final : public FixedLayoutFamily {
  public:
    NetflowV5() : FixedLayoutFamily(v5_layout, true) {}

    void decode(std::span<const std::uint8_t> pdu, std::uint32_t exporter,
                std::uint16_t stored_version, std::span<flowfile::Record> out) const override {
        const ExportClock clock = read_export_clock(pdu.data());
        const std::uint8_t engine_type = pdu[engine_type_offset];
        const std::uint8_t engine_id = pdu[engine_id_offset];
        const bool routing = stores_routing(stored_version);
        const std::uint8_t* rec = pdu.data() + v5_layout.header_size;
        for (flowfile::Record& r : out) {
            r = flowfile::Record{};
            stamp(r, clock, exporter);
            read_flow_core(rec, r);
            read_v5_flags(rec, r);
            if (routing) {
                r.engine_type = engine_type;
                r.engine_id = engine_id;
                read_v5_routing(rec, r);
            }
            rec += v5_layout.record_size;
        }
    }
};

}  // namespace

const PduFamily& netflow_v5_family() {
    static const NetflowV5 family;
    return family;
}

}  // namespace capture::pdu
