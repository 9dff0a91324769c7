#include "listen_address.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace capture {

IpAddress IpAddress::from_ipv4(std::uint32_t host_order) {
    IpAddress a;
    a.family_ = Family::ipv4;
    a.bytes_[0] = static_cast<std::uint8_t>(host_order >> 24);
    a.bytes_[1] = static_cast<std::uint8_t>(host_order >> 16);
    a.bytes_[2] = static_cast<std::uint8_t>(host_order >> 8);
    a.bytes_[3] = static_cast<std::uint8_t>(host_order);
    return a;
}

IpAddress IpAddress::from_ipv6(const std::array<std::uint8_t, 16>& bytes, std::uint32_t scope_id) {
    IpAddress a;
    a.family_ = Family::ipv6;
    a.bytes_ = bytes;
    a.scope_id_ = scope_id;
    return a;
}

bool IpAddress::is_unspecified() const {
    return std::all_of(bytes_.begin(), bytes_.end(), [](std::uint8_t b) { return b == 0; });
}

bool IpAddress::is_multicast() const {
    return is_ipv4() ? (bytes_[0] & 0xf0) == 0xe0 : bytes_[0] == 0xff;
}

bool IpAddress::is_source_specific_multicast() const {
    if (is_ipv4()) return bytes_[0] == 232;
    return bytes_[0] == 0xff && (bytes_[1] & 0xf0) == 0x30 && bytes_[2] == 0 && bytes_[3] == 0;
}

std::uint32_t IpAddress::ipv4() const {
    if (!is_ipv4()) return 0;
    return static_cast<std::uint32_t>(bytes_[0]) << 24 |
           static_cast<std::uint32_t>(bytes_[1]) << 16 |
           static_cast<std::uint32_t>(bytes_[2]) << 8 | bytes_[3];
}

std::string IpAddress::str() const {
    char text[INET6_ADDRSTRLEN] = {};
    if (is_ipv4()) {
        inet_ntop(AF_INET, bytes_.data(), text, sizeof text);
        return text;
    }
    inet_ntop(AF_INET6, bytes_.data(), text, sizeof text);
    std::string s = text;
    if (scope_id_ != 0) s.append("%").append(std::to_string(scope_id_));
    return s;
}

IpAddress ListenAddress::bind_address() const {
    if (!multicast() && !local.is_unspecified()) return local;
    // A wildcard "0" is read as IPv4, so a given remote address (or the
    // group) decides the family; "::" asks for IPv6 itself.
    const IpAddress& decides = multicast() || !remote.is_unspecified() ? remote : local;
    return decides.is_ipv4() ? IpAddress{} : IpAddress::from_ipv6({});
}

std::optional<IpAddress> ListenAddress::required_exporter() const {
    if (multicast() || remote.is_unspecified()) return std::nullopt;
    return remote;
}

