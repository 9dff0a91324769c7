#include "isp_traffic.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <numbers>
#include <queue>
#include <stdexcept>
#include <string>
#include <utility>

namespace flowkeep::bench {

namespace {

using flowfile::Record;

constexpr std::uint32_t ipv4(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
    return a << 24 | b << 16 | c << 8 | d;
}

constexpr std::uint8_t proto_icmp = 1;
constexpr std::uint8_t proto_tcp = 6;
constexpr std::uint8_t proto_udp = 17;

namespace tcp {
constexpr std::uint8_t fin = 0x01;
constexpr std::uint8_t syn = 0x02;
constexpr std::uint8_t rst = 0x04;
constexpr std::uint8_t psh = 0x08;
constexpr std::uint8_t ack = 0x10;
}  // namespace tcp

// Remote hosts are numbered into this pool: 198.18.0.0/15 first, then
// 240.0.0.0/4, both never assigned to anyone.
constexpr std::uint32_t benchmark_net = ipv4(198, 18, 0, 0);
constexpr std::uint32_t benchmark_net_size = 1u << 17;
constexpr std::uint32_t reserved_net = ipv4(240, 0, 0, 0);
constexpr std::uint32_t max_remote_hosts = 1u << 24;  // fits in 240.0.0.0/4 after the /15

// splitmix64: one add and a few multiply/xor steps per number, any seed is a
// good seed, and the same sequence everywhere (std:: distributions are not
// specified bit for bit, so they are avoided on purpose).
class Rng {
  public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}

    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    // Uniform in [0, n): multiply-shift, bias below 2^-32, far under what a
    // traffic model can notice.
    std::uint32_t below(std::uint32_t n) {
        return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32);
    }
    // Uniform in [lo, hi].
    std::uint32_t between(std::uint32_t lo, std::uint32_t hi) { return lo + below(hi - lo + 1); }
    // Uniform in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    bool chance(double p) { return uniform() < p; }
    double normal() {
        const double u1 = static_cast<double>((next() >> 11) + 1) * 0x1.0p-53;  // (0, 1]
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }
    // Heavy-tailed sizes and durations: half the values are below `median`,
    // `sigma` sets how far the tail reaches.
    double lognormal(double median, double sigma) { return median * std::exp(sigma * normal()); }

  private:
    std::uint64_t state_;
};

