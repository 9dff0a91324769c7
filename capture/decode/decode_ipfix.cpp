// IPFIX over UDP (RFC 7011 §3.1): a 16-byte header whose length covers the
// whole message, then template (ID 2), options template (ID 3) and data sets.
// Fields may be enterprise-specific or of variable length, and templates can
// be withdrawn.

#include "pdu_bytes.hpp"
#include "template_sets.hpp"

namespace capture::pdu {

namespace {

constexpr TemplateDialect ipfix_dialect{
    .version = 10, .header_size = 16, .template_set = 2, .options_set = 3, .ipfix = true};

class Ipfix final : public TemplateSetFamily {
  public:
    constexpr Ipfix() : TemplateSetFamily(ipfix_dialect) {}

    bool verify(std::span<const std::uint8_t> pdu, std::string& why) const override {
        if (pdu.size() < ipfix_dialect.header_size) {
            why = "header cut short (" + std::to_string(pdu.size()) + " bytes)";
            return false;
        }
        const std::size_t length = be16(pdu.data() + 2);
        if (length != pdu.size()) {
            why = "message length " + std::to_string(length) + " but " +
                  std::to_string(pdu.size()) + " bytes received";
            return false;
        }
        return verify_sets(pdu, length, why);
    }

    TemplatePduHeader header(std::span<const std::uint8_t> pdu) const override {
        const std::uint8_t* p = pdu.data();
        return {.version = 10,
                .sequence = be32(p + 8),
                .domain = be32(p + 12),
                .unix_secs = be32(p + 4),
                .has_sysuptime = false,
                .sysuptime = 0};
    }

    bool sequence_counts_packets() const override { return false; }
};

}  // namespace

const TemplateFamily& ipfix_family() {
    static const Ipfix family;
    return family;
}

}  // namespace capture::pdu
