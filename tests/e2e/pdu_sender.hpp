#pragma once

// Sends NetFlow datagrams to 127.0.0.1 from chosen loopback source addresses
// (127.0.0.2, .3, ...), as routers would.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <thread>
#include <vector>

namespace flowkeep_e2e {

// A UDP port on 127.0.0.1 that was free a moment ago, for a capture to bind.
inline std::uint16_t free_udp_port() {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(0x7f000001);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

class PduSender {
  public:
    explicit PduSender(std::uint16_t port) : port_(port) {}
    ~PduSender() {
        for (auto& [addr, fd] : sockets_) ::close(fd);
    }

    void send(std::uint32_t source, const std::vector<std::uint8_t>& payload) {
        int& fd = sockets_[source];
        if (fd == 0) {
            fd = ::socket(AF_INET, SOCK_DGRAM, 0);
            sockaddr_in src{};
            src.sin_family = AF_INET;
            src.sin_addr.s_addr = htonl(source);
            if (::bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0)
                throw std::runtime_error("cannot bind a loopback source address");
        }
        sockaddr_in dst{};
        dst.sin_family = AF_INET;
        dst.sin_port = htons(port_);
        dst.sin_addr.s_addr = htonl(0x7f000001);
        ::sendto(fd, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&dst),
                 sizeof dst);
    }

    // A .pdustream of the golden set: {u32 BE source, u32 BE length, payload}*.
    std::size_t send_stream(const std::filesystem::path& path,
                            std::chrono::microseconds gap = std::chrono::microseconds(1000)) {
        std::ifstream in(path, std::ios::binary);
        const std::vector<std::uint8_t> data(std::istreambuf_iterator<char>(in), {});
        std::size_t off = 0, sent = 0;
        while (off + 8 <= data.size()) {
            const std::uint32_t src = be32(&data[off]);
            const std::uint32_t len = be32(&data[off + 4]);
            off += 8;
            send(src, std::vector<std::uint8_t>(data.begin() + off, data.begin() + off + len));
            off += len;
            ++sent;
            std::this_thread::sleep_for(gap);
        }
        return sent;
    }

  private:
    static std::uint32_t be32(const std::uint8_t* p) {
        return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 |
               p[3];
    }

    std::uint16_t port_;
    std::map<std::uint32_t, int> sockets_;
};

}  // namespace flowkeep_e2e
