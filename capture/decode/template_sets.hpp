#pragma once

// The set walk that NetFlow v9 and IPFIX share (RFC 3954 §5.2-5.4, RFC 7011
// §3.3-3.4): after the header, sets of templates, options templates or data,
// each introduced by its ID and length.  decode_v9.cpp and decode_ipfix.cpp
// add their headers and name their dialect.

#include "template_family.hpp"

namespace capture::pdu {

struct TemplateDialect {
    std::uint16_t version = 0;
    std::size_t header_size = 0;
    std::uint16_t template_set = 0;  // v9: 0, IPFIX: 2
    std::uint16_t options_set = 0;   // v9: 1, IPFIX: 3
    // IPFIX: enterprise fields, variable-length fields, withdrawals, options
    // templates counted in fields rather than bytes.
    bool ipfix = false;
};

// First data set ID in both formats; lower IDs are reserved.
inline constexpr std::uint16_t first_data_set = 256;

class TemplateSetFamily : public TemplateFamily {
  public:
    explicit constexpr TemplateSetFamily(TemplateDialect dialect) : dialect_(dialect) {}

    std::uint16_t version() const override { return dialect_.version; }
    TemplateDecodeCounts decode(std::span<const std::uint8_t> pdu, TemplateStore& templates,
                                const TemplateScope& scope, std::int64_t now,
                                std::uint16_t stored_version, std::vector<flowfile::Record>& out,
                                std::vector<flowfile::Record6>& out6) const override;

  protected:
    // The set framing after the header, up to `end` (IPFIX: the message
    // length; v9: the datagram, whose last 0-3 bytes may be padding).
    bool verify_sets(std::span<const std::uint8_t> pdu, std::size_t end, std::string& why) const;
    const TemplateDialect& dialect() const { return dialect_; }

  private:
    TemplateDialect dialect_;
};

const TemplateFamily& netflow_v9_family();
const TemplateFamily& ipfix_family();

}  // namespace capture::pdu