// Walker/Vose alias table: O(1) draws from a fixed discrete distribution,
// which keeps Zipf over hundreds of thousands of hosts as cheap as a coin.
class AliasTable {
  public:
    AliasTable() = default;
    explicit AliasTable(const std::vector<double>& weights) {
        const std::size_t n = weights.size();
        if (n == 0 || n > 0xffffffffu) throw std::invalid_argument("alias table: bad size");
        double total = 0;
        for (double w : weights) total += w;
        if (!(total > 0)) throw std::invalid_argument("alias table: weights sum to zero");
        std::vector<double> scaled(n);
        std::vector<std::uint32_t> small, large;
        for (std::size_t i = 0; i < n; ++i) {
            scaled[i] = weights[i] * static_cast<double>(n) / total;
            (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
        }
        keep_.assign(n, 0xffffffffu);
        alias_.resize(n);
        for (std::size_t i = 0; i < n; ++i) alias_[i] = static_cast<std::uint32_t>(i);
        while (!small.empty() && !large.empty()) {
            const std::uint32_t s = small.back();
            small.pop_back();
            const std::uint32_t l = large.back();
            keep_[s] = static_cast<std::uint32_t>(scaled[s] * 4294967296.0);
            alias_[s] = l;
            scaled[l] -= 1.0 - scaled[s];
            if (scaled[l] < 1.0) {
                large.pop_back();
                small.push_back(l);
            }
        }
        // Whatever is left holds (up to rounding) exactly its own share.
        size_ = n;
    }

    std::uint32_t draw(Rng& rng) const {
        const std::uint64_t x = rng.next();
        const auto i = static_cast<std::uint32_t>(((x >> 32) * size_) >> 32);
        return static_cast<std::uint32_t>(x) < keep_[i] ? i : alias_[i];
    }
    std::size_t size() const { return size_; }

  private:
    std::vector<std::uint32_t> keep_;  // chance (scaled to 2^32) of keeping index i
    std::vector<std::uint32_t> alias_;
    std::uint64_t size_ = 0;
};

std::vector<double> zipf_weights(std::size_t n, double exponent) {
    std::vector<double> w(n);
    for (std::size_t r = 0; r < n; ++r) w[r] = std::pow(static_cast<double>(r + 1), -exponent);
    return w;
}

// Fisher-Yates with our own generator, so the order is the same everywhere.
template <class T>
void shuffle(std::vector<T>& v, Rng& rng) {
    for (std::size_t i = v.size(); i > 1; --i)
        std::swap(v[i - 1], v[rng.below(static_cast<std::uint32_t>(i))]);
}

// Where the router sends traffic for a remote address.
enum class Link : std::uint8_t { uplink_a, uplink_b, server_farm };

// A remote end as the router's routing table sees it.
struct Peer {
    std::uint32_t address = 0;
    std::uint16_t as = 0;   // origin AS of the covering prefix
    std::uint8_t mask = 0;  // length of the covering prefix
    Link link = Link::uplink_a;
};

struct RoutePrefix {
    std::uint16_t as;
    std::uint8_t mask;
    Link link;
};

struct Client {
    std::uint32_t address;
    std::uint8_t subnet;  // /24 (or smaller) subnet of the client network, one VLAN each
    std::uint16_t ephemeral_lo, ephemeral_hi;  // depends on the client's OS or CPE NAT
    std::uint16_t p2p_port;                    // fixed listening port of its P2P/game client
};

enum class Shape : std::uint8_t {
    tcp_session,  // handshake, data, FIN or RST
    quic,         // like a TCP session without flags
    dns,          // one query, one answer
    ntp,          // one request, one reply, 76 bytes each
    udp_stream,   // games, VPN, P2P: long, both directions alike
    icmp,         // echo, or an error message from the remote side
    tcp_scan,     // SYN from the Internet to any address of the client network
};

enum class PeerChoice : std::uint8_t { popular, anyone, resolver, time_server, mail_provider };

// One kind of conversation and its share of all conversations.
struct Service {
    double share;
    std::uint8_t prot;
    std::uint16_t port;  // responder's port; 0 = a random high port
    Shape shape;
    PeerChoice peer;
    bool inbound;             // started by the remote side
    double median_packets;    // of the bulk direction
    double packet_sigma;      // lognormal spread: larger = heavier tail
    std::uint16_t bulk_size;  // bytes per packet of the bulk direction, at most
    bool upload_heavy;        // client sends the bulk (mail submission)
    double median_ms;         // flow duration
};

// Shares of conversations (not bytes) at a residential ISP edge: HTTPS
// dominates, QUIC is next for video, DNS is a large share of flows although
// tiny in bytes, and background scanning of the client range is never absent.
constexpr Service services[] = {
    {0.420, proto_tcp, 443, Shape::tcp_session, PeerChoice::popular, false, 14, 1.9, 1420, false,
     2500},
    {0.120, proto_udp, 443, Shape::quic, PeerChoice::popular, false, 30, 2.0, 1350, false, 4000},
    {0.060, proto_tcp, 80, Shape::tcp_session, PeerChoice::popular, false, 8, 1.8, 1420, false,
     1200},
    {0.160, proto_udp, 53, Shape::dns, PeerChoice::resolver, false, 1, 0, 512, false, 20},
    {0.015, proto_udp, 123, Shape::ntp, PeerChoice::time_server, false, 1, 0, 76, false, 0},
    {0.004, proto_tcp, 25, Shape::tcp_session, PeerChoice::anyone, false, 12, 1.0, 1200, true, 800},
    {0.006, proto_tcp, 587, Shape::tcp_session, PeerChoice::mail_provider, false, 12, 1.2, 1400,
     true, 900},
    {0.010, proto_tcp, 993, Shape::tcp_session, PeerChoice::mail_provider, false, 10, 1.5, 1400,
     false, 30000},
    {0.008, proto_tcp, 22, Shape::tcp_session, PeerChoice::anyone, false, 40, 2.2, 1400, false,
     20000},
    {0.040, proto_tcp, 0, Shape::tcp_session, PeerChoice::anyone, false, 20, 2.3, 1420, false,
     5000},
    {0.070, proto_udp, 0, Shape::udp_stream, PeerChoice::anyone, false, 40, 2.0, 1200, false,
     20000},
    {0.020, proto_icmp, 0, Shape::icmp, PeerChoice::popular, false, 4, 0, 84, false, 3000},
    {0.030, proto_tcp, 0, Shape::tcp_scan, PeerChoice::anyone, true, 1, 0, 44, false, 0},
    {0.020, proto_udp, 0, Shape::udp_stream, PeerChoice::anyone, true, 20, 2.0, 1200, false, 15000},
};

// Ports that scanners of residential ranges knock on, with rough shares.
constexpr std::uint16_t scanned_ports[] = {23, 23,   23,  22,   22,   445,  445,  3389,
                                           80, 8080, 443, 7547, 5555, 2323, 8443, 0};

// Interface numbering of each router: two uplinks, a server-farm port and one
// VLAN subinterface per client subnet.
constexpr std::uint16_t uplink_if[2] = {1, 2};
constexpr std::uint16_t server_farm_if = 3;
constexpr std::uint16_t first_access_if = 10;
constexpr std::uint32_t server_farm_nexthop = ipv4(192, 0, 2, 1);

// A flow whose First/Last are still relative: duration and how long before
// the export it ended.  They become sysUpTime values when its packet is sent.
struct PendingFlow {
    std::uint64_t due = 0;    // export slot (flows emitted by the exporter)
    std::uint64_t order = 0;  // tie-break, so the heap order is total
    Record flow;
};
struct LaterFirst {
    bool operator()(const PendingFlow& a, const PendingFlow& b) const {
        return a.due != b.due ? a.due > b.due : a.order > b.order;
    }
};

struct ExporterState {
    std::size_t index = 0;  // in IspTrafficProfile::exporters
    ExporterProfile profile;
    std::vector<std::uint32_t> clients;  // indices into Model::clients
    AliasTable client_activity;
    std::uint32_t flow_sequence = 0;
    std::uint64_t emitted = 0;
    // Second halves of conversations: the reverse flow leaves the router's
    // cache a little after (or before) the forward one, not in the same slot.
    std::priority_queue<PendingFlow, std::vector<PendingFlow>, LaterFirst> delayed;
};

}  // namespace

