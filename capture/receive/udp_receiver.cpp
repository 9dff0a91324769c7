#include "udp_receiver.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

namespace capture {

namespace {

constexpr std::size_t control_capacity = 128;

[[noreturn]] void fail(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

UdpReceiver::UdpReceiver(const std::string& local_address, std::uint16_t port, int buffer_bytes)
    : port_(port),
      buffers_(batch * datagram_capacity),
      controls_(batch * control_capacity),
      names_(batch * sizeof(sockaddr_in6)) {
    sockaddr_in6 v6{};
    sockaddr_in v4{};
    const bool any = local_address.empty() || local_address == "0";
    bool ipv6 = false;
    if (any) {
        v4.sin_family = AF_INET;
        v4.sin_addr.s_addr = htonl(INADDR_ANY);
    } else if (::inet_pton(AF_INET, local_address.c_str(), &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
    } else if (const auto percent = local_address.find('%');
               ::inet_pton(AF_INET6, local_address.substr(0, percent).c_str(), &v6.sin6_addr) ==
               1) {
        v6.sin6_family = AF_INET6;
        ipv6 = true;
        // A link-local address needs its interface: "fe80::1%eth0" or "%2".
        if (percent != std::string::npos) {
            const std::string scope = local_address.substr(percent + 1);
            unsigned index = ::if_nametoindex(scope.c_str());
            if (index == 0 && !scope.empty() &&
                scope.find_first_not_of("0123456789") == std::string::npos)
                index = static_cast<unsigned>(std::stoul(scope));
            if (index == 0) {
                errno = ENODEV;
                fail("bad interface in local address " + local_address);
            }
            v6.sin6_scope_id = index;
        }
    } else {
        errno = EINVAL;
        fail("bad local address " + local_address);
    }
    v4.sin_port = htons(port);
    v6.sin6_port = htons(port);

    fd_ = ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) fail("socket");
    // Ask for the size; Linux silently caps at net.core.rmem_max, so read back
    // what was granted and let the daemon report it.
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes);
    socklen_t len = sizeof granted_buffer_;
    ::getsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &granted_buffer_, &len);
    const int on = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof on);
    if (ipv6)
        ::setsockopt(fd_, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on);
    else
        ::setsockopt(fd_, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);

    const int rc = ipv6 ? ::bind(fd_, reinterpret_cast<sockaddr*>(&v6), sizeof v6)
                        : ::bind(fd_, reinterpret_cast<sockaddr*>(&v4), sizeof v4);
    if (rc != 0) {
        const int err = errno;
        ::close(fd_);
        errno = err;
        fail("bind " + (any ? std::string("0.0.0.0") : local_address) + " port " +
             std::to_string(port));
    }
    if (port_ == 0) {
        sockaddr_storage bound{};
        socklen_t blen = sizeof bound;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&bound), &blen);
        port_ =
            ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                              : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    }
}

UdpReceiver::~UdpReceiver() {
    if (fd_ >= 0) ::close(fd_);
}

std::size_t UdpReceiver::receive(std::chrono::milliseconds timeout,
                                 const std::function<void(const ReceivedDatagram&)>& handler) {
    pollfd pfd{fd_, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
    if (ready <= 0) return 0;

    mmsghdr msgs[batch];
    iovec iovs[batch];
    for (std::size_t i = 0; i < batch; ++i) {
        iovs[i] = {buffers_.data() + i * datagram_capacity, datagram_capacity};
        msgs[i] = {};
        msgs[i].msg_hdr.msg_iov = &iovs[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = names_.data() + i * sizeof(sockaddr_in6);
        msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_in6);
        msgs[i].msg_hdr.msg_control = controls_.data() + i * control_capacity;
        msgs[i].msg_hdr.msg_controllen = control_capacity;
    }
    const int got = ::recvmmsg(fd_, msgs, batch, MSG_DONTWAIT, nullptr);
    if (got <= 0) return 0;

    for (int i = 0; i < got; ++i) {
        const msghdr& h = msgs[i].msg_hdr;
        ReceivedDatagram d;
        d.bytes = {static_cast<const std::uint8_t*>(iovs[i].iov_base), msgs[i].msg_len};
        d.truncated = (h.msg_flags & MSG_TRUNC) != 0;
        const auto* name = static_cast<const sockaddr*>(h.msg_name);
        if (name->sa_family == AF_INET) {
            const auto* a4 = reinterpret_cast<const sockaddr_in*>(name);
            d.source_ipv4 = ntohl(a4->sin_addr.s_addr);
            d.source_port = ntohs(a4->sin_port);
        } else if (name->sa_family == AF_INET6) {
            const auto* a6 = reinterpret_cast<const sockaddr_in6*>(name);
            d.source_port = ntohs(a6->sin6_port);
            if (IN6_IS_ADDR_V4MAPPED(&a6->sin6_addr)) {
                std::uint32_t v;
                std::memcpy(&v, a6->sin6_addr.s6_addr + 12, 4);
                d.source_ipv4 = ntohl(v);
            } else {
                std::memcpy(d.source_ipv6.data(), a6->sin6_addr.s6_addr, 16);
            }
        }
        for (cmsghdr* c = CMSG_FIRSTHDR(const_cast<msghdr*>(&h)); c;
             c = CMSG_NXTHDR(const_cast<msghdr*>(&h), c)) {
            if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
                in_pktinfo info;
                std::memcpy(&info, CMSG_DATA(c), sizeof info);
                d.local_ipv4 = ntohl(info.ipi_addr.s_addr);
            } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
                // A running total since the socket was opened.
                std::uint32_t total;
                std::memcpy(&total, CMSG_DATA(c), sizeof total);
                stats_.kernel_drops += total - last_overflow_count_;
                last_overflow_count_ = total;
            }
        }
        ++stats_.datagrams;
        stats_.bytes += d.bytes.size();
        handler(d);
    }
    return static_cast<std::size_t>(got);
}

}  // namespace capture
