#include "filter/filter_options.hpp"

#include <optional>
#include <string_view>

namespace flowquery {
namespace {

void add_list_option(CLI::App& app, const std::string& name, std::vector<std::string>& values,
                     const std::string& help) {
    app.add_option(name, values, help)
        ->group("Filters")
        ->type_name("LIST")
        ->allow_extra_args(false)
        ->take_all();
}

// "--ip A --ip B,C" -> "A,B,C": the occurrences are one list.
std::optional<std::string> joined(const std::vector<std::string>& values) {
    if (values.empty()) return std::nullopt;
    std::string list;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) list += ',';
        list += values[i];
    }
    return list;
}

std::optional<AddressSet> addresses(const std::vector<std::string>& values,
                                    std::string_view option) {
    const auto list = joined(values);
    if (!list) return std::nullopt;
    return AddressSet::parse(*list, option);
}

std::optional<PortSet> ports(const std::vector<std::string>& values, std::string_view option,
                             const ServiceNames& names) {
    const auto list = joined(values);
    if (!list) return std::nullopt;
    return PortSet::parse(*list, option, names);
}

}  // namespace

void add_filter_options(CLI::App& app, FilterOptionText& text) {
    add_list_option(app, "--ip", text.ip,
                    "Flows whose source or destination address is in the list of IPv4 and IPv6 "
                    "addresses and CIDR prefixes, e.g. --ip 10.0.3.7,192.0.2.0/24 or --ip "
                    "2001:db8:3:7::/64");
    add_list_option(app, "--src-ip", text.src_ip,
                    "Flows whose source address is in the list, e.g. --src-ip 10.0.0.0/8");
    add_list_option(app, "--dst-ip", text.dst_ip,
                    "Flows whose destination address is in the list, e.g. --dst-ip "
                    "203.0.113.10");
    add_list_option(app, "--proto", text.protocol,
                    "Flows of these IP protocols, by name or number, e.g. --proto tcp,udp,47");
    add_list_option(app, "--port", text.port,
                    "TCP, UDP or SCTP flows whose source or destination port is in the list of "
                    "numbers, ranges and service names, e.g. --port smtp,465,8000-8099");
    add_list_option(app, "--src-port", text.src_port,
                    "TCP, UDP or SCTP flows whose source port is in the list, e.g. --src-port "
                    "1024-65535");
    add_list_option(app, "--dst-port", text.dst_port,
                    "TCP, UDP or SCTP flows whose destination port is in the list, e.g. "
                    "--dst-port https,80");
    add_list_option(app, "--exporter", text.exporter,
                    "Flows exported by these routers (IPv4 or IPv6 addresses or prefixes), e.g. "
                    "--exporter 192.0.2.1");
}

FilterSpec build_filter_spec(const FilterOptionText& text, const ServiceNames& names) {
    FilterSpec spec;
    spec.ip = addresses(text.ip, "--ip");
    spec.src_ip = addresses(text.src_ip, "--src-ip");
    spec.dst_ip = addresses(text.dst_ip, "--dst-ip");
    spec.exporter = addresses(text.exporter, "--exporter");
    spec.port = ports(text.port, "--port", names);
    spec.src_port = ports(text.src_port, "--src-port", names);
    spec.dst_port = ports(text.dst_port, "--dst-port", names);
    if (const auto list = joined(text.protocol))
        spec.protocol = ProtocolSet::parse(*list, "--proto", names);
    return spec;
}

}  // namespace flowquery
