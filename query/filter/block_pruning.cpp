#include "filter/block_pruning.hpp"

#include <algorithm>
#include <limits>

#include "flowfile/record6.hpp"
#include "time/floor_div.hpp"

namespace flowquery {

namespace {

using flowfile::AddressKey;
using Probe = BlockPruning::Probe;

__extension__ typedef unsigned __int128 Number128;

// More keys than this per criterion cost more probes than scanning saves.
constexpr std::size_t max_address_keys = 4096;
// A port set larger than this (1024-65535) narrows too little to probe.
constexpr std::size_t max_probed_ports = 256;

Number128 number128(const AddressSet::Ipv6Number& n) {
    return Number128{n.high} << 64 | n.low;
}

flowfile::Ipv6Address address_of(Number128 n) {
    flowfile::Ipv6Address a{};
    for (int i = 15; i >= 0; --i) {
        a[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(n);
        n >>= 8;
    }
    return a;
}

// Calls emit(network, length) for the fewest CIDR prefixes that make up
// [first, last] (bits: 32 or 128).
template <typename Emit>
void for_each_prefix(Number128 first, Number128 last, unsigned bits, Emit emit) {
    for (Number128 a = first;;) {
        unsigned length = bits;
        // Widen while the prefix one bit shorter starts at `a` and ends
        // inside the range.
        while (length > 0) {
            const unsigned host = bits - length + 1;
            const Number128 host_mask = host >= 128 ? ~Number128{0} : (Number128{1} << host) - 1;
            if ((a & host_mask) != 0 || host_mask > last - a) break;
            --length;
        }
        emit(a, length);
        const unsigned host = bits - length;
        const Number128 span_minus_one = host >= 128 ? ~Number128{0} : (Number128{1} << host) - 1;
        if (span_minus_one >= last - a) return;
        a += span_minus_one + 1;
    }
}

void finish(Probe& p) {
    if (p.anything) {
        p.keys.clear();
        return;
    }
    std::sort(p.keys.begin(), p.keys.end(), [](const AddressKey& x, const AddressKey& y) {
        return std::tie(x.kind, x.bytes) < std::tie(y.kind, y.bytes);
    });
    p.keys.erase(std::unique(p.keys.begin(), p.keys.end(),
                             [](const AddressKey& x, const AddressKey& y) {
                                 return x.kind == y.kind && x.bytes == y.bytes;
                             }),
                 p.keys.end());
}

void add_ipv4_prefix(std::uint32_t network, unsigned length, Probe& p) {
    if (p.anything) return;
    if (length == 32) {
        p.keys.push_back(AddressKey::ipv4(network));
    } else if (length >= 24) {
        p.keys.push_back(AddressKey::ipv4_24(network));
    } else if (length >= 16) {
        const std::uint32_t count = std::uint32_t{1} << (24 - length);
        for (std::uint32_t i = 0; i < count; ++i)
            p.keys.push_back(AddressKey::ipv4_24(network + (i << 8)));
    } else {
        p.anything = true;
    }
    if (p.keys.size() > max_address_keys) p.anything = true;
}

void add_ipv6_prefix(const flowfile::Ipv6Address& network, unsigned length, Probe& p) {
    if (p.anything) return;
    if (length == 128)
        p.keys.push_back(AddressKey::ipv6(network));
    else if (length >= 64)
        p.keys.push_back(AddressKey::ipv6_64(network));
    else if (length >= 48)
        p.keys.push_back(AddressKey::ipv6_48(network));
    else
        p.anything = true;
    if (p.keys.size() > max_address_keys) p.anything = true;
}

void add_ipv4_range(std::uint32_t first, std::uint32_t last, Probe& p) {
    for_each_prefix(first, last, 32, [&p](Number128 network, unsigned length) {
        add_ipv4_prefix(static_cast<std::uint32_t>(network), length, p);
    });
}

// An IPv6 record's address that is IPv4-mapped (::ffff:a.b.c.d) is looked up
// as the IPv4 address by AddressSet and ClientMap.  Records do not carry
// them as source or destination, but if one did, the index would hold it
// under IPv6 keys (its /64 is ::/64) or under IPv4 ones: probe both.
void add_mapped(const Probe& ipv4, Probe& p) {
    if (ipv4.anything) {
        p.anything = true;
        return;
    }
    if (ipv4.keys.empty()) return;
    flowfile::Ipv6Address mapped{};
    mapped[10] = mapped[11] = 0xff;
    p.keys.push_back(AddressKey::ipv6_64(mapped));
    p.keys.insert(p.keys.end(), ipv4.keys.begin(), ipv4.keys.end());
}

std::optional<std::vector<std::uint16_t>> probed_ports(const PortSet& set) {
    std::vector<std::uint16_t> ports;
    for (unsigned port = 0; port <= 65535; ++port) {
        if (!set.contains(static_cast<std::uint16_t>(port))) continue;
        if (ports.size() == max_probed_ports) return std::nullopt;
        ports.push_back(static_cast<std::uint16_t>(port));
    }
    return ports;
}

// One client entry of a wanted account: its keys in each family's files
// and the seconds its mapping holds, [from, until).
struct ClientProbe {
    Probe ipv4;
    Probe ipv6;
    std::int64_t from = 0;
    std::int64_t until = 0;
};

}  // namespace

struct BlockPruning::Criteria {
    // Each: keys for IPv4 files and for IPv6 files (--ip, --src-ip, --dst-ip).
    std::vector<std::pair<Probe, Probe>> addresses;
    // --account/--connection: one side in one of these prefixes, in time.
    std::optional<std::vector<ClientProbe>> clients;
    std::vector<std::vector<std::uint16_t>> ports;  // each: one of them, either side
    std::optional<std::vector<std::uint8_t>> protocols;
    std::optional<FlowWindow> window;

