// NetFlow v9 (RFC 3954 §5.1): a 20-byte header with the exporter's uptime,
// then template (ID 0), options template (ID 1) and data sets.

#include "pdu_bytes.hpp"
#include "template_sets.hpp"

namespace capture::pdu {

namespace {

constexpr TemplateDialect v9_dialect{
    .version = 9, .header_size = 20, .template_set = 0, .options_set = 1, .ipfix = false};

class NetflowV9 final : public TemplateSetFamily {
  public:
    constexpr NetflowV9() : TemplateSetFamily(v9_dialect) {}

    bool verify(std::span<const std::uint8_t> pdu, std::string& why) const override {
        if (pdu.size() < v9_dialect.header_size) {
            why = "header cut short (" + std::to_string(pdu.size()) + " bytes)";
            return false;
        }
        return verify_sets(pdu, pdu.size(), why);
    }

    TemplatePduHeader header(std::span<const std::uint8_t> pdu) const override {
        const std::uint8_t* p = pdu.data();
        return {.version = 9,
                .sequence = be32(p + 12),
                .domain = be32(p + 16),
                .unix_secs = be32(p + 8),
                .has_sysuptime = true,
                .sysuptime = be32(p + 4)};
    }

    bool sequence_counts_packets() const override { return true; }
};

}  // namespace

const TemplateFamily& netflow_v9_family() {
    static const NetflowV9 family;
    return family;
}

}  // namespace capture::pdu
