#pragma once

// NetFlow v9 (RFC 3954) and IPFIX (RFC 7011) as the decoder sees them.  Unlike
// the fixed-layout families (pdu_family.hpp) their records cannot be read
// from the datagram alone: the layout is in templates that earlier datagrams
// of the same exporter and domain announced, and the number of flows is only
// known once every set is read.  So the interface takes the exporter's
// template store and appends to a growing buffer instead of filling a span
// sized from the header.  Both formats are sets of templates, options
// templates and data after a header; they differ in the header, the set IDs,
// the options template layout and IPFIX's enterprise fields and withdrawals,
// which a TemplateDialect names.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "exporters/template_store.hpp"
#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"
#include "information_elements.hpp"
#include "stored_fit.hpp"

namespace capture {

// What sequence accounting and the records need from the export header.
struct TemplatePduHeader {
    std::uint16_t version = 0;
    std::uint32_t sequence = 0;
    std::uint32_t domain = 0;  // v9 source ID, IPFIX observation domain ID
    std::uint32_t unix_secs = 0;
    bool has_sysuptime = false;  // v9 only
    std::uint32_t sysuptime = 0;
};

// One datagram's worth of what happened, for the decoder's counters and its
// log lines (it logs once per exporter and kind, not per datagram).
struct TemplateDecodeCounts {
    std::uint64_t templates = 0;          // template records accepted
    std::uint64_t options_templates = 0;  // options template records accepted
    std::uint64_t withdrawn = 0;          // templates withdrawn (IPFIX)
    std::uint64_t refused_templates = 0;  // over a TemplateLimits cap
    std::uint64_t malformed_templates = 0;
    std::uint64_t malformed_sets = 0;    // data records running past their set
    std::uint64_t no_template_sets = 0;  // data sets whose template is unknown
    std::uint64_t no_template_bytes = 0;
    std::uint64_t flow_records = 0;  // data records read (stored or not)
    std::uint64_t options_records = 0;
    FitCounters fit;
    // First template and first data set problem of this datagram, for the
    // log lines; empty if none.
    std::string template_problem;
    std::string set_problem;
    std::uint16_t missing_template = 0;   // an ID of a no-template set
    std::uint64_t sampling_interval = 0;  // from an options record; 0: none
};

class TemplateFamily {
  public:
    virtual ~TemplateFamily() = default;

    virtual std::uint16_t version() const = 0;

    // The header and the set framing: every set at least 4 bytes and inside
    // the datagram.  On failure `why` says what was wrong, for the log.
    virtual bool verify(std::span<const std::uint8_t> pdu, std::string& why) const = 0;

    // Only for a PDU that passed verify().
    virtual TemplatePduHeader header(std::span<const std::uint8_t> pdu) const = 0;

    // Reads every set: templates into `templates` under `scope` (whose domain
    // is the header's), data records through their template into stored
    // records appended to `out`, IPv6 flows to `out6`, together at most
    // max_records_per_datagram.  The scope's exporter becomes exaddr.
    virtual TemplateDecodeCounts decode(std::span<const std::uint8_t> pdu, TemplateStore& templates,
                                        const TemplateScope& scope, std::int64_t now,
                                        std::uint16_t stored_version,
                                        std::vector<flowfile::Record>& out,
                                        std::vector<flowfile::Record6>& out6) const = 0;

    // How the sequence number counts (RFC 3954 §5.1: export packets; RFC 7011
    // §3.1: data records).
    virtual bool sequence_counts_packets() const = 0;
};

// The family for version 9 or 10; nullptr for any other version field.
const TemplateFamily* find_template_family(std::uint16_t version);

}  // namespace capture