struct IspTraffic::Model {
    IspTrafficProfile profile;
    Rng rng;

    std::vector<Client> clients;
    std::uint8_t client_mask = 24;
    std::uint32_t client_net_size = 0;

    std::vector<std::uint32_t> remote_by_rank;  // pool index of the host of each rank
    AliasTable remote_popularity;
    std::vector<std::uint32_t> block_prefix;  // pool /24 block -> index into prefixes
    std::vector<RoutePrefix> prefixes;

    AliasTable service_mix;
    std::vector<double> exporter_cumulative;
    std::vector<ExporterState> exporters;

    double ns_per_flow = 0;
    std::uint64_t clock_ns = 0;  // since start_unix_secs
    std::uint64_t heap_order = 0;
    std::uint64_t flows_out = 0;  // handed to the caller

    std::vector<Record> packet;  // the packet being handed out
    std::size_t packet_pos = 0;

    explicit Model(IspTrafficProfile p) : profile(std::move(p)), rng(profile.seed) {
        validate();
        build_clients();
        build_remote_hosts();
        std::vector<double> shares;
        for (const Service& s : services) shares.push_back(s.share);
        service_mix = AliasTable(shares);
        ns_per_flow = 1e9 / profile.flows_per_second;
        packet.reserve(max_flows_per_packet);
    }

    void validate() const {
        const auto& p = profile;
        if (p.client_prefix_len < 16 || p.client_prefix_len > 30)
            throw std::invalid_argument("client prefix length must be 16..30");
        const std::uint32_t size = 1u << (32 - p.client_prefix_len);
        if ((p.client_network & (size - 1)) != 0)
            throw std::invalid_argument("client network has host bits set");
        if (p.clients == 0 || p.clients > size - 2)
            throw std::invalid_argument("clients must be 1.." + std::to_string(size - 2) +
                                        " for a /" + std::to_string(p.client_prefix_len));
        // Tables cost about 20 bytes per host; 16 Mi hosts is far past
        // what an edge router of this size ever sees in a file's time span.
        if (p.remote_hosts == 0 || p.remote_hosts > max_remote_hosts)
            throw std::invalid_argument("remote hosts must be 1.." +
                                        std::to_string(max_remote_hosts));
        if (!(p.flows_per_second > 0)) throw std::invalid_argument("flows per second must be > 0");
        if (p.exporters.empty()) throw std::invalid_argument("at least one exporter is needed");
        if (p.exporters.size() > p.clients)
            throw std::invalid_argument("more exporters than clients");
        for (const auto& e : p.exporters)
            if (!(e.client_share > 0)) throw std::invalid_argument("exporter share must be > 0");
        if (p.active_timeout_ms < 1000 || p.inactive_timeout_ms < 1000)
            throw std::invalid_argument("flow cache timeouts must be at least 1 s");
    }

