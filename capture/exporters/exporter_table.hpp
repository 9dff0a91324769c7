#pragma once

// The exporters flow-capture has heard from (netflow-pdus.md §6.1): one entry
// per (UDP source, local address, PDU version, local port), an IPv6 source
// by its full address (exporter_address.hpp), created by the
// first valid PDU and kept for the life of the process, with its sequence
// state and the cumulative counters the STAT lines print (flow-capture.md §9).
// The number of entries is capped so that a flood of spoofed sources cannot
// grow memory without bound.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <string>
#include <unordered_map>

#include "daemon/log_sink.hpp"
#include "flowfile/ipv6_text.hpp"
#include "sequence_tracker.hpp"

namespace capture {

struct ExporterKey {
    std::uint32_t source_ip = 0;  // host order; 0 for an IPv6 exporter
    std::uint32_t local_ip = 0;   // host order
    std::uint16_t version = 0;    // PDU version
    std::uint16_t local_port = 0;
    // NetFlow v9 and IPFIX: the exporter's UDP source port, since RFC 7011
    // numbers messages per transport session (and domain); two exporting
    // processes on one router are two exporters.  0 for v1-v8, which
    // flow-tools keys by address.
    std::uint16_t source_port = 0;
    // An IPv6 exporter's address; all zero for an IPv4 one.
    flowfile::Ipv6Address source_ipv6{};

    friend bool operator==(const ExporterKey&, const ExporterKey&) = default;
};

struct ExporterKeyHash {
    std::size_t operator()(const ExporterKey& k) const noexcept;
};

// Cumulative since start-up, never reset.
struct ExporterCounters {
    std::uint64_t pkts = 0;          // valid datagrams
    std::uint64_t flows = 0;         // records decoded, before any filter
    std::uint64_t lost = 0;          // flows missing by flow_sequence
    std::uint64_t reset = 0;         // sequencer resets
    std::uint64_t filter_drops = 0;  // records a -F filter denied
    // NetFlow v9 and IPFIX only (their STAT lines print them).
    std::uint64_t no_template_sets = 0;  // data sets dropped: template unknown
    std::uint64_t ipv6_flows = 0;        // IPv6 flows stored in the IPv6 series
};

// What a v9/IPFIX exporter has been told about in the log, once each.
enum class ExporterNote : std::uint8_t {
    template_refused = 1,
    no_template = 2,
    malformed_set = 8,
    unplaceable_time = 16,
    oversized = 32,
};

struct Exporter {
    Exporter(const ExporterKey& k, std::int64_t created, std::size_t max_engines)
        : key(k), first_seen(created), sequence(max_engines) {}

    ExporterKey key;
    std::int64_t first_seen = 0;  // Unix seconds of the creating datagram
    ExporterCounters counters;
    SequenceTracker sequence;
    // The engine limit has been reported for this exporter.
    bool engine_limit_logged = false;
    std::uint8_t notes_logged = 0;      // ExporterNote bits
    std::uint64_t sampling_logged = 0;  // the sampling interval last logged

    // True the first time only.
    bool note_once(ExporterNote n) {
        const auto bit = static_cast<std::uint8_t>(n);
        if ((notes_logged & bit) != 0) return false;
        notes_logged |= bit;
        return true;
    }
};

// Index of an entry; stable for the life of the table.
using ExporterId = std::uint32_t;
inline constexpr ExporterId no_exporter = std::numeric_limits<ExporterId>::max();

class ExporterTable {
  public:
    static constexpr std::size_t default_max_exporters = 4096;
    static constexpr std::size_t default_max_engines = 256;

    explicit ExporterTable(std::size_t max_exporters = default_max_exporters,
                           std::size_t max_engines_per_exporter = default_max_engines);

    struct Lookup {
        ExporterId id = no_exporter;  // no_exporter: new key and the table is full
        bool created = false;
    };

    // The entry for `key`, created with `now` as its first-seen time if new
    // and there is room.
    Lookup find_or_add(const ExporterKey& key, std::int64_t now);

    // no_exporter when unknown.
    ExporterId find(const ExporterKey& key) const;

    Exporter& at(ExporterId id) { return entries_.at(id); }
    const Exporter& at(ExporterId id) const { return entries_.at(id); }

    // Records of this exporter that the -F filter denied after decoding.
    void count_filter_drops(ExporterId id, std::uint64_t n) { at(id).counters.filter_drops += n; }

    std::size_t size() const { return entries_.size(); }
    std::size_t max_exporters() const { return max_exporters_; }
    bool full() const { return entries_.size() >= max_exporters_; }

    // One STAT line per entry, newest entry first, as flow-capture prints
    // them; nothing while no exporter is known.
    void log_stat_lines(std::int64_t now, std::int64_t startup, const LogSink& log) const;

  private:
    std::deque<Exporter> entries_;  // creation order; ids index it
    std::unordered_map<ExporterKey, ExporterId, ExporterKeyHash> index_;
    std::size_t max_exporters_;
    std::size_t max_engines_;
    // Consecutive datagrams mostly come from the same exporter.
    ExporterId last_ = no_exporter;
};

// The exporter's source address for log lines (src_ip=).
std::string source_text(const ExporterKey& key);

// "New exporter: time=T src_ip=S dst_ip=D d_version=V", and for v9/IPFIX
// " src_port=P"
std::string new_exporter_line(const Exporter& e);

// "STAT: now=T startup=T0 src_ip=S dst_ip=D d_ver=V pkts=.. flows=.. lost=..
// reset=.. filter_drops=..", and for v9/IPFIX exporters
// " no_template_sets=.. ipv6_flows=.. src_port=.."
std::string stat_line(const Exporter& e, std::int64_t now, std::int64_t startup);

}  // namespace capture