    bool narrows() const {
        const bool addresses_narrow =
            std::any_of(addresses.begin(), addresses.end(),
                        [](const auto& a) { return !a.first.anything || !a.second.anything; });
        const bool clients_narrow =
            clients && std::any_of(clients->begin(), clients->end(), [](const ClientProbe& c) {
                return !c.ipv4.anything || !c.ipv6.anything;
            });
        return addresses_narrow || clients_narrow || !ports.empty() || protocols || window ||
               (clients && clients->empty());
    }
};

Probe BlockPruning::ipv4_probe(const AddressSet& set) {
    Probe p;
    for (const auto& r : set.ranges()) add_ipv4_range(r.first, r.last, p);
    finish(p);
    return p;
}

Probe BlockPruning::ipv6_probe(const AddressSet& set) {
    Probe p;
    // FlowFilter: a list without IPv6 items matches no IPv6 flow.
    if (!set.has_ipv6()) return p;
    for (const auto& r : set.ranges6()) {
        for_each_prefix(number128(r.first), number128(r.last), 128,
                        [&p](Number128 network, unsigned length) {
                            add_ipv6_prefix(address_of(network), length, p);
                        });
    }
    if (set.has_ipv4()) add_mapped(ipv4_probe(set), p);
    finish(p);
    return p;
}

BlockPruning::BlockPruning(std::unique_ptr<Criteria> criteria) : criteria_(std::move(criteria)) {}
BlockPruning::~BlockPruning() = default;

std::shared_ptr<const BlockPruning> BlockPruning::plan(
    const FilterSpec& spec, const ClientMap* clients, const std::vector<std::string>& accounts,
    const std::vector<std::string>& connections) {
    auto c = std::make_unique<Criteria>();
    for (const auto* set : {&spec.ip, &spec.src_ip, &spec.dst_ip}) {
        if (*set) c->addresses.emplace_back(ipv4_probe(**set), ipv6_probe(**set));
    }
    if (clients && (!accounts.empty() || !connections.empty())) {
        std::vector<ClientProbe> probes;
        for (const auto& prefix : clients->prefixes_of(accounts, connections)) {
            ClientProbe probe;
            probe.from = prefix.from;
            probe.until = prefix.until;
            if (prefix.ipv6) {
                const Number128 n = Number128{prefix.network6_high} << 64 | prefix.network6_low;
                add_ipv6_prefix(address_of(n), prefix.length, probe.ipv6);
            } else {
                add_ipv4_prefix(prefix.network, prefix.length, probe.ipv4);
                add_mapped(probe.ipv4, probe.ipv6);
            }
            finish(probe.ipv4);
            finish(probe.ipv6);
            probes.push_back(std::move(probe));
        }
        c->clients = std::move(probes);
    }
    for (const auto* set : {&spec.port, &spec.src_port, &spec.dst_port}) {
        if (!*set) continue;
        if (auto ports = probed_ports(**set)) c->ports.push_back(std::move(*ports));
    }
    if (spec.protocol && !spec.protocol->contains_everything()) {
        std::vector<std::uint8_t> protocols;
        for (unsigned p = 0; p <= 255; ++p)
            if (spec.protocol->contains(static_cast<std::uint8_t>(p)))
                protocols.push_back(static_cast<std::uint8_t>(p));
        c->protocols = std::move(protocols);
    }
    c->window = spec.window;
    if (!c->narrows()) return nullptr;
    return std::shared_ptr<const BlockPruning>(new BlockPruning(std::move(c)));
}

namespace {

template <typename Holds>
bool probe_may_hold(const Probe& p, Holds holds) {
    return p.anything || std::any_of(p.keys.begin(), p.keys.end(), holds);
}

}  // namespace

std::vector<std::uint32_t> BlockPruning::candidates(const flowfile::BlockIndex& index) const {
    const Criteria& c = *criteria_;
    const bool ipv6 = index.export_version() == flowfile::ipv6_export_version;
    auto family = [ipv6](const std::pair<Probe, Probe>& a) -> const Probe& {
        return ipv6 ? a.second : a.first;
    };
    auto client_family = [ipv6](const ClientProbe& p) -> const Probe& {
        return ipv6 ? p.ipv6 : p.ipv4;
    };

    // The whole file's filter first: most files of a long window hold none
    // of a client's addresses, and then no block is looked at.
    auto file_holds = [&index](const AddressKey& k) { return index.file_may_hold(k); };
    for (const auto& a : c.addresses)
        if (!probe_may_hold(family(a), file_holds)) return {};
    if (c.clients && std::none_of(c.clients->begin(), c.clients->end(), [&](const ClientProbe& p) {
            return probe_may_hold(client_family(p), file_holds);
        }))
        return {};

    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i < index.blocks(); ++i) {
        const flowfile::IndexBlock b = index.block(i);
        if (b.records == 0) continue;
        if (c.window && !(b.min_start_ms < c.window->to_ms && b.max_end_ms >= c.window->from_ms))
            continue;
        if (c.protocols &&
            std::none_of(c.protocols->begin(), c.protocols->end(),
                         [&](std::uint8_t p) { return index.block_may_hold_protocol(i, p); }))
            continue;
        if (!std::all_of(c.ports.begin(), c.ports.end(), [&](const auto& ports) {
                return std::any_of(ports.begin(), ports.end(), [&](std::uint16_t port) {
                    return index.block_may_hold_port(i, port);
                });
            }))
            continue;
        auto block_holds = [&index, i](const AddressKey& k) { return index.block_may_hold(i, k); };
        if (!std::all_of(c.addresses.begin(), c.addresses.end(),
                         [&](const auto& a) { return probe_may_hold(family(a), block_holds); }))
            continue;
        if (c.clients) {
            // The seconds the block's flows start in, as --account looks
            // them up (rounded down or towards zero: both are inside).
            const std::int64_t first_second = floor_div(b.min_start_ms, 1000);
            const std::int64_t last_second = b.max_start_ms / 1000;
            if (std::none_of(c.clients->begin(), c.clients->end(), [&](const ClientProbe& p) {
                    return p.from <= last_second && p.until > first_second &&
                           probe_may_hold(client_family(p), block_holds);
                }))
                continue;
        }
        out.push_back(static_cast<std::uint32_t>(i));
    }
    return out;
}

}  // namespace flowquery
