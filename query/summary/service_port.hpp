#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "filter/port_set.hpp"
#include "flowfile/record.hpp"

namespace flowquery {

// Which of a flow's two ports names its service (flow-stat --by service).
//
// A flow is one direction of a connection, so the server's port is the
// destination of a request and the source of its reply; a name in
// /etc/services is no guide, since common ephemeral ports have names too
// (1719 gsigatekeeper, 5672 amqp, 9098 xinetd).  The rule:
//   1. with --port/--src-port/--dst-port, the side that matched them: a side
//      matches when it is in every given set that applies to it (--port to
//      both sides, --src-port to the source, --dst-port to the destination)
//      and at least one applies;
//   2. otherwise, or when both sides match, the port below 1024 if exactly
//      one is;
//   3. else the lower port.
class ServicePortRule {
  public:
    ServicePortRule() = default;  // no port filter
    ServicePortRule(const std::optional<PortSet>& port, const std::optional<PortSet>& src_port,
                    const std::optional<PortSet>& dst_port);

    std::uint16_t service_port(std::uint16_t src_port, std::uint16_t dst_port) const;
    std::uint16_t service_port(const flowfile::Record& r) const {
        return service_port(r.srcport, r.dstport);
    }

  private:
    bool side_matches(std::uint16_t port, const PortSet* own_side) const;

    // Shared: a rule is copied into each worker's summary.
    std::shared_ptr<const PortSet> either_, src_, dst_;
};

}  // namespace flowquery
