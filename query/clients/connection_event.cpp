#include "clients/connection_event.hpp"

#include <cstdint>

namespace flowquery {

namespace {

constexpr std::uint8_t tcp_protocol = 6;
constexpr std::uint8_t fin = 0x01;
constexpr std::uint8_t syn = 0x02;
constexpr std::uint8_t rst = 0x04;
constexpr std::uint8_t psh = 0x08;
constexpr std::uint8_t ack = 0x10;

// One RST per connection attempt, and a client retries a refused connect at
// most twice from the same port.
constexpr std::uint32_t max_refusal_packets = 3;

// Both record types keep what the rules read under the same names.
template <typename R>
ConnectionEvent classify(const R& r) {
    if (r.prot != tcp_protocol) return ConnectionEvent::not_tcp;
    const std::uint8_t flags = r.tcp_flags;
    if (flags == 0) return ConnectionEvent::unknown;
    if (flags & syn)
        return (flags & ack) ? ConnectionEvent::successful : ConnectionEvent::unsuccessful;
    const bool carried_data_or_close = flags & (fin | psh);
    if ((flags & rst) && !carried_data_or_close && r.dpkts <= max_refusal_packets)
        return ConnectionEvent::unsuccessful;
    if (flags & ack) return ConnectionEvent::successful;
    return ConnectionEvent::unsuccessful;
}

}  // namespace

ConnectionEvent classify_connection(const flowfile::Record& r) {
    return classify(r);
}

ConnectionEvent classify_connection(const flowfile::Record6& r) {
    return classify(r);
}

std::string_view event_name(ConnectionEvent e) {
    switch (e) {
        case ConnectionEvent::successful:
            return "successful";
        case ConnectionEvent::unsuccessful:
            return "unsuccessful";
        case ConnectionEvent::unknown:
            return "unknown";
        case ConnectionEvent::not_tcp:
            return "n/a";
    }
    return "unknown";
}

}  // namespace flowquery
