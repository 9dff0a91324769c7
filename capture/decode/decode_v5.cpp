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
        decode_v5_style(pdu, v5_layout, {}, exporter, stored_version, out);
    }
};

}  // namespace

const PduFamily& netflow_v5_family() {
    static const NetflowV5 family;
    return family;
}

}  // namespace capture::pdu
