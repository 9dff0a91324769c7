#include "summary/service_port.hpp"

#include <algorithm>

namespace flowquery {

namespace {

std::shared_ptr<const PortSet> shared(const std::optional<PortSet>& set) {
    return set ? std::make_shared<const PortSet>(*set) : nullptr;
}

}  // namespace

ServicePortRule::ServicePortRule(const std::optional<PortSet>& port,
                                 const std::optional<PortSet>& src_port,
                                 const std::optional<PortSet>& dst_port)
    : either_(shared(port)), src_(shared(src_port)), dst_(shared(dst_port)) {}

bool ServicePortRule::side_matches(std::uint16_t port, const PortSet* own_side) const {
    if (!either_ && !own_side) return false;
    return (!either_ || either_->contains(port)) && (!own_side || own_side->contains(port));
}

std::uint16_t ServicePortRule::service_port(std::uint16_t src_port, std::uint16_t dst_port) const {
    const bool src = side_matches(src_port, src_.get());
    const bool dst = side_matches(dst_port, dst_.get());
    if (src != dst) return src ? src_port : dst_port;
    // Below 1024 only a server listens (the kernel never hands it out as an
    // ephemeral port).
    const bool src_low = src_port < 1024;
    const bool dst_low = dst_port < 1024;
    if (src_low != dst_low) return src_low ? src_port : dst_port;
    return std::min(src_port, dst_port);
}

}  // namespace flowquery