    void build_clients() {
        const auto& p = profile;
        client_net_size = 1u << (32 - p.client_prefix_len);
        client_mask = static_cast<std::uint8_t>(std::max(24, p.client_prefix_len));
        // Any host number but the network and broadcast addresses.
        std::vector<std::uint32_t> hosts(client_net_size - 2);
        for (std::uint32_t i = 0; i < hosts.size(); ++i) hosts[i] = i + 1;
        shuffle(hosts, rng);
        hosts.resize(p.clients);
        std::sort(hosts.begin(), hosts.end());
        const std::uint32_t subnet_shift = 32u - client_mask;
        for (std::uint32_t h : hosts) {
            Client c{};
            c.address = p.client_network + h;
            c.subnet = static_cast<std::uint8_t>(h >> subnet_shift);
            const double os = rng.uniform();
            if (os < 0.4) {  // Windows
                c.ephemeral_lo = 49152;
                c.ephemeral_hi = 65535;
            } else if (os < 0.8) {  // Linux, Android
                c.ephemeral_lo = 32768;
                c.ephemeral_hi = 60999;
            } else {  // CPE NAT rewriting ports over the whole range
                c.ephemeral_lo = 1024;
                c.ephemeral_hi = 65535;
            }
            c.p2p_port = static_cast<std::uint16_t>(rng.between(1024, 65535));
            clients.push_back(c);
        }

        // Clients are split between the routers by address, as by subnet in
        // a real access network.
        double total_share = 0;
        for (const auto& e : p.exporters) total_share += e.client_share;
        double cumulative = 0;
        std::size_t next_client = 0;
        for (std::size_t k = 0; k < p.exporters.size(); ++k) {
            ExporterState e;
            e.index = k;
            e.profile = p.exporters[k];
            cumulative += e.profile.client_share / total_share;
            std::size_t end = k + 1 == p.exporters.size()
                                  ? clients.size()
                                  : static_cast<std::size_t>(cumulative * clients.size() + 0.5);
            // Every router keeps at least one client.
            end = std::clamp(end, next_client + 1, clients.size() - (p.exporters.size() - k - 1));
            for (std::size_t i = next_client; i < end; ++i)
                e.clients.push_back(static_cast<std::uint32_t>(i));
            next_client = end;
            // Heavy users are anywhere in the range, not at its start.
            shuffle(e.clients, rng);
            e.client_activity =
                AliasTable(zipf_weights(e.clients.size(), profile.client_zipf_exponent));
            exporters.push_back(std::move(e));
            exporter_cumulative.push_back(cumulative);
        }
        exporter_cumulative.back() = 1.0;
    }

    void build_remote_hosts() {
        const std::uint32_t n = profile.remote_hosts;
        // Popular hosts are scattered over the address space, not packed at
        // its start.
        remote_by_rank.resize(n);
        for (std::uint32_t i = 0; i < n; ++i) remote_by_rank[i] = i;
        shuffle(remote_by_rank, rng);
        remote_popularity = AliasTable(zipf_weights(n, profile.remote_zipf_exponent));

        // A routing table over the pool: aligned prefixes of /16../24, each
        // with an origin AS (a few large networks announce many prefixes) and
        // the uplink its best path leaves by.
        struct MaskShare {
            std::uint8_t mask;
            double share;
        };
        constexpr MaskShare mask_mix[] = {{16, 0.02}, {17, 0.02}, {18, 0.04},
                                          {19, 0.07}, {20, 0.11}, {21, 0.10},
                                          {22, 0.16}, {23, 0.12}, {24, 0.36}};
        std::vector<double> mask_weights;
        for (const auto& m : mask_mix) mask_weights.push_back(m.share);
        const AliasTable mask_draw(mask_weights);
        constexpr std::uint32_t private_as_first = 64512, private_as_count = 1023;
        const AliasTable as_draw(zipf_weights(private_as_count, 1.1));
        std::vector<std::uint16_t> as_of_rank(private_as_count);
        for (std::uint32_t i = 0; i < private_as_count; ++i)
            as_of_rank[i] = static_cast<std::uint16_t>(private_as_first + i);
        shuffle(as_of_rank, rng);

        const std::uint32_t blocks = (n + 255) / 256;
        block_prefix.resize(blocks);
        std::uint32_t block = 0;
        while (block < blocks) {
            std::uint8_t mask = mask_mix[mask_draw.draw(rng)].mask;
            // Shorten the prefix until it is aligned where it starts.
            while ((block & ((1u << (24 - mask)) - 1)) != 0) ++mask;
            const std::uint32_t span = 1u << (24 - mask);
            RoutePrefix rp{as_of_rank[as_draw.draw(rng)], mask,
                           rng.chance(0.65) ? Link::uplink_a : Link::uplink_b};
            const auto id = static_cast<std::uint32_t>(prefixes.size());
            prefixes.push_back(rp);
            for (std::uint32_t b = block; b < std::min(blocks, block + span); ++b)
                block_prefix[b] = id;
            block += span;
        }
    }

    Peer pooled_peer(std::uint32_t pool_index) const {
        const RoutePrefix& rp = prefixes[block_prefix[pool_index >> 8]];
        const std::uint32_t address = pool_index < benchmark_net_size
                                          ? benchmark_net + pool_index
                                          : reserved_net + (pool_index - benchmark_net_size);
        return Peer{address, rp.as, rp.mask, rp.link};
    }

