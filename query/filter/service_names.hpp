#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace flowquery {

// Port and protocol names from services(5) and protocols(5) files, read once
// so that printing a name per output row is an array lookup.
//
// Name lookups (port, protocol) ignore case and know the aliases.  Number
// lookups give the official name (the first column) of the first line that
// has the number, as getservbyport(3) and getprotobynumber(3) do.
class ServiceNames {
  public:
    ServiceNames() = default;  // knows no name

    // A file that is missing or unreadable leaves its half of the table
    // empty: names are a convenience, a query must not fail for want of them.
    // Malformed lines are skipped, as the C library does.
    static ServiceNames load(const std::filesystem::path& services = "/etc/services",
                             const std::filesystem::path& protocols = "/etc/protocols");

    // The port of a tcp or udp service ("smtp" -> 25); the first such line wins.
    std::optional<std::uint16_t> port(std::string_view name) const;
    // "tcp" and "TCP" -> 6.
    std::optional<std::uint8_t> protocol(std::string_view name) const;

    // The service on that port for tcp (6), udp (17) or sctp (132); "" when
    // unknown or for any other protocol.
    std::string_view port_name(std::uint16_t port, std::uint8_t protocol) const {
        const int transport = transport_index(protocol);
        if (transport < 0 || port_names_[transport].empty()) return {};
        return names_[port_names_[transport][port]];
    }

    // Lowercase official name ("tcp"), "" when unknown.
    std::string_view protocol_name(std::uint8_t protocol) const {
        return names_.empty() ? std::string_view{} : names_[protocol_names_[protocol]];
    }

  private:
    static int transport_index(std::uint8_t protocol) {
        switch (protocol) {
            case 6:
                return 0;
            case 17:
                return 1;
            case 132:
                return 2;
            default:
                return -1;
        }
    }
    void read_services(const std::filesystem::path& path);
    void read_protocols(const std::filesystem::path& path);
    std::uint16_t intern(std::string name);

    // names_[0] is "", the name of every number no line mentions.
    std::vector<std::string> names_;
    // Per transport (tcp, udp, sctp): 65536 indices into names_, or empty.
    std::array<std::vector<std::uint16_t>, 3> port_names_;
    std::array<std::uint16_t, 256> protocol_names_{};
    // Keys are lowercase.
    std::unordered_map<std::string, std::uint16_t> ports_by_name_;
    std::unordered_map<std::string, std::uint8_t> protocols_by_name_;
};

}  // namespace flowquery
