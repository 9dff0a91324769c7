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
#include "flowfile/record.hpp"
#include "receive/flow_batch.hpp"
#include "unsupported_versions.hpp"

namespace capture {

// A received datagram as the decoder needs it; the bytes are only borrowed.
struct Datagram {
    std::span<const std::uint8_t> bytes;  // the UDP payload
    std::uint32_t source_ip = 0;          // host order; becomes each record's exaddr
    std::uint32_t local_ip = 0;           // host order; destination (IP_PKTINFO)
    std::uint16_t local_port = 0;
    std::int64_t receive_time = 0;  // Unix seconds ("time=" of New exporter)
};

struct DecoderSettings {
    // -V: export version of the files; 0 = the version of the first valid PDU.
    // One of 0, 1, 5, 6, 7, 1005.
    std::uint16_t stored_version = 0;
    // Second field of localip/remoteip/port (host order); 0 accepts any source.
    std::uint32_t remote_ip = 0;
    std::size_t max_exporters = ExporterTable::default_max_exporters;
    std::size_t max_engines_per_exporter = ExporterTable::default_max_engines;
};

enum class RejectReason : std::uint8_t {
    none,               // accepted
    too_short,          // fewer than 4 bytes
    unknown_version,    // version field not 1, 5, 6, 7, 8, 9 or 10
    malformed,          // count or length wrong for the version (v8: header)
    unexpected_source,  // not the configured remote IP
    untranslatable,     // v8 PDU: cannot go into the files' version
    exporter_limit,     // new exporter while the exporter table is full
    // NetFlow v9 or IPFIX: well-known, not decoded yet; not a corrupt packet.
    unsupported_version,
};
inline constexpr std::size_t reject_reason_count = 8;
static_assert(static_cast<std::size_t>(RejectReason::unsupported_version) + 1 ==
              reject_reason_count);

// What became of one datagram.
struct DecodeResult {
    RejectReason reason = RejectReason::none;
    std::size_t records = 0;  // appended to the caller's buffer
    // Entry the datagram was accounted to (for filter drops); no_exporter
    // when rejected.
    ExporterId exporter = no_exporter;
    // This datagram's contribution to the header of the file its records go
    // to (a rejected datagram counts one corrupt packet, except one of an
    // unsupported version).
    FileCounters counters;

    bool accepted() const { return reason == RejectReason::none; }
};

// What the stage saw since start-up, for operators ("where did flows go").
struct DecoderStats {
    std::uint64_t datagrams = 0;
    std::uint64_t accepted = 0;
    std::uint64_t flows = 0;
    std::array<std::uint64_t, reject_reason_count> rejected{};  // by RejectReason

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
    // records, shaped as the stored version keeps them, to `out`.  Keep
    // max_records_per_pdu of spare capacity in `out` to avoid reallocation.
    DecodeResult decode(const Datagram& datagram, std::vector<flowfile::Record>& out);

    // Export version of the files: -V, else the first valid PDU's version;
    // 0 until then.
    std::uint16_t stored_version() const { return stored_version_; }

    const DecoderStats& stats() const { return stats_; }
    ExporterTable& exporters() { return exporters_; }
    const ExporterTable& exporters() const { return exporters_; }

  private:
    DecodeResult reject(RejectReason reason);
    void log_verify_failure(const Datagram& d);
    void account_sequence(Exporter& e, std::uint16_t engine_index, std::uint32_t flow_sequence,
                          std::uint16_t count, FileCounters& counters);

    DecoderSettings settings_;
    LogSink log_;
    std::uint16_t stored_version_ = 0;
    ExporterTable exporters_;
    DecoderStats stats_;
    UnsupportedVersionReport unsupported_;
    bool exporter_limit_logged_ = false;
};

}  // namespace capture
