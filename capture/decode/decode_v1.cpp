// NetFlow v1: 16-byte header without sequence or engine, 48-byte records.

#include "pdu_bytes.hpp"

namespace capture::pdu {

namespace {

constexpr FixedLayout v1_layout{
    .version = 1, .header_size = 16, .record_size = 48, .max_records = 24, .sequenced = false};

class NetflowV1 final : public FixedLayoutFamily {
  public:
    NetflowV1() : FixedLayoutFamily(v1_layout, false) {}

    void decode(std::span<const std::uint8_t> pdu, std::uint32_t exporter,
                std::uint16_t stored_version, std::span<flowfile::Record> out) const override {
        const ExportClock clock = read_export_clock(pdu.data());
        // flow-tools' v1->v5/v6/v7 translation assigns output to itself
        // (`rec_v5->output = rec_v5->output`), so those files get output 0.
        // A v1005 file goes through the v5->v1005 routine instead, which reads
        // output at the same offset of the v1 record and so keeps it.
        const bool output_lost = stored_version != 1 && stored_version != 1005;
        const std::uint8_t* rec = pdu.data() + v1_layout.header_size;
        for (flowfile::Record& r : out) {
            stamp(r, clock, exporter);
            read_flow_core(rec, r);
            r.prot = rec[38];
            r.tos = rec[39];
            r.tcp_flags = rec[40];
            if (output_lost) r.output = 0;
            rec += v1_layout.record_size;
        }
    }
};

}  // namespace

const PduFamily& netflow_v1_family() {
    static const NetflowV1 family;
    return family;
}

}  // namespace capture::pdu
