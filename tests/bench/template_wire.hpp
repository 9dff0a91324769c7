#pragma once

// NetFlow v9 (RFC 3954) and IPFIX (RFC 7011) export datagrams of the traffic
// model's flows, as one IPv4 edge router's export process sends them: one
// template (5-tuple, counters, ifIndex, masks, AS numbers, next hop, ToS, TCP
// flags and the flow's times), data records packed up to an Ethernet MTU, the
// template sent again every few datagrams and seconds, and the sequence
// numbers each RFC defines.  A collector benchmarked on these sees the same
// flows as on the v5 packets of v5_wire.hpp, only on the wire its templated
// exporters use.

#include <cstddef>
#include <cstdint>
#include <span>

#include "flowfile/record.hpp"

namespace flowkeep::bench {

// The largest UDP payload in a 1500-byte Ethernet frame: routers fill their
// export datagrams up to the path MTU rather than to a fixed record count.
inline constexpr std::size_t template_max_datagram_bytes = 1472;

struct TemplateWireSettings {
    std::uint16_t version = 9;  // 9 (NetFlow v9) or 10 (IPFIX)
    // Cisco's defaults send the template every 20 export packets; the time
    // bound matters only to a slow exporter, whose collector would otherwise
    // wait long for a template it lost or never had.
    std::uint32_t refresh_datagrams = 20;
    std::uint32_t refresh_seconds = 60;
};

// One router's export process.  The records it is given all come from that
// router (their sysuptime, unix_secs and unix_nsecs are its export clock).
class TemplateExporter {
  public:
    // `domain` is the v9 source ID or the IPFIX observation domain; for v9
    // it is engine_type * 256 + engine_id, as Cisco derives it, so a v9
    // collector recovers the v5 engine fields from it.
    TemplateExporter(const TemplateWireSettings& settings, std::uint32_t domain);

    // Most flows the next datagram holds (fewer when it carries the template).
    std::size_t capacity() const;

    // Writes the first min(flows.size(), capacity()) flows as the next
    // datagram into `out` (at least template_max_datagram_bytes); returns its
    // length, 0 for no flows.
    std::size_t encode(std::span<const flowfile::Record> flows, std::span<std::uint8_t> out);

    static constexpr std::uint16_t template_id = 256;

  private:
    TemplateWireSettings settings_;
    std::uint32_t domain_;
    std::size_t record_bytes_;
    std::uint32_t sequence_ = 0;  // v9: datagrams sent; IPFIX: data records sent
    std::uint32_t datagrams_since_template_ = 0;
    std::uint32_t template_sent_at_ = 0;  // export time, Unix seconds
    bool template_due_ = true;
};

}  // namespace flowkeep::bench
