#pragma once

// The Decoder stage of flow-capture: one UDP datagram in, its flows out as
// stored records, with everything flow-capture accounts for on the way
// (netflow-pdus.md §4-§6): validation in flow-tools' order and wording,
// exporter entries, per-engine sequence checks, per-file counters for the
// archiver and per-exporter STAT counters.  Records are decoded straight from
// the datagram bytes into the caller's buffer; nothing is allocated per flow.
// One thread owns a Decoder.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "daemon/log_sink.hpp"
#include "exporters/exporter_table.hpp"
#include "exporters/template_store.hpp"
#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"
#include "receive/flow_batch.hpp"
#include "template_family.hpp"

namespace capture {

// A received datagram as the decoder needs it; the bytes are only borrowed.
struct Datagram {
    std::span<const std::uint8_t> bytes;  // the UDP payload
    std::uint32_t source_ip = 0;          // host order; becomes each record's exaddr
    // An IPv6 source's address (exporter_address.hpp), its IPv6 records'
    // exaddr; all zero for an IPv4 source.  Its v5 records have exaddr 0.
    flowfile::Ipv6Address source_ipv6{};
    std::uint16_t source_port = 0;  // v9/IPFIX templates belong to the UDP session
    std::uint32_t local_ip = 0;     // host order; destination (IP_PKTINFO)
    std::uint16_t local_port = 0;
    std::int64_t receive_time = 0;  // Unix seconds ("time=" of New exporter)
    // Longer than the receive buffer: the end is missing.  No v1-v8 PDU is
    // that long; a v9 one cut at a set boundary would look whole.
    bool truncated = false;
};

struct DecoderSettings {
    // -V: export version of the files; 0 = the version of the first valid PDU.
    // One of 0, 1, 5, 6, 7, 1005.
    std::uint16_t stored_version = 0;
    // Second field of localip/remoteip/port (host order); 0 accepts any source.
    std::uint32_t remote_ip = 0;
    std::size_t max_exporters = ExporterTable::default_max_exporters;
    std::size_t max_engines_per_exporter = ExporterTable::default_max_engines;
    TemplateLimits templates;
};

enum class RejectReason : std::uint8_t {
    none,               // accepted
    too_short,          // fewer than 4 bytes
    unknown_version,    // version field not 1, 5, 6, 7, 8, 9 or 10
    malformed,          // count or length wrong for the version (v8: header; v9/IPFIX: sets)
    unexpected_source,  // not the configured remote IP
    untranslatable,     // v8 PDU: cannot go into the files' version
    exporter_limit,     // new exporter while the exporter table is full
};
inline constexpr std::size_t reject_reason_count = 7;
static_assert(static_cast<std::size_t>(RejectReason::exporter_limit) + 1 == reject_reason_count);

// What became of one datagram.
struct DecodeResult {
    RejectReason reason = RejectReason::none;
    std::size_t records = 0;   // appended to the caller's buffer
    std::size_t records6 = 0;  // IPv6 records, appended to the caller's other buffer
    // Entry the datagram was accounted to (for filter drops); no_exporter
    // when rejected.
    ExporterId exporter = no_exporter;
    // This datagram's contribution to the header of the file its records go
    // to (a rejected datagram counts one corrupt packet).
    FileCounters counters;

    bool accepted() const { return reason == RejectReason::none; }
};

// What the stage saw since start-up, for operators ("where did flows go").
// What NetFlow v9 and IPFIX datagrams held beyond their flows, since start-up.
struct TemplateStats {
    std::uint64_t datagrams = 0;  // accepted v9 and IPFIX datagrams
    std::uint64_t templates = 0;  // template and options template records accepted
    std::uint64_t withdrawn = 0;
    std::uint64_t refused_templates = 0;  // over a TemplateLimits cap
    std::uint64_t malformed_templates = 0;
    std::uint64_t malformed_sets = 0;
    std::uint64_t no_template_sets = 0;  // data sets dropped: template unknown
    std::uint64_t no_template_bytes = 0;
    std::uint64_t options_records = 0;
    FitCounters fit;
};

struct DecoderStats {
    std::uint64_t datagrams = 0;
    std::uint64_t accepted = 0;
    std::uint64_t flows = 0;  // flow records decoded, stored or not
    std::array<std::uint64_t, reject_reason_count> rejected{};  // by RejectReason
    TemplateStats template_pdus;

    std::uint64_t rejected_for(RejectReason r) const {
        return rejected[static_cast<std::size_t>(r)];
    }
};

class Decoder {
  public:
    // Throws std::invalid_argument for a stored_version other than those listed
    // in DecoderSettings.
    Decoder(DecoderSettings settings, LogSink log);

    // Validates, accounts and decodes one datagram; on acceptance appends its
    // records, shaped as the stored version keeps them, to `out`, and its
    // IPv6 flows (v9 and IPFIX) to `out6`.  Keep max_records_per_pdu of
    // spare capacity in `out` to avoid reallocation.
    DecodeResult decode(const Datagram& datagram, std::vector<flowfile::Record>& out,
                        std::vector<flowfile::Record6>& out6);

    // Export version of the files: -V, else the first valid PDU's version;
    // 0 until then.
    std::uint16_t stored_version() const { return stored_version_; }

    const DecoderStats& stats() const { return stats_; }
    const TemplateStore& templates() const { return templates_; }
    ExporterTable& exporters() { return exporters_; }
    const ExporterTable& exporters() const { return exporters_; }

  private:
    DecodeResult reject(RejectReason reason);
    // The exporter table is full: logged once, counted as exporter_limit.
    DecodeResult refuse_new_exporter(const Datagram& d, std::uint16_t version);
    void log_verify_failure(const Datagram& d);
    void account_sequence(Exporter& e, std::uint32_t engine_index, std::uint32_t flow_sequence,
                          std::uint32_t count, FileCounters& counters);
    // NetFlow v9 and IPFIX, after the version field named one of them.
    DecodeResult decode_templated(const Datagram& d, const TemplateFamily& family,
                                  std::vector<flowfile::Record>& out,
                                  std::vector<flowfile::Record6>& out6);
    void log_template_counts(Exporter& e, std::uint32_t domain, const TemplateDecodeCounts& c);
    void log_malformed_template_pdu(const Datagram& d, std::uint16_t version,
                                    const std::string& why);

    DecoderSettings settings_;
    LogSink log_;
    std::uint16_t stored_version_ = 0;
    ExporterTable exporters_;
    DecoderStats stats_;
    TemplateStore templates_;
    std::int64_t templates_swept_ = 0;
    // Malformed v9/IPFIX datagrams are logged once, then once a minute with
    // the number since.
    std::int64_t malformed_logged_at_ = 0;
    std::uint64_t malformed_unlogged_ = 0;
    bool exporter_limit_logged_ = false;
};

}  // namespace capture
