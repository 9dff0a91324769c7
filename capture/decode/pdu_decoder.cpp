#include "pdu_decoder.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include "flowfile/ipv4_text.hpp"
#include "pdu_bytes.hpp"
#include "pdu_family.hpp"

namespace capture {

namespace {

// flow-capture reads datagrams into a 2048-byte buffer, so a longer one
// reaches validation cut to 2048 bytes and its size message says so.  No
// v1-v8 PDU is that long, so the cut never loses a valid datagram.
constexpr std::size_t flow_tools_receive_buffer = 2048;

}  // namespace

Decoder::Decoder(DecoderSettings settings, LogSink log)
    : settings_(settings),
      log_(std::move(log)),
      stored_version_(settings.stored_version),
      exporters_(settings.max_exporters, settings.max_engines_per_exporter),
      unsupported_(settings.max_exporters) {
    if (stored_version_ != 0 && !is_storable_version(stored_version_))
        throw std::invalid_argument("unsupported export version " +
                                    std::to_string(stored_version_));
}

DecodeResult Decoder::reject(RejectReason reason) {
    ++stats_.rejected[static_cast<std::size_t>(reason)];
    DecodeResult result;
    result.reason = reason;
    result.counters.corrupt_packets = 1;
    return result;
}

void Decoder::log_verify_failure(const Datagram& d) {
    if (log_) log_("ftpdu_verify(): src_ip=" + flowfile::ipv4_text(d.source_ip) + " failed.");
}

DecodeResult Decoder::decode(const Datagram& d, std::vector<flowfile::Record>& out) {
    ++stats_.datagrams;
    const std::span<const std::uint8_t> pdu =
        d.bytes.first(std::min(d.bytes.size(), flow_tools_receive_buffer));

    // netflow-pdus.md §4: the first failing check decides, and a rejected
    // datagram touches nothing but the corrupt-packets counter.
    if (pdu.size() < 4) {
        if (log_) log_("not enough bytes to decode the count and version.");
        log_verify_failure(d);
        return reject(RejectReason::too_short);
    }
    const std::uint16_t version = pdu::be16(pdu.data() + pdu::version_offset);
    if (unsupported_version_name(version) != nullptr) {
        // flow-tools logged these as corrupt, two lines each; they are a
        // version to come, so they count apart and log at most once a minute.
        const auto line = unsupported_.count(d.source_ip, version, d.receive_time);
        if (line && log_) log_(*line);
        ++stats_.rejected[static_cast<std::size_t>(RejectReason::unsupported_version)];
        DecodeResult result;
        result.reason = RejectReason::unsupported_version;
        return result;
    }
    const PduFamily* family = find_pdu_family(version);
    if (family == nullptr) {
        if (log_) log_("ftpdu version not set.");
        log_verify_failure(d);
        return reject(RejectReason::unknown_version);
    }
    if (!family->verify(pdu, log_)) {
        log_verify_failure(d);
        return reject(RejectReason::malformed);
    }
    if (settings_.remote_ip != 0 && d.source_ip != settings_.remote_ip) {
        if (log_)
            log_("Unexpected PDU: src_ip=" + flowfile::ipv4_text(d.source_ip) + " not configured");
        return reject(RejectReason::unexpected_source);
    }
    // Without -V the first PDU that gets this far fixes the files' version.
    // flow-tools would then write v8 files for a v8 PDU; flowkeep writes no
    // v8 files, so such a PDU is refused like a v8 PDU meeting a v5 file.
    const std::uint16_t stored = stored_version_ != 0 ? stored_version_ : family->version();
    if (!family->can_store_as(stored)) {
        // flow-tools names the local address here, not the exporter's.
        if (log_)
            log_("Unexpected PDU: src_ip=" + flowfile::ipv4_text(d.local_ip) +
                 " no v8 translation");
        return reject(RejectReason::untranslatable);
    }

    const PduSummary summary = family->summarize(pdu);
    const ExporterKey key{d.source_ip, d.local_ip, summary.version, d.local_port};
    const ExporterTable::Lookup found = exporters_.find_or_add(key, d.receive_time);
    if (found.id == no_exporter) {
        if (!exporter_limit_logged_ && log_) {
            log_("exporter limit of " + std::to_string(exporters_.max_exporters()) +
                 " reached: ignoring datagrams from new exporters, first src_ip=" +
                 flowfile::ipv4_text(d.source_ip) + " dst_ip=" + flowfile::ipv4_text(d.local_ip) +
                 " d_version=" + std::to_string(summary.version));
            exporter_limit_logged_ = true;
        }
        return reject(RejectReason::exporter_limit);
    }

    stored_version_ = stored;
    Exporter& exporter = exporters_.at(found.id);
    if (found.created && log_) log_(new_exporter_line(exporter));

    DecodeResult result;
    result.exporter = found.id;
    if (summary.sequenced)
        account_sequence(exporter, summary.engine_index, summary.flow_sequence, summary.count,
                         result.counters);

    ++exporter.counters.pkts;
    exporter.counters.flows += summary.count;
    ++stats_.accepted;
    stats_.flows += summary.count;

    const std::size_t first = out.size();
    out.resize(first + summary.count);
    family->decode(pdu, d.source_ip, stored,
                   std::span<flowfile::Record>(out).subspan(first, summary.count));
    result.records = summary.count;
    return result;
}

void Decoder::account_sequence(Exporter& e, std::uint16_t engine_index, std::uint32_t flow_sequence,
                               std::uint16_t count, FileCounters& counters) {
    const SequenceCheck check = e.sequence.check(engine_index, flow_sequence, count);
    switch (check.verdict) {
        case SequenceVerdict::first:
        case SequenceVerdict::in_order:
            return;
        case SequenceVerdict::untracked:
            if (!e.engine_limit_logged && log_) {
                log_("sequence check limited to " + std::to_string(e.sequence.max_engines()) +
                     " engines: src_ip=" + flowfile::ipv4_text(e.key.source_ip) +
                     " dst_ip=" + flowfile::ipv4_text(e.key.local_ip) +
                     " d_version=" + std::to_string(e.key.version) +
                     " engine_type=" + std::to_string(engine_index & 0xffu) +
                     " engine_id=" + std::to_string(engine_index >> 8) + " not checked");
                e.engine_limit_logged = true;
            }
            return;
        case SequenceVerdict::lost:
        case SequenceVerdict::reset:
            break;
    }
    if (log_)
        log_("ftpdu_seq_check(): src_ip=" + flowfile::ipv4_text(e.key.source_ip) + " dst_ip=" +
             flowfile::ipv4_text(e.key.local_ip) + " d_version=" + std::to_string(e.key.version) +
             " expecting=" + std::to_string(check.expected) +
             " received=" + std::to_string(check.received) + " lost=" + std::to_string(check.lost));
    if (check.verdict == SequenceVerdict::lost) {
        counters.lost_flows += check.lost;
        e.counters.lost += check.lost;
    } else {
        ++counters.seq_resets;
        ++e.counters.reset;
    }
}

}  // namespace capture
