#pragma once

// The socket end of flow-capture: one UDP socket read in batches with
// recvmmsg(), so a burst of datagrams costs one system call, not one each.
// It knows nothing about NetFlow; every datagram goes to a handler with its
// source and local addresses.

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "flowfile/ipv6_text.hpp"

namespace capture {

struct ReceivedDatagram {
    std::span<const std::uint8_t> bytes;
    std::uint32_t source_ipv4 = 0;  // host order; 0 for an IPv6 source
    // An IPv6 source's address; all zero for an IPv4 source, also one that
    // reached an IPv6 socket as an IPv4-mapped address.
    flowfile::Ipv6Address source_ipv6{};
    std::uint16_t source_port = 0;  // host order
    std::uint32_t local_ipv4 = 0;   // destination address of the datagram (IP_PKTINFO)
    bool truncated = false;         // larger than the receive buffer
};

struct ReceiverStats {
    std::uint64_t datagrams = 0;
    std::uint64_t bytes = 0;
    // Datagrams the kernel dropped because the socket buffer was full
    // (SO_RXQ_OVFL): flows lost before we could see them.
    std::uint64_t kernel_drops = 0;
};

class UdpReceiver {
  public:
    // Binds `local_address` ("0", "0.0.0.0", an IPv4 or IPv6 literal) and
    // `port`, asking for `buffer_bytes` of socket receive buffer.  Throws
    // std::system_error naming the address on failure.
    UdpReceiver(const std::string& local_address, std::uint16_t port, int buffer_bytes);
    ~UdpReceiver();
    UdpReceiver(const UdpReceiver&) = delete;
    UdpReceiver& operator=(const UdpReceiver&) = delete;

    // Waits up to `timeout` for datagrams, then hands every datagram of one
    // batch to `handler`.  Returns the number handled (0 on timeout or EINTR).
    std::size_t receive(std::chrono::milliseconds timeout,
                        const std::function<void(const ReceivedDatagram&)>& handler);

    const ReceiverStats& stats() const { return stats_; }
    // The receive buffer the kernel actually granted.
    int buffer_bytes() const { return granted_buffer_; }
    std::uint16_t port() const { return port_; }
    int fd() const { return fd_; }

  private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
    int granted_buffer_ = 0;
    std::uint32_t last_overflow_count_ = 0;
    ReceiverStats stats_;

    static constexpr std::size_t batch = 64;
    // Larger than any NetFlow v5 PDU (1464 bytes) and than a jumbo v9 packet
    // is unlikely to be; anything longer is flagged truncated.
    static constexpr std::size_t datagram_capacity = 9216;
    std::vector<std::uint8_t> buffers_;
    std::vector<std::uint8_t> controls_;
    std::vector<std::uint8_t> names_;
};

}  // namespace capture
