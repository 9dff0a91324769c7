#pragma once

// flow-capture's one positional argument, localip/remoteip/port[/ttl]
// (flow-capture.md §1.1), with IPv6 literals added for the local and remote
// fields.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace capture {

inline constexpr std::uint16_t default_port = 9991;

class IpAddress {
  public:
    enum class Family { ipv4, ipv6 };

    IpAddress() = default;  // 0.0.0.0
    static IpAddress from_ipv4(std::uint32_t host_order);
    // 16 bytes in network order; scope_id for link-local addresses (fe80::1%eth0).
    static IpAddress from_ipv6(const std::array<std::uint8_t, 16>& bytes,
                               std::uint32_t scope_id = 0);

    Family family() const { return family_; }
    bool is_ipv4() const { return family_ == Family::ipv4; }
    // 0.0.0.0 or ::, which flow-capture reads as "any".
    bool is_unspecified() const;
    // 224.0.0.0/4 or ff00::/8.
    bool is_multicast() const;
    // Source-specific multicast range: 232.0.0.0/8 or ff3x::/32.
    bool is_source_specific_multicast() const;

    std::uint32_t ipv4() const;  // host order; 0 for IPv6
    const std::array<std::uint8_t, 16>& ipv6() const { return bytes_; }
    std::uint32_t scope_id() const { return scope_id_; }

    // Dotted quad, or the RFC 5952 form (with "%scope" as a number when set).
    std::string str() const;

    friend bool operator==(const IpAddress&, const IpAddress&) = default;

  private:
    Family family_ = Family::ipv4;
    std::array<std::uint8_t, 16> bytes_{};  // IPv4 in the first four bytes
    std::uint32_t scope_id_ = 0;
};

struct ListenAddress {
    // The three fields as written.  flow-capture's meaning, kept here:
    //   local  - address to bind; 0 = every local address
    //   remote - when not 0, only datagrams from this exporter are accepted
    //            (others count as corrupt)
    //   port   - UDP port
    // except when `remote` is a multicast group (see multicast()).
    IpAddress local;
    IpAddress remote;
    std::uint16_t port = default_port;
    // The fourth field: parsed and, as in flow-capture, not used.
    std::optional<unsigned> ttl;

    // flow-capture swaps the meanings when the remote field is a multicast
    // group: it binds the wildcard address, joins `remote`, and `local`
    // (when not 0) is the source of a source-specific join.
    bool multicast() const { return remote.is_multicast(); }
    // The address the socket binds: `local`, or the wildcard of the group's
    // family for multicast.
    IpAddress bind_address() const;
    // The exporter datagrams must come from, if any.
    std::optional<IpAddress> required_exporter() const;

    friend bool operator==(const ListenAddress&, const ListenAddress&) = default;
};

// Parses "localip/remoteip/port[/ttl]"; later fields may be left out
// ("127.0.0.1/0" listens on port 9991).  Each address field is
//   * an IPv6 literal when it contains ':' (optionally "%interface"),
//   * a host name when it contains a letter: resolved, first IPv4 address,
//   * otherwise flow-tools' dotted decimal: missing trailing octets are zero
//     and given ones are left-aligned ("10" = 10.0.0.0, "127.1" =
//     127.1.0.0); an octet over 255 is refused (flow-tools took it
//     modulo 256, so "300.1.1.1" became 44.1.1.1).
// The port is 1..65535 and the ttl 0..255.  Throws std::invalid_argument
// with a one-line message naming the argument and what was wrong.
ListenAddress parse_listen_address(std::string_view text);

}  // namespace capture