    Peer pick_peer(PeerChoice choice) {
        switch (choice) {
            case PeerChoice::popular:
                return pooled_peer(remote_by_rank[remote_popularity.draw(rng)]);
            case PeerChoice::anyone:
                return pooled_peer(rng.below(profile.remote_hosts));
            case PeerChoice::resolver:
                // Mostly the ISP's own two resolvers, some public ones.
                if (rng.chance(0.8))
                    return Peer{ipv4(192, 0, 2, rng.chance(0.6) ? 53 : 54), 0, 24,
                                Link::server_farm};
                return Peer{ipv4(198, 51, 100, rng.chance(0.7) ? 53 : 153), 65001, 24,
                            Link::uplink_a};
            case PeerChoice::time_server:
                if (rng.chance(0.5)) return Peer{ipv4(192, 0, 2, 123), 0, 24, Link::server_farm};
                return Peer{ipv4(198, 51, 100, rng.between(120, 127)), 65002, 24, Link::uplink_b};
            case PeerChoice::mail_provider: {
                constexpr std::uint8_t hosts[] = {25, 25, 25, 26, 26, 27, 28, 29};
                return Peer{ipv4(198, 51, 100, hosts[rng.below(8)]), 65003, 24, Link::uplink_a};
            }
        }
        return {};
    }

    std::uint16_t ephemeral_port(const Client& c) {
        return static_cast<std::uint16_t>(rng.between(c.ephemeral_lo, c.ephemeral_hi));
    }

    std::uint8_t pick_tos() {
        // Most traffic is best effort; some marked (AF, EF for VoIP, ECT).
        const double u = rng.uniform();
        if (u < 0.90) return 0;
        if (u < 0.95) return 0x02;
        if (u < 0.97) return 0x28;
        if (u < 0.985) return 0xb8;
        return 0x48;
    }

    static std::uint32_t clamp_count(double v, std::uint32_t lo, std::uint32_t hi) {
        if (!(v >= lo)) return lo;
        if (v >= hi) return hi;
        return static_cast<std::uint32_t>(v);
    }

    // Packets, bytes, flags and relative timing of one direction.  First and
    // Last carry the duration and the time from the flow's end to its export
    // until the flow's packet is sent.
    static void set_counts(Record& r, std::uint32_t packets, double bytes_per_packet,
                           std::uint8_t flags, std::uint32_t duration_ms, std::uint32_t lag_ms) {
        r.dpkts = packets;
        const double bytes = std::max(40.0, bytes_per_packet) * packets;
        r.doctets = bytes >= 4294967295.0 ? 0xffffffffu : static_cast<std::uint32_t>(bytes);
        r.tcp_flags = flags;
        r.first = duration_ms;
        r.last = lag_ms;
    }

    std::uint32_t export_lag_after_close() { return rng.below(2000); }
    std::uint32_t export_lag_after_idle() { return profile.inactive_timeout_ms + rng.below(4000); }
    std::uint32_t export_lag_active() { return rng.below(4000); }

    // Fills `fwd` (initiator -> responder) and `rev`; false when the responder
    // never answered.  Addresses and routing are set by the caller.
    bool converse(const Service& s, Record& fwd, Record& rev) {
        switch (s.shape) {
            case Shape::tcp_session:
                return tcp_session(s, fwd, rev);
            case Shape::quic:
                return quic(s, fwd, rev);
            case Shape::dns: {
                const std::uint32_t tries = rng.chance(0.06) ? 2 : 1;
                const std::uint32_t dur = tries == 1 ? 0 : rng.between(1000, 5000);
                const std::uint32_t lag = export_lag_after_idle();
                set_counts(fwd, tries, rng.between(52, 100), 0, dur, lag);
                if (rng.chance(0.03)) return false;
                const double answer =
                    rng.chance(0.8) ? rng.between(68, 220) : rng.between(220, s.bulk_size);
                set_counts(rev, 1, answer, 0, 0, lag + rng.below(3));
                return true;
            }
            case Shape::ntp: {
                const std::uint32_t lag = export_lag_after_idle();
                set_counts(fwd, 1, 76, 0, 0, lag);
                if (rng.chance(0.02)) return false;
                set_counts(rev, 1, 76, 0, 0, lag);
                return true;
            }
            case Shape::udp_stream:
                return udp_stream(s, fwd, rev);
            case Shape::icmp:
                return icmp(fwd, rev);
            case Shape::tcp_scan: {
                const std::uint32_t tries = rng.chance(0.8) ? 1 : 2;
                const std::uint32_t lag = export_lag_after_idle();
                set_counts(fwd, tries, rng.chance(0.5) ? 40 : 44, tcp::syn,
                           tries == 1 ? 0 : rng.between(900, 3100), lag);
                if (!rng.chance(0.1)) return false;
                set_counts(rev, 1, 40, tcp::rst | tcp::ack, 0, lag);
                return true;
            }
        }
        return false;
    }

