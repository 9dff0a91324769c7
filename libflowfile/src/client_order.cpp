#include "flowfile/client_order.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

#include "flowfile/error.hpp"
#include "flowfile/ipv4_text.hpp"

namespace flowfile {
namespace {

std::uint32_t v4_mask(unsigned length) {
    return length == 0 ? 0 : ~std::uint32_t{0} << (32 - length);
}

[[noreturn]] void bad_item(std::string_view item, std::string_view why) {
    throw Error("client networks: " + std::string(why) + " '" + std::string(item) + "'");
}

std::optional<unsigned> prefix_length(std::string_view text, unsigned max) {
    if (text.empty() || text.size() > 3) return std::nullopt;
    unsigned value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (text.size() > 1 && text[0] == '0') return std::nullopt;
    if (value > max) return std::nullopt;
    return value;
}

// The key a record sorts by: 0 and the client address (as 16 bytes, IPv4 as
// its IPv4-mapped form, so one order holds both families), or 1 for transit.
struct ClientKey {
    std::uint8_t transit = 1;
    Ipv6Address address{};
    friend bool operator<(const ClientKey& a, const ClientKey& b) {
        if (a.transit != b.transit) return a.transit < b.transit;
        return a.address < b.address;
    }
};

ClientKey key_of(const Record& r, const ClientNetworks& networks) {
    if (networks.contains(r.srcaddr)) return {0, ipv4_mapped(r.srcaddr)};
    if (networks.contains(r.dstaddr)) return {0, ipv4_mapped(r.dstaddr)};
    return {};
}

ClientKey key_of(const Record6& r, const ClientNetworks& networks) {
    if (networks.contains(r.srcaddr)) return {0, r.srcaddr};
    if (networks.contains(r.dstaddr)) return {0, r.dstaddr};
    return {};
}

template <typename R>
void order(std::span<R> records, const ClientNetworks& networks) {
    if (networks.empty() || records.size() < 2) return;
    // Keys are computed once: stable_sort on the records would evaluate
    // the prefix lists at every comparison.
    struct Slot {
        ClientKey key;
        std::uint32_t position;
    };
    std::vector<Slot> slots(records.size());
    for (std::size_t i = 0; i < records.size(); ++i)
        slots[i] = {key_of(records[i], networks), static_cast<std::uint32_t>(i)};
    std::sort(slots.begin(), slots.end(), [](const Slot& a, const Slot& b) {
        if (a.key < b.key) return true;
        if (b.key < a.key) return false;
        return a.position < b.position;  // stable
    });
    std::vector<R> ordered;
    ordered.reserve(records.size());
    for (const Slot& s : slots) ordered.push_back(records[s.position]);
    std::copy(ordered.begin(), ordered.end(), records.begin());
}

}  // namespace

ClientNetworks ClientNetworks::parse(std::string_view list) {
    ClientNetworks nets;
    std::size_t pos = 0;
    while (pos < list.size()) {
        const std::size_t end = list.find_first_of(", \t", pos);
        const std::string_view item =
            list.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
        pos = end == std::string_view::npos ? list.size() : end + 1;
        if (item.empty()) continue;
        const std::size_t slash = item.find('/');
        const std::string_view address = item.substr(0, slash);
        if (address.find(':') != std::string_view::npos) {
            // parse_ipv6_prefix clears host bits as routers do; here they
            // are refused, as for IPv4 and the query tools' --ip: a typo in
            // a length would silently widen or narrow the clients.
            const std::optional<Ipv6Prefix> host = parse_ipv6_prefix(address);
            if (!host) bad_item(item, "bad address in");
            if (slash != std::string_view::npos && !prefix_length(item.substr(slash + 1), 128))
                bad_item(item, "bad prefix");
            const std::optional<Ipv6Prefix> p = parse_ipv6_prefix(item);
            if (!p) bad_item(item, "bad prefix");
            if (p->address != host->address)
                throw Error("client networks: '" + std::string(item) +
                            "' has host bits set (did you mean " + ipv6_text(p->address) + "/" +
                            std::to_string(p->length) + "?)");
            nets.v6_.push_back(*p);
            continue;
        }
        const std::string host(address);
        in_addr parsed{};
        if (::inet_pton(AF_INET, host.c_str(), &parsed) != 1) bad_item(item, "bad address in");
        unsigned length = 32;
        if (slash != std::string_view::npos) {
            const std::optional<unsigned> l = prefix_length(item.substr(slash + 1), 32);
            if (!l) bad_item(item, "bad prefix");
            length = *l;
        }
        const std::uint32_t network = ntohl(parsed.s_addr);
        if ((network & ~v4_mask(length)) != 0)
            throw Error("client networks: '" + std::string(item) +
                        "' has host bits set (did you mean " +
                        ipv4_text(network & v4_mask(length)) + "/" + std::to_string(length) + "?)");
        nets.v4_.push_back({network, length});
    }
    return nets;
}

bool ClientNetworks::contains(std::uint32_t ipv4) const {
    for (const V4& p : v4_)
        if ((ipv4 & v4_mask(p.length)) == p.network) return true;
    return false;
}

bool ClientNetworks::contains(const Ipv6Address& address) const {
    if (is_ipv4_mapped(address)) return contains(mapped_ipv4(address));
    for (const Ipv6Prefix& p : v6_)
        if (p.contains(address)) return true;
    return false;
}

std::string ClientNetworks::text() const {
    std::string out;
    for (const V4& p : v4_) {
        if (!out.empty()) out += ',';
        out += ipv4_text(p.network);
        out += '/';
        out += std::to_string(p.length);
    }
    for (const Ipv6Prefix& p : v6_) {
        if (!out.empty()) out += ',';
        out += ipv6_text(p.address);
        out += '/';
        out += std::to_string(p.length);
    }
    return out;
}

void order_by_client(std::span<Record> records, const ClientNetworks& networks) {
    order(records, networks);
}

void order_by_client(std::span<Record6> records, const ClientNetworks& networks) {
    order(records, networks);
}

}  // namespace flowfile
