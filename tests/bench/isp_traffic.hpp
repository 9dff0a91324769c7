#pragma once

// A synthetic but realistic traffic model of a small ISP's edge: the NetFlow
// v5 flows two edge routers would export for ~1800 residential clients.
// Benchmarks need it because speed and compressed size both depend on what
// the records look like: random bytes do not compress at all and constant
// records compress to nothing, while real archives sit at about 24 bytes per
// flow with zlib level 6 (flow-capture's default).
//
// Deterministic: the same profile (seed included) gives the same flows on
// every machine, so a file made from it is the same file everywhere.
//
// Every address is only a number in a record; nothing is ever sent.  Clients
// are in 10.0.0.0/21 (private), remote hosts in 198.18.0.0/15 (RFC 2544
// benchmarking), continued in 240.0.0.0/4 (reserved, never assigned) when a
// profile asks for more hosts than that range holds; resolvers, mail and NTP
// servers and router next hops come from the documentation networks
// 192.0.2.0/24, 198.51.100.0/24 and 203.0.113.0/24 (RFC 5737); AS numbers are
// from the private-use range 64512-65534.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "flowfile/record.hpp"

namespace flowkeep::bench {

// One router exporting NetFlow v5.
struct ExporterProfile {
    std::uint32_t address = 0;  // UDP source address, becomes Record::exaddr
    std::uint8_t engine_type = 0;
    std::uint8_t engine_id = 0;
    std::uint32_t uptime_ms = 0;  // sysUpTime when the simulated capture starts
    double client_share = 0.5;    // fraction of the clients this router serves
};

// 127.0.0.2 (engine 0/1, up 37 days) and 127.0.0.3 (engine 1/3, up 3 days),
// serving 60% and 40% of the clients.
std::vector<ExporterProfile> default_exporters();

struct IspTrafficProfile {
    std::uint64_t seed = 1;
    std::uint32_t client_network = 0x0a000000;   // 10.0.0.0
    int client_prefix_len = 21;                  // 16..30
    std::uint32_t clients = 1800;                // must fit in the client network
    std::uint32_t remote_hosts = 250000;         // popularity ranked, Zipf-like
    double remote_zipf_exponent = 1.0;           // 0 = uniform popularity
    double client_zipf_exponent = 0.7;           // a few heavy users, many light ones
    double flows_per_second = 5000.0;            // drives unix_secs and sysUpTime
    std::uint32_t start_unix_secs = 1767225600;  // 2026-01-01 00:00:00 UTC
    // Router flow cache timeouts: a flow lasting longer than the active
    // timeout is exported in pieces; one without FIN/RST is exported once it
    // has been idle for the inactive timeout.
    std::uint32_t active_timeout_ms = 60000;
    std::uint32_t inactive_timeout_ms = 15000;
    std::vector<ExporterProfile> exporters = default_exporters();
};

// One v5 export packet as a router sends it: 1..30 flows that share the
// export header fields (unix_secs, unix_nsecs, sysuptime, exaddr, engine).
struct ExportPacket {
    std::size_t exporter = 0;         // index into IspTrafficProfile::exporters
    std::uint32_t flow_sequence = 0;  // flows this exporter sent before this packet
    std::span<const flowfile::Record> flows;
};

class IspTraffic {
  public:
    // Throws std::invalid_argument for an inconsistent profile.
    explicit IspTraffic(IspTrafficProfile profile = {});
    ~IspTraffic();
    IspTraffic(const IspTraffic&) = delete;
    IspTraffic& operator=(const IspTraffic&) = delete;

    // The next export packet of any exporter, in export order (for feeding a
    // collector).  The span stays valid until the next call of next_packet()
    // or fill().
    ExportPacket next_packet();

    // The next flows in export order, as flow-capture would store them
    // (for writing files): packets back to back, a packet split across calls
    // when `out` ends inside it.  Use either this or next_packet() on one
    // generator: next_packet() drops what fill() left of a split packet.
    void fill(std::span<flowfile::Record> out);

    const IspTrafficProfile& profile() const;
    // Flows handed out so far by next_packet() and fill().
    std::uint64_t flows_generated() const;
    // One line describing the profile, for benchmark output.
    std::string describe() const;

    static constexpr std::size_t max_flows_per_packet = 30;  // NetFlow v5 limit

  private:
    struct Model;
    std::unique_ptr<Model> model_;
};

}  // namespace flowkeep::bench