    // Duration of a conversation; one longer than the active timeout is seen
    // as one of its pieces.  Returns the piece's TCP flags contribution: SYN
    // for the first piece, FIN for the last, none for a middle one.
    struct Span {
        std::uint32_t duration_ms;
        std::uint32_t lag_ms;
        bool opens, closes;
        double packet_scale;  // a long session moves more than a short one
    };
    Span session_span(const Service& s) {
        const double d = rng.lognormal(s.median_ms, 1.6);
        if (d < profile.active_timeout_ms) {
            const bool idle_end = rng.chance(0.1);  // left open, expired by the router
            return Span{static_cast<std::uint32_t>(d),
                        idle_end ? export_lag_after_idle() : export_lag_after_close(), true,
                        !idle_end, 1.0};
        }
        const double piece = rng.uniform();
        return Span{profile.active_timeout_ms - rng.below(1000), export_lag_active(), piece < 0.3,
                    piece >= 0.8, 4.0};
    }

    bool tcp_session(const Service& s, Record& fwd, Record& rev) {
        const double outcome = rng.uniform();
        if (outcome < 0.035) {  // no answer: SYN and its retransmissions
            const std::uint32_t tries = rng.chance(0.6) ? 1 : rng.between(2, 3);
            set_counts(fwd, tries, rng.chance(0.5) ? 60 : 52, tcp::syn,
                       tries == 1 ? 0 : (tries == 2 ? 1000 : 3000) + rng.below(40),
                       export_lag_after_idle());
            return false;
        }
        if (outcome < 0.055) {  // refused
            const std::uint32_t lag = export_lag_after_close();
            set_counts(fwd, 1, 60, tcp::syn, 0, lag);
            set_counts(rev, 1, 40, tcp::rst | tcp::ack, 0, lag);
            return true;
        }
        const Span sp = session_span(s);
        const std::uint32_t bulk_pkts = clamp_count(
            rng.lognormal(s.median_packets * sp.packet_scale, s.packet_sigma), 2, 2000000);
        // Delayed ACKs: about one per two data segments, plus requests.
        const std::uint32_t ack_pkts =
            clamp_count(bulk_pkts * (0.35 + 0.35 * rng.uniform()) + rng.between(1, 4), 2, 2000000);
        const double bulk_size = bulk_pkts > 10 ? s.bulk_size * (0.75 + 0.25 * rng.uniform())
                                                : 120 + rng.uniform() * (s.bulk_size - 120);
        const double ack_size = 52 + rng.uniform() * (bulk_pkts > 10 ? 30 : 200);

        std::uint8_t flags = tcp::ack;
        if (sp.opens) flags |= tcp::syn;
        if (sp.closes) flags |= rng.chance(0.9) ? tcp::fin : tcp::rst;
        if (bulk_pkts > 2 || sp.opens) flags |= tcp::psh;
        const std::uint8_t reverse_flags = flags;
        const std::uint32_t rev_duration =
            sp.duration_ms > 5 ? sp.duration_ms - rng.below(5) : sp.duration_ms;

        Record& bulk = s.upload_heavy ? fwd : rev;
        Record& acks = s.upload_heavy ? rev : fwd;
        set_counts(bulk, bulk_pkts, bulk_size, flags, sp.duration_ms, sp.lag_ms);
        set_counts(acks, ack_pkts, ack_size, reverse_flags, rev_duration, sp.lag_ms);
        return true;
    }

    bool quic(const Service& s, Record& fwd, Record& rev) {
        const bool answered = !rng.chance(0.03);
        const Span sp = session_span(s);
        const std::uint32_t down = clamp_count(
            rng.lognormal(s.median_packets * sp.packet_scale, s.packet_sigma), 1, 2000000);
        const std::uint32_t up =
            clamp_count(down * (0.2 + 0.3 * rng.uniform()) + rng.between(1, 3), 1, 2000000);
        // The client's Initial is padded to 1200+ bytes; the rest are ACKs.
        const double up_size = up <= 2 ? 1250 : 60 + rng.uniform() * 80;
        const double down_size = down > 10 ? s.bulk_size * (0.8 + 0.2 * rng.uniform())
                                           : 200 + rng.uniform() * (s.bulk_size - 200);
        const std::uint32_t lag = sp.closes ? export_lag_after_idle() : sp.lag_ms;
        set_counts(fwd, answered ? up : rng.between(1, 3), up_size, 0, sp.duration_ms, lag);
        if (!answered) return false;
        set_counts(rev, down, down_size, 0, sp.duration_ms, lag);
        return true;
    }

    bool udp_stream(const Service& s, Record& fwd, Record& rev) {
        const Span sp = session_span(s);
        const std::uint32_t a = clamp_count(
            rng.lognormal(s.median_packets * sp.packet_scale, s.packet_sigma), 1, 2000000);
        const std::uint32_t b = clamp_count(a * (0.5 + rng.uniform()), 1, 2000000);
        // Packet size varies a lot between applications: 60 bytes for game
        // state, full-size for VPN and file transfer.
        const double size_a = 60 * std::pow(s.bulk_size / 60.0, rng.uniform());
        const double size_b = 60 * std::pow(s.bulk_size / 60.0, rng.uniform());
        const std::uint32_t lag = sp.closes ? export_lag_after_idle() : sp.lag_ms;
        const std::uint32_t dur = a == 1 ? 0 : sp.duration_ms;
        set_counts(fwd, a, size_a, 0, dur, lag);
        if (rng.chance(0.15)) return false;  // unanswered: peer gone, NAT, firewall
        set_counts(rev, b, size_b, 0, b == 1 ? 0 : dur, lag);
        return true;
    }

