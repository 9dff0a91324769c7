#include <catch2/catch.hpp>

#include <string>

#include "clients/connection_event.hpp"

using flowquery::classify_connection;
using flowquery::event_name;

namespace {

constexpr std::uint8_t FIN = 0x01;
constexpr std::uint8_t SYN = 0x02;
constexpr std::uint8_t RST = 0x04;
constexpr std::uint8_t PSH = 0x08;
constexpr std::uint8_t ACK = 0x10;
constexpr std::uint8_t URG = 0x20;

std::string event(std::uint8_t protocol, std::uint8_t flags, std::uint32_t packets,
                  std::uint32_t octets) {
    flowfile::Record r;
    r.prot = protocol;
    r.tcp_flags = flags;
    r.dpkts = packets;
    r.doctets = octets;
    return std::string(event_name(classify_connection(r)));
}

std::string tcp(std::uint8_t flags, std::uint32_t packets, std::uint32_t octets) {
    return event(6, flags, packets, octets);
}

}  // namespace

TEST_CASE("accepted connection: both directions are successful") {
    // client -> server: SYN, ACK of the SYN+ACK, request, FIN
    CHECK(tcp(SYN | ACK | PSH | FIN, 6, 612) == "successful");
    // server -> client: SYN+ACK, response, FIN
    CHECK(tcp(SYN | ACK | PSH | FIN, 5, 4380) == "successful");
    // torn down with a RST instead of FIN (browsers do)
    CHECK(tcp(SYN | ACK | PSH | RST, 5, 900) == "successful");
    // only the handshake, no data yet when the flow was exported
    CHECK(tcp(SYN | ACK, 2, 92) == "successful");
}

TEST_CASE("refused connection: both directions are unsuccessful") {
    // client -> server: the SYN
    CHECK(tcp(SYN, 1, 60) == "unsuccessful");
    // server -> client: the RST+ACK answering it
    CHECK(tcp(RST | ACK, 1, 40) == "unsuccessful");
    // a client that retries from the same port gets one RST per attempt
    CHECK(tcp(SYN, 3, 180) == "unsuccessful");
    CHECK(tcp(RST | ACK, 3, 120) == "unsuccessful");
    // a bare RST (no ACK), as some firewalls send
    CHECK(tcp(RST, 1, 40) == "unsuccessful");
}

TEST_CASE("unanswered connection: the SYN without ACK is unsuccessful") {
    CHECK(tcp(SYN, 1, 60) == "unsuccessful");
    CHECK(tcp(SYN, 4, 240) == "unsuccessful");
    // half-open scan: SYN, then the scanner's RST (without ACK)
    CHECK(tcp(SYN | RST, 2, 100) == "unsuccessful");
}

TEST_CASE("long connection cut by the active timeout: ACK without SYN is successful") {
    CHECK(tcp(ACK, 20000, 800000) == "successful");
    CHECK(tcp(ACK | PSH, 300, 400000) == "successful");
    CHECK(tcp(ACK | PSH | FIN, 12, 9000) == "successful");
    // its last piece ending in a reset after data is not a refusal
    CHECK(tcp(ACK | PSH | RST, 3, 1500) == "successful");
    CHECK(tcp(ACK | FIN | RST, 2, 80) == "successful");
    // a receiver's side of a download: pure ACKs, then a reset
    CHECK(tcp(ACK | RST, 4000, 160000) == "successful");
    CHECK(tcp(ACK | RST, 4, 160) == "successful");
}

TEST_CASE("no flags at all: unknown") {
    CHECK(tcp(0, 10, 5000) == "unknown");
    CHECK(tcp(0, 1, 40) == "unknown");
}

TEST_CASE("packets no stack sends inside a connection: unsuccessful") {
    CHECK(tcp(FIN, 1, 40) == "unsuccessful");              // FIN scan
    CHECK(tcp(FIN | PSH | URG, 1, 40) == "unsuccessful");  // Xmas scan
    CHECK(tcp(RST, 10, 400) == "unsuccessful");
}

TEST_CASE("other protocols say n/a, whatever the flag byte holds") {
    CHECK(event(17, 0, 1, 76) == "n/a");    // UDP
    CHECK(event(1, 0, 1, 84) == "n/a");     // ICMP
    CHECK(event(17, SYN, 1, 76) == "n/a");  // garbage flags on UDP
    CHECK(event(47, ACK, 1, 76) == "n/a");  // GRE
}