namespace {

constexpr const char* accepted_form =
    "(accepted: localip/remoteip/port[/ttl], e.g. 0/0/9995, 10.0.0.1/10.0.0.2/9995 or ::/0/9995)";

[[noreturn]] void bad(std::string_view text, const std::string& why) {
    throw std::invalid_argument("localip/remoteip/port \"" + std::string(text) + "\": " + why +
                                " " + accepted_form);
}

IpAddress parse_ipv6(std::string_view whole, const std::string& field, const char* role) {
    std::string address = field;
    std::uint32_t scope = 0;
    if (const auto percent = field.find('%'); percent != std::string::npos) {
        address = field.substr(0, percent);
        const std::string zone = field.substr(percent + 1);
        const bool numeric = !zone.empty() && zone.size() <= 9 &&
                             std::all_of(zone.begin(), zone.end(),
                                         [](unsigned char c) { return std::isdigit(c) != 0; });
        scope =
            numeric ? static_cast<std::uint32_t>(std::stoul(zone)) : if_nametoindex(zone.c_str());
        if (scope == 0) bad(whole, std::string(role) + " \"" + field + "\": unknown interface");
    }
    std::array<std::uint8_t, 16> bytes{};
    if (inet_pton(AF_INET6, address.c_str(), bytes.data()) != 1)
        bad(whole, std::string(role) + " \"" + field + "\" is not an IPv6 address");
    return IpAddress::from_ipv6(bytes, scope);
}

IpAddress resolve_ipv4(std::string_view whole, const std::string& name, const char* role) {
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* found = nullptr;
    const int rc = getaddrinfo(name.c_str(), nullptr, &hints, &found);
    if (rc != 0 || found == nullptr)
        bad(whole, std::string("cannot resolve ") + role + " \"" + name +
                       "\": " + (rc != 0 ? gai_strerror(rc) : "no IPv4 address"));
    const auto* sin = reinterpret_cast<const sockaddr_in*>(found->ai_addr);
    const std::uint32_t address = ntohl(sin->sin_addr.s_addr);
    freeaddrinfo(found);
    return IpAddress::from_ipv4(address);
}

// flow-tools' own reading of dotted decimal (see the header): not
// inet_aton's, which would make "127.1" 127.0.0.1.  Unlike flow-tools, an
// octet over 255 is refused rather than taken modulo 256.
IpAddress parse_dotted(std::string_view whole, const std::string& field, const char* role) {
    std::uint32_t address = 0;
    int octets = 0;
    std::size_t pos = 0;
    for (;;) {
        const std::size_t end = std::min(field.find('.', pos), field.size());
        if (end == pos || octets == 4)
            bad(whole, std::string(role) + " \"" + field + "\" is not an address");
        unsigned octet = 0;
        for (std::size_t i = pos; i < end; ++i) {
            if (!std::isdigit(static_cast<unsigned char>(field[i])))
                bad(whole, std::string(role) + " \"" + field + "\" is not an address");
            octet = octet * 10 + static_cast<unsigned>(field[i] - '0');
            // flow-tools took each octet modulo 256, so a typo such as 300
            // silently listened on (or filtered for) another address.
            if (octet > 255)
                bad(whole, std::string(role) + " \"" + field + "\": octet " +
                               std::string(field.substr(pos, end - pos)) +
                               " is out of range 0..255");
        }
        address = address << 8 | octet;
        ++octets;
        if (end == field.size()) break;
        pos = end + 1;
    }
    return IpAddress::from_ipv4(address << (8 * (4 - octets)));
}

// "0x0a.1" has letters but is no host name: the resolver would read it with
// inet_aton (hex, octal, 127.1 = 127.0.0.1), a different reading from the
// dotted decimal above.
bool is_inet_aton_number(const std::string& field) {
    std::size_t pos = 0;
    for (;;) {
        const std::size_t end = std::min(field.find('.', pos), field.size());
        const std::string_view label = std::string_view(field).substr(pos, end - pos);
        const bool hex = label.size() > 2 && label[0] == '0' &&
                         (label[1] == 'x' || label[1] == 'X') &&
                         std::all_of(label.begin() + 2, label.end(),
                                     [](unsigned char c) { return std::isxdigit(c) != 0; });
        const bool digits =
            !label.empty() && std::all_of(label.begin(), label.end(),
                                          [](unsigned char c) { return std::isdigit(c) != 0; });
        if (!hex && !digits) return false;
        if (end == field.size()) return true;
        pos = end + 1;
    }
}

IpAddress parse_address(std::string_view whole, const std::string& field, const char* role) {
    if (field.empty()) bad(whole, std::string("empty ") + role + " (write 0 for any)");
    if (field.find(':') != std::string::npos) return parse_ipv6(whole, field, role);
    if (std::any_of(field.begin(), field.end(),
                    [](unsigned char c) { return std::isalpha(c) != 0; })) {
        if (is_inet_aton_number(field))
            bad(whole, std::string(role) + " \"" + field +
                           "\" is not an address (octets are decimal 0..255)");
        return resolve_ipv4(whole, field, role);
    }
    return parse_dotted(whole, field, role);
}

unsigned parse_number(std::string_view whole, const std::string& field, const char* role,
                      unsigned min, unsigned max) {
    const std::string range = std::to_string(min) + ".." + std::to_string(max);
    if (field.empty() || field.size() > 9 ||
        !std::all_of(field.begin(), field.end(),
                     [](unsigned char c) { return std::isdigit(c) != 0; }))
        bad(whole, std::string(role) + " \"" + field + "\" is not a number " + range);
    const auto value = static_cast<unsigned>(std::stoul(field));
    if (value < min || value > max)
        bad(whole, std::string(role) + " " + field + " is out of range " + range);
    return value;
}

}  // namespace

ListenAddress parse_listen_address(std::string_view text) {
    std::vector<std::string> fields;
    std::size_t pos = 0;
    for (;;) {
        const std::size_t slash = text.find('/', pos);
        fields.emplace_back(
            text.substr(pos, slash == std::string_view::npos ? text.npos : slash - pos));
        if (slash == std::string_view::npos) break;
        pos = slash + 1;
    }
    if (fields.size() > 4) bad(text, "more than four fields");

    ListenAddress listen;
    listen.local = parse_address(text, fields[0], "local address");
    if (fields.size() > 1) listen.remote = parse_address(text, fields[1], "remote address");
    if (fields.size() > 2)
        listen.port = static_cast<std::uint16_t>(parse_number(text, fields[2], "port", 1, 65535));
    if (fields.size() > 3) listen.ttl = parse_number(text, fields[3], "ttl", 0, 255);

    // A socket of one family never sees datagrams of the other, so a capture
    // asked to mix them would silently receive nothing.
    const bool local_given = !listen.local.is_unspecified();
    const bool remote_given = !listen.remote.is_unspecified();
    if (local_given && remote_given && listen.local.family() != listen.remote.family())
        bad(text, "local and remote addresses must both be IPv4 or both IPv6");
    if (listen.multicast() && listen.local.is_multicast())
        bad(text, "the local field of a multicast capture is the source, not a group");
    return listen;
}

}  // namespace capture
