#pragma once

#include <cstdint>
#include <string>

namespace capture {

// Dotted quad of a host-order IPv4 address, as every flow-capture log line
// prints addresses ("127.0.0.2").
std::string ipv4_text(std::uint32_t host_order);

}  // namespace capture
