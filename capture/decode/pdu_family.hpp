#pragma once

// One NetFlow export format ("PDU family") as the decoder sees it.  The
// decoder owns the order of the checks, the accounting and the log lines
// common to all versions; a family knows only its own bytes: whether a
// datagram is well formed, what its header says for sequence accounting, and
// how its records become stored records.  NetFlow v9 and IPFIX will need
// per-exporter template state and will extend this interface when they come.

#include <cstddef>
#include <cstdint>
#include <span>

#include "daemon/log_sink.hpp"
#include "flowfile/record.hpp"

namespace capture {

// What exporter and sequence accounting need from a verified PDU's header.
struct PduSummary {
    std::uint16_t version = 0;
    std::uint16_t count = 0;  // records carried
    bool sequenced = false;   // has a flow_sequence worth checking (not v1)
    std::uint32_t flow_sequence = 0;
    // engine_id * 256 + engine_type, straight from header bytes 21 and 20,
    // whatever the family later stores in the records' engine fields.
    std::uint16_t engine_index = 0;
};

class PduFamily {
  public:
    virtual ~PduFamily() = default;

    virtual std::uint16_t version() const = 0;

    // netflow-pdus.md §4 checks 3 to 5 for a datagram whose version field
    // names this family.  On failure the family logs its own explanation if
    // flow-tools gives one (only v5 does); the decoder adds the common
    // "ftpdu_verify(): ... failed." line.
    virtual bool verify(std::span<const std::uint8_t> pdu, const LogSink& log) const = 0;

    // Only for a PDU that passed verify().
    virtual PduSummary summarize(std::span<const std::uint8_t> pdu) const = 0;

    // Whether records of this family can be stored in a file of that export
    // version (v8 aggregations never go into v1/v5/v6/v7/v1005 files).
    virtual bool can_store_as(std::uint16_t stored_version) const = 0;

    // Writes out.size() (== summary count) records of a verified PDU, already
    // shaped as `stored_version` keeps them: fields that version lacks are
    // zero and flow-tools' translation quirks are applied (§5.2, §5.3).
    // `exporter` (host order) becomes every record's exaddr.  `out` arrives
    // value-initialised (the Decoder grows its vector with resize), so only
    // the fields the PDU fills are written: zeroing again per record would
    // cost the receive path for nothing.
    virtual void decode(std::span<const std::uint8_t> pdu, std::uint32_t exporter,
                        std::uint16_t stored_version, std::span<flowfile::Record> out) const = 0;
};

// The family for a PDU version field, or nullptr when flow-capture does not
// know the version ("ftpdu version not set.").
const PduFamily* find_pdu_family(std::uint16_t version);

// Export versions a file written by flowkeep's capture can have.
bool is_storable_version(std::uint16_t stored_version);

// Most records any accepted datagram can carry (v5: 30), so a caller can keep
// that much room free in its record buffer.
inline constexpr std::size_t max_records_per_pdu = 30;

}  // namespace capture