    bool icmp(Record& fwd, Record& rev) {
        const std::uint32_t lag = export_lag_after_idle();
        const std::uint32_t count = rng.chance(0.6) ? 4 : rng.between(1, 10);
        const double size = rng.chance(0.9) ? 84 : rng.between(60, 1500);
        set_counts(fwd, count, size, 0, (count - 1) * 1000 + rng.below(20), lag);
        fwd.dstport = 0x0800;  // echo request: type 8, code 0
        if (rng.chance(0.1)) return false;
        const std::uint32_t replies = rng.chance(0.95) ? count : rng.between(1, count);
        set_counts(rev, replies, size, 0, (replies - 1) * 1000 + rng.below(20), lag);
        rev.dstport = 0x0000;  // echo reply
        return true;
    }

    void route(Record& r, const Client& c, const Peer& p, bool from_client,
               const ExporterState& e) const {
        const auto access_if = static_cast<std::uint16_t>(first_access_if + c.subnet);
        std::uint16_t remote_if = server_farm_if;
        std::uint32_t remote_nexthop = server_farm_nexthop;
        if (p.link != Link::server_farm) {
            const int link = p.link == Link::uplink_a ? 0 : 1;
            remote_if = uplink_if[link];
            // Each router has its own pair of transit neighbours.
            remote_nexthop =
                ipv4(203, 0, 113, static_cast<std::uint32_t>((1 + 8 * e.index + 4 * link) & 0xff));
        }
        if (from_client) {
            r.srcaddr = c.address;
            r.dstaddr = p.address;
            r.input = access_if;
            r.output = remote_if;
            r.nexthop = remote_nexthop;
            r.src_mask = client_mask;
            r.dst_mask = p.mask;
            r.src_as = 0;  // our own prefixes: Cisco exports AS 0 for them
            r.dst_as = p.as;
        } else {
            r.srcaddr = p.address;
            r.dstaddr = c.address;
            r.input = remote_if;
            r.output = access_if;
            r.nexthop = 0;  // directly connected subnet
            r.src_mask = p.mask;
            r.dst_mask = client_mask;
            r.src_as = p.as;
            r.dst_as = 0;
        }
    }

    // One new conversation of exporter `e`: returns its first flow to export
    // now, and queues the other direction, if any, a few slots later.
    Record new_conversation(ExporterState& e) {
        const Service& s = services[service_mix.draw(rng)];
        Record fwd{}, rev{};
        const bool answered = converse(s, fwd, rev);
        const Peer peer = pick_peer(s.peer);

        Client target{};
        const Client* c;
        if (s.shape == Shape::tcp_scan) {
            // Scanners try every address, used or not.
            const std::uint32_t h = rng.between(1, client_net_size - 2);
            target.address = profile.client_network + h;
            target.subnet = static_cast<std::uint8_t>(h >> (32u - client_mask));
            c = &target;
        } else {
            c = &clients[e.clients[e.client_activity.draw(rng)]];
        }

        std::uint16_t client_port = 0, remote_port = 0;
        if (s.prot != proto_icmp) {
            if (s.shape == Shape::tcp_scan) {
                client_port = scanned_ports[rng.below(std::size(scanned_ports))];
                if (client_port == 0) client_port = static_cast<std::uint16_t>(rng.below(65536));
                remote_port = static_cast<std::uint16_t>(rng.between(1024, 65535));
            } else if (s.inbound) {
                client_port = c->p2p_port;
                remote_port = static_cast<std::uint16_t>(rng.between(1024, 65535));
            } else {
                remote_port =
                    s.port != 0 ? s.port : static_cast<std::uint16_t>(rng.between(1024, 65535));
                if (s.shape == Shape::ntp && rng.chance(0.3))
                    client_port = 123;  // ntpd talks from port 123
                else if (s.shape == Shape::udp_stream && rng.chance(0.5))
                    client_port = c->p2p_port;
                else
                    client_port = ephemeral_port(*c);
            }
        }

        const bool client_starts = !s.inbound;
        const std::uint8_t tos = pick_tos();
        for (Record* r : {&fwd, &rev}) {
            const bool from_client = (r == &fwd) == client_starts;
            route(*r, *c, peer, from_client, e);
            r->prot = s.prot;
            if (s.prot != proto_icmp) {
                r->srcport = from_client ? client_port : remote_port;
                r->dstport = from_client ? remote_port : client_port;
            }
        }
        fwd.tos = tos;
        rev.tos = rng.chance(0.8) ? tos : 0;
        if (!answered) return fwd;

        // Both directions end together and leave the cache in the same scan,
        // mostly a few slots apart, sometimes much further.
        const std::uint64_t delay = rng.chance(0.8) ? rng.below(64) : rng.below(2000);
        const bool forward_first = rng.chance(0.5);
        e.delayed.push(PendingFlow{e.emitted + 1 + delay, heap_order++, forward_first ? rev : fwd});
        return forward_first ? fwd : rev;
    }

