#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "receive/udp_receiver.hpp"

using namespace std::chrono_literals;

namespace {

// Sends from 127.0.0.2 (any loopback address is local on Linux) so that the
// source and destination addresses differ, as for a router.
void send_from(const char* source, std::uint16_t port, const std::vector<std::uint8_t>& payload) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in src{};
    src.sin_family = AF_INET;
    ::inet_pton(AF_INET, source, &src.sin_addr);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src) == 0);
    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
    REQUIRE(::sendto(fd, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&dst),
                     sizeof dst) == static_cast<ssize_t>(payload.size()));
    ::close(fd);
}

}  // namespace

TEST_CASE("datagrams arrive in a batch with their source and local address",
          "[capture][receiver]") {
    capture::UdpReceiver rx("127.0.0.1", 0, 1 << 20);
    REQUIRE(rx.port() != 0);
    CHECK(rx.buffer_bytes() > 0);
    for (std::uint8_t i = 0; i < 5; ++i) send_from("127.0.0.2", rx.port(), {i, 1, 2});
    send_from("127.0.0.3", rx.port(), std::vector<std::uint8_t>(1464, 7));

    std::vector<capture::ReceivedDatagram> seen;
    std::vector<std::vector<std::uint8_t>> payloads;
    while (seen.size() < 6) {
        const auto n = rx.receive(1000ms, [&](const capture::ReceivedDatagram& d) {
            seen.push_back(d);
            payloads.emplace_back(d.bytes.begin(), d.bytes.end());
        });
        REQUIRE(n > 0);
    }
    CHECK(payloads[0] == std::vector<std::uint8_t>{0, 1, 2});
    CHECK(payloads[4] == std::vector<std::uint8_t>{4, 1, 2});
    CHECK(payloads[5].size() == 1464);
    CHECK(seen[0].source_ipv4 == 0x7f000002u);
    CHECK(seen[5].source_ipv4 == 0x7f000003u);
    CHECK(seen[0].source_ipv6 == flowfile::Ipv6Address{});  // an IPv4 source
    CHECK(seen[0].local_ipv4 == 0x7f000001u);
    CHECK_FALSE(seen[0].truncated);
    CHECK(rx.stats().datagrams == 6);
    CHECK(rx.stats().kernel_drops == 0);
}

TEST_CASE("an idle socket times out with nothing", "[capture][receiver]") {
    capture::UdpReceiver rx("127.0.0.1", 0, 1 << 16);
    CHECK(rx.receive(10ms,
                     [](const capture::ReceivedDatagram&) { FAIL("no datagram expected"); }) == 0);
}

TEST_CASE("a port in use is reported with the address", "[capture][receiver]") {
    capture::UdpReceiver first("127.0.0.1", 0, 1 << 16);
    try {
        capture::UdpReceiver second("127.0.0.1", first.port(), 1 << 16);
        FAIL("bind should have failed");
    } catch (const std::system_error& e) {
        CHECK_THAT(e.what(),
                   Catch::StartsWith("bind 127.0.0.1 port " + std::to_string(first.port()) +
                                     ": Address already in use"));
    }
    CHECK_THROWS_WITH(capture::UdpReceiver("not-an-address", 9995, 1 << 16),
                      Catch::StartsWith("bad local address not-an-address"));
}

TEST_CASE("an IPv6 local address is bound and receives", "[capture][receiver]") {
    capture::UdpReceiver rx("::1", 0, 1 << 16);
    const int fd = ::socket(AF_INET6, SOCK_DGRAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in6 dst{};
    dst.sin6_family = AF_INET6;
    dst.sin6_port = htons(rx.port());
    ::inet_pton(AF_INET6, "::1", &dst.sin6_addr);
    const std::uint8_t payload[3] = {9, 8, 7};
    REQUIRE(::sendto(fd, payload, 3, 0, reinterpret_cast<sockaddr*>(&dst), sizeof dst) == 3);
    ::close(fd);
    std::size_t got = 0;
    rx.receive(1000ms, [&](const capture::ReceivedDatagram& d) {
        got = d.bytes.size();
        CHECK(d.source_ipv4 == 0);  // v5 records cannot hold an IPv6 exporter
        flowfile::Ipv6Address loopback{};
        loopback[15] = 1;
        CHECK(d.source_ipv6 == loopback);  // but it is told apart by its own
    });
    CHECK(got == 3);
    CHECK_THROWS_WITH(capture::UdpReceiver("fe80::1%no-such-if0", 0, 1 << 16),
                      Catch::StartsWith("bad interface in local address fe80::1%no-such-if0"));
}
