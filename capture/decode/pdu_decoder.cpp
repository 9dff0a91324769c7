#include "pdu_decoder.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include "exporters/exporter_address.hpp"
#include "flowfile/ipv4_text.hpp"
#include "pdu_bytes.hpp"
#include "pdu_family.hpp"

namespace capture {

namespace {

// flow-capture reads datagrams into a 2048-byte buffer, so a longer one
// reaches validation cut to 2048 bytes and its size message says so.  No
// v1-v8 PDU is that long, so the cut never loses a valid datagram.
constexpr std::size_t flow_tools_receive_buffer = 2048;

std::string source_text(const Datagram& d) {
    return exporter_text(d.source_ip, d.source_ipv6);
}

}  // namespace

Decoder::Decoder(DecoderSettings settings, LogSink log)
    : settings_(settings),
      log_(std::move(log)),
      stored_version_(settings.stored_version),
      exporters_(settings.max_exporters, settings.max_engines_per_exporter),
      templates_(settings.templates) {
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

DecodeResult Decoder::refuse_new_exporter(const Datagram& d, std::uint16_t version) {
    if (!exporter_limit_logged_ && log_) {
        log_("exporter limit of " + std::to_string(exporters_.max_exporters()) +
             " reached: ignoring datagrams from new exporters, first src_ip=" + source_text(d) +
             " dst_ip=" + flowfile::ipv4_text(d.local_ip) +
             " d_version=" + std::to_string(version));
        exporter_limit_logged_ = true;
    }
    return reject(RejectReason::exporter_limit);
}

void Decoder::log_verify_failure(const Datagram& d) {
    if (log_) log_("ftpdu_verify(): src_ip=" + source_text(d) + " failed.");
}

DecodeResult Decoder::decode(const Datagram& d, std::vector<flowfile::Record>& out,
                             std::vector<flowfile::Record6>& out6) {
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
    // v9 and IPFIX datagrams are not cut to flow-tools' buffer: flow-tools
    // never read them, and templates make them longer than any v5 PDU.
    if (const TemplateFamily* templated = find_template_family(version))
        return decode_templated(d, *templated, out, out6);
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
        if (log_) log_("Unexpected PDU: src_ip=" + source_text(d) + " not configured");
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
    // v1-v8 exporters are keyed by address alone, as in flow-tools.
    const ExporterKey key{.source_ip = d.source_ip,
                          .local_ip = d.local_ip,
                          .version = summary.version,
                          .local_port = d.local_port,
                          .source_ipv6 = d.source_ipv6};
    const ExporterTable::Lookup found = exporters_.find_or_add(key, d.receive_time);
    if (found.id == no_exporter) return refuse_new_exporter(d, summary.version);

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

void Decoder::account_sequence(Exporter& e, std::uint32_t engine_index, std::uint32_t flow_sequence,
                               std::uint32_t count, FileCounters& counters) {
    const SequenceCheck check = e.sequence.check(engine_index, flow_sequence, count);
    switch (check.verdict) {
        case SequenceVerdict::first:
        case SequenceVerdict::in_order:
            return;
        case SequenceVerdict::untracked:
            if (!e.engine_limit_logged && log_) {
                log_("sequence check limited to " + std::to_string(e.sequence.max_engines()) +
                     " engines: src_ip=" + source_text(e.key) +
                     " dst_ip=" + flowfile::ipv4_text(e.key.local_ip) +
                     " d_version=" + std::to_string(e.key.version) +
                     (e.key.version == 9 || e.key.version == 10
                          ? " domain=" + std::to_string(engine_index)
                          : " engine_type=" + std::to_string(engine_index & 0xffu) +
                                " engine_id=" + std::to_string(engine_index >> 8)) +
                     " not checked");
                e.engine_limit_logged = true;
            }
            return;
        case SequenceVerdict::lost:
        case SequenceVerdict::reset:
            break;
    }
    if (log_)
        log_("ftpdu_seq_check(): src_ip=" + source_text(e.key) + " dst_ip=" +
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

void Decoder::log_malformed_template_pdu(const Datagram& d, std::uint16_t version,
                                         const std::string& why) {
    // A broken exporter sends the same damage in every datagram: the first
    // is logged, then a count once a minute.
    if (!log_) return;
    if (malformed_logged_at_ != 0 && d.receive_time - malformed_logged_at_ < 60) {
        ++malformed_unlogged_;
        return;
    }
    std::string line = std::string(version == 9 ? "NetFlow v9" : "IPFIX") + " datagram from " +
                       source_text(d) + " rejected: " + why;
    if (malformed_unlogged_ != 0)
        line += " (" + std::to_string(malformed_unlogged_) +
                " more malformed v9/IPFIX datagrams since the last such line)";
    log_(line);
    malformed_logged_at_ = d.receive_time;
    malformed_unlogged_ = 0;
}

DecodeResult Decoder::decode_templated(const Datagram& d, const TemplateFamily& family,
                                       std::vector<flowfile::Record>& out,
                                       std::vector<flowfile::Record6>& out6) {
    const std::span<const std::uint8_t> pdu = d.bytes;
    std::string why;
    if (d.truncated) {
        log_malformed_template_pdu(
            d, family.version(),
            "longer than the " + std::to_string(pdu.size()) + "-byte receive buffer (cut)");
        return reject(RejectReason::malformed);
    }
    if (!family.verify(pdu, why)) {
        log_malformed_template_pdu(d, family.version(), why);
        return reject(RejectReason::malformed);
    }
    if (settings_.remote_ip != 0 && d.source_ip != settings_.remote_ip) {
        if (log_) log_("Unexpected PDU: src_ip=" + source_text(d) + " not configured");
        return reject(RejectReason::unexpected_source);
    }
    // flow-tools' own default file version; v9 and IPFIX have none of
    // their own to store.
    const std::uint16_t stored = stored_version_ != 0 ? stored_version_ : 5;
    const TemplatePduHeader header = family.header(pdu);
    const ExporterKey key{.source_ip = d.source_ip,
                          .local_ip = d.local_ip,
                          .version = header.version,
                          .local_port = d.local_port,
                          .source_port = d.source_port,
                          .source_ipv6 = d.source_ipv6};
    const ExporterTable::Lookup found = exporters_.find_or_add(key, d.receive_time);
    if (found.id == no_exporter) return refuse_new_exporter(d, header.version);
    stored_version_ = stored;
    Exporter& exporter = exporters_.at(found.id);
    if (found.created && log_) log_(new_exporter_line(exporter));

    if (d.receive_time - templates_swept_ >= 60) {
        templates_.expire(d.receive_time);
        templates_swept_ = d.receive_time;
    }
    const TemplateScope scope{.exporter_ip = d.source_ip,
                              .exporter_port = d.source_port,
                              .version = header.version,
                              .domain = header.domain,
                              .exporter_ipv6 = d.source_ipv6};
    const std::size_t first = out.size();
    const std::size_t first6 = out6.size();
    const TemplateDecodeCounts c =
        family.decode(pdu, templates_, scope, d.receive_time, stored, out, out6);

    DecodeResult result;
    result.exporter = found.id;
    result.records = out.size() - first;
    result.records6 = out6.size() - first6;
    // RFC 3954 numbers export packets, RFC 7011 data records; an IPFIX
    // message with a set we could not read leaves the next number unknown.
    if (family.sequence_counts_packets())
        account_sequence(exporter, header.domain, header.sequence, 1, result.counters);
    else if (c.no_template_sets != 0 || c.malformed_sets != 0)
        exporter.sequence.resync(header.domain);
    else
        account_sequence(exporter, header.domain, header.sequence,
                         static_cast<std::uint32_t>(c.flow_records + c.options_records),
                         result.counters);

    ++exporter.counters.pkts;
    exporter.counters.flows += c.flow_records;
    exporter.counters.no_template_sets += c.no_template_sets;
    exporter.counters.ipv6_flows += c.fit.ipv6_flows;
    ++stats_.accepted;
    stats_.flows += c.flow_records;
    TemplateStats& t = stats_.template_pdus;
    ++t.datagrams;
    t.templates += c.templates + c.options_templates;
    t.withdrawn += c.withdrawn;
    t.refused_templates += c.refused_templates;
    t.malformed_templates += c.malformed_templates;
    t.malformed_sets += c.malformed_sets;
    t.no_template_sets += c.no_template_sets;
    t.no_template_bytes += c.no_template_bytes;
    t.options_records += c.options_records;
    t.fit += c.fit;
    log_template_counts(exporter, header.domain, c);
    return result;
}

void Decoder::log_template_counts(Exporter& e, std::uint32_t domain,
                                  const TemplateDecodeCounts& c) {
    // Most datagrams have nothing to report: the exporter's name is only
    // put together when a line is due.
    const bool any = c.refused_templates != 0 || c.malformed_templates != 0 ||
                     c.malformed_sets != 0 || c.no_template_sets != 0 ||
                     c.fit.unplaceable_time != 0 || c.fit.oversized != 0 ||
                     (c.sampling_interval != 0 && c.sampling_interval != e.sampling_logged);
    if (!log_ || !any) return;
    const std::string who = std::string(e.key.version == 9 ? "NetFlow v9" : "IPFIX") +
                            " exporter " + source_text(e.key) + " domain " + std::to_string(domain);
    if ((c.refused_templates != 0 || c.malformed_templates != 0) &&
        e.note_once(ExporterNote::template_refused))
        log_(who + ": " + c.template_problem + " (counted; logged once per exporter)");
    if (c.malformed_sets != 0 && e.note_once(ExporterNote::malformed_set))
        log_(who + ": " + c.set_problem + " (rest of the set dropped, counted; logged once)");
    if (c.no_template_sets != 0 && e.note_once(ExporterNote::no_template))
        log_(who + ": data for template " + std::to_string(c.missing_template) +
             " before its template: dropped and counted until the template arrives");
    if (c.fit.unplaceable_time != 0 && e.note_once(ExporterNote::unplaceable_time))
        log_(who +
             ": flow times that a flow-tools record cannot hold (over 49 days from the "
             "export time, or uptime without the exporter's start time): not stored, "
             "counted as unplaceable_time_flows");
    if (c.fit.oversized != 0 && e.note_once(ExporterNote::oversized))
        log_(who +
             ": flow counters over 2^42 octets or packets (or more records than a datagram may "
             "become): not stored, counted as "
             "oversized_flows");
    if (c.sampling_interval != 0 && c.sampling_interval != e.sampling_logged) {
        log_(who + ": samples 1 in " + std::to_string(c.sampling_interval) +
             " packets; flows are stored as received, not scaled");
        e.sampling_logged = c.sampling_interval;
    }
}

}  // namespace capture
