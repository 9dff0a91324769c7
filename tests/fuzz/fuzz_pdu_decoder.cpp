// flow-capture's Decoder stage (NetFlow v1, v5, v6, v7, v8, v9 and IPFIX
// datagrams) over arbitrary bytes: what anyone who can reach the UDP port can
// send.  v9 and IPFIX templates live across datagrams, so one input is a
// sequence of datagrams fed to one decoder: templates, then data, withdrawals
// and redefinitions in any order.
//
// Input layout: one control byte, then datagrams separated by "FKDG".  The
// control byte picks the files' export version (-V), whether a remote
// address is configured, and a small exporter table, so that the mutator
// reaches the version translation, the source check and the exporter cap.
// Datagrams come from a few exporter addresses in turn, so one input drives
// the per-exporter sequence accounting across several PDUs.

#include <array>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "decode/pdu_decoder.hpp"
#include "decode/pdu_family.hpp"
#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"
#include "fuzz_check.hpp"

using flowkeep_fuzz::check;

namespace {

constexpr std::array<std::uint16_t, 6> stored_versions = {0, 1, 5, 6, 7, 1005};
constexpr std::array<std::uint32_t, 3> exporters = {
    0x7f000002,  // 127.0.0.2, as in the golden captures
    0xc0000201,  // 192.0.2.1
    0x0a000001,  // 10.0.0.1
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::uint8_t control = data[0];

    capture::DecoderSettings settings;
    settings.stored_version = stored_versions[control % stored_versions.size()];
    if (control & 0x40) settings.remote_ip = exporters[0];
    if (control & 0x80) {
        settings.max_exporters = 2;
        settings.max_engines_per_exporter = 2;
    }
    std::size_t log_lines = 0;
    capture::Decoder decoder(settings, [&](const std::string& line) {
        check(!line.empty(), "an empty log line");
        ++log_lines;
    });

    std::vector<flowfile::Record> out;
    out.reserve(capture::max_records_per_pdu);
    std::vector<flowfile::Record6> out6;
    std::uint64_t flows = 0;
    std::uint64_t templated_rejects = 0;
    std::size_t index = 0;
    for (const auto part :
         flowkeep_fuzz::split(flowkeep_fuzz::as_text(data + 1, size - 1), "FKDG")) {
        capture::Datagram d;
        d.bytes = {reinterpret_cast<const std::uint8_t*>(part.data()), part.size()};
        d.source_ip = exporters[index % exporters.size()];
        d.source_port = static_cast<std::uint16_t>(4000 + index % 2);
        d.local_ip = 0x7f000001;
        d.local_port = 9995;
        d.receive_time = 1255617000 + static_cast<std::int64_t>(index);
        ++index;

        out.clear();
        out6.clear();
        const capture::DecodeResult r = decoder.decode(d, out, out6);
        check(r.records == out.size(), "records reported are not the records appended");
        check(r.records6 == out6.size(), "IPv6 records reported are not the records appended");
        check(out.size() + out6.size() <= capture::max_records_per_datagram,
              "more records than one datagram may become");
        const bool templated = part.size() >= 2 && part[0] == 0 && (part[1] == 9 || part[1] == 10);
        if (!templated)
            check(r.records <= capture::max_records_per_pdu, "more records than any PDU can carry");
        if (r.accepted()) {
            check(r.exporter != capture::no_exporter, "an accepted datagram without an exporter");
            check(decoder.stored_version() != 0, "no stored version after an accepted datagram");
            for (const flowfile::Record& rec : out)
                check(rec.exaddr == d.source_ip, "a record not stamped with its exporter");
            for (const flowfile::Record6& rec : out6)
                check(rec.exaddr == flowfile::ipv4_mapped(d.source_ip),
                      "an IPv6 record not stamped with its exporter");
        } else {
            check(r.records == 0 && r.records6 == 0, "records from a rejected datagram");
            check(r.counters.corrupt_packets == 1u, "a rejected datagram not counted as corrupt");
            // Counted once: exporter-limit refusals are subtracted below.
            if (templated && r.reason != capture::RejectReason::exporter_limit) ++templated_rejects;
        }
        flows += r.records + r.records6;
    }

    const capture::DecoderStats& stats = decoder.stats();
    const std::uint64_t rejected =
        std::accumulate(stats.rejected.begin(), stats.rejected.end(), std::uint64_t{0});
    check(stats.datagrams == index, "datagrams counted are not the datagrams fed");
    check(stats.accepted + rejected == stats.datagrams, "datagrams neither accepted nor rejected");
    // v9/IPFIX flow records become as many stored records, less those not
    // stored, plus the extra records of split 64-bit counters.
    const capture::FitCounters& fit = stats.template_pdus.fit;
    check(stats.flows + fit.extra_records ==
              flows + fit.unplaceable_time + fit.oversized + fit.no_address,
          "flows counted do not account for the records stored");
    check(decoder.templates().bytes() <= settings.templates.max_total_bytes,
          "template store beyond its byte cap");
    check(decoder.templates().scopes() <= settings.templates.max_scopes,
          "template store beyond its scope cap");
    check(decoder.exporters().size() <= settings.max_exporters, "exporter table beyond its cap");
    // Every rejection before the source check logs at least one line
    // (v9/IPFIX: rate-limited).
    check(log_lines >= stats.datagrams - stats.accepted -
                           stats.rejected_for(capture::RejectReason::exporter_limit) -
                           templated_rejects,
          "a rejected datagram left no log line");
    return 0;
}
