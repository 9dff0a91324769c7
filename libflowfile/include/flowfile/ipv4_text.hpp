#pragma once

#include <cstdint>
#include <string>

namespace flowfile {

// Dotted quad of a host-order IPv4 address ("127.0.0.2"), the way inet_ntoa()
// prints it: every flow-tools text output, flow-capture's log lines and the
// query tools' columns use this one form.
std::string ipv4_text(std::uint32_t host_order);

}  // namespace flowfile