    Record next_flow(ExporterState& e) {
        Record r;
        if (!e.delayed.empty() && e.delayed.top().due <= e.emitted) {
            r = e.delayed.top().flow;
            e.delayed.pop();
        } else {
            r = new_conversation(e);
        }
        ++e.emitted;
        return r;
    }

    // Builds the next export packet into `packet`.
    ExportPacket make_packet() {
        std::size_t k = 0;
        const double u = rng.uniform();
        while (k + 1 < exporters.size() && u >= exporter_cumulative[k]) ++k;
        ExporterState& e = exporters[k];

        // A busy router sends full packets; a partial one when its export
        // timer fires first.
        const std::size_t n = rng.chance(0.9) ? max_flows_per_packet : rng.between(1, 29);
        clock_ns += static_cast<std::uint64_t>(static_cast<double>(n) * ns_per_flow *
                                               (0.5 + rng.uniform()));
        const auto unix_secs =
            static_cast<std::uint32_t>(profile.start_unix_secs + clock_ns / 1000000000u);
        const auto unix_nsecs = static_cast<std::uint32_t>(clock_ns % 1000000000u);
        const auto uptime = static_cast<std::uint32_t>(e.profile.uptime_ms + clock_ns / 1000000u);

        packet.clear();
        for (std::size_t i = 0; i < n; ++i) {
            Record r = next_flow(e);
            const std::uint32_t duration = r.first, lag = r.last;
            r.last = uptime - lag;
            r.first = r.last - duration;
            r.unix_secs = unix_secs;
            r.unix_nsecs = unix_nsecs;
            r.sysuptime = uptime;
            r.exaddr = e.profile.address;
            r.engine_type = e.profile.engine_type;
            r.engine_id = e.profile.engine_id;
            packet.push_back(r);
        }
        const ExportPacket out{k, e.flow_sequence, std::span<const Record>(packet)};
        e.flow_sequence += static_cast<std::uint32_t>(n);
        return out;
    }
};

std::vector<ExporterProfile> default_exporters() {
    constexpr std::uint32_t day_ms = 86400000;
    return {
        ExporterProfile{ipv4(127, 0, 0, 2), 0, 1, 37 * day_ms + 4127331, 0.6},
        ExporterProfile{ipv4(127, 0, 0, 3), 1, 3, 3 * day_ms + 55021907, 0.4},
    };
}

IspTraffic::IspTraffic(IspTrafficProfile profile)
    : model_(std::make_unique<Model>(std::move(profile))) {}

IspTraffic::~IspTraffic() = default;

ExportPacket IspTraffic::next_packet() {
    Model& m = *model_;
    // Whatever fill() left of the previous packet is dropped: a packet is
    // handed out whole here.
    const ExportPacket p = m.make_packet();
    m.packet_pos = m.packet.size();
    m.flows_out += m.packet.size();
    return p;
}

void IspTraffic::fill(std::span<flowfile::Record> out) {
    Model& m = *model_;
    std::size_t done = 0;
    while (done < out.size()) {
        if (m.packet_pos == m.packet.size()) {
            m.make_packet();
            m.packet_pos = 0;
        }
        const std::size_t take = std::min(out.size() - done, m.packet.size() - m.packet_pos);
        std::copy_n(m.packet.begin() + static_cast<std::ptrdiff_t>(m.packet_pos), take,
                    out.begin() + static_cast<std::ptrdiff_t>(done));
        m.packet_pos += take;
        m.flows_out += take;
        done += take;
    }
}

const IspTrafficProfile& IspTraffic::profile() const {
    return model_->profile;
}

std::uint64_t IspTraffic::flows_generated() const {
    return model_->flows_out;
}

std::string IspTraffic::describe() const {
    const auto& p = model_->profile;
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "%u clients in %u.%u.%u.%u/%d, %u remote hosts (Zipf s=%.2f), %zu exporters, "
                  "%.0f flows/s, seed %llu",
                  p.clients, p.client_network >> 24, (p.client_network >> 16) & 0xff,
                  (p.client_network >> 8) & 0xff, p.client_network & 0xff, p.client_prefix_len,
                  p.remote_hosts, p.remote_zipf_exponent, p.exporters.size(), p.flows_per_second,
                  static_cast<unsigned long long>(p.seed));
    return buf;
}

}  // namespace flowkeep::bench
