#include "ipv6_series_archive.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "flowfile/error.hpp"
#include "flowfile/header.hpp"
#include "flowfile/writer.hpp"

namespace flowkeep_compat {

namespace {

// The hostname of the v5 files beside them: one collector writes both.
constexpr const char* collector = "flowbox-a";

flowfile::Ipv6Address address(const std::string& text) {
    const auto prefix = flowfile::parse_ipv6_prefix(text);
    if (!prefix || prefix->length != 128) throw flowfile::Error("not an IPv6 address: " + text);
    return prefix->address;
}

flowfile::FileName file_name(const char* text) {
    const auto name = flowfile::parse_file_name(text);
    if (!name || !name->ipv6_series())
        throw flowfile::Error("not an IPv6 series name: " + std::string(text));
    return *name;
}

std::string hex(unsigned value) {
    char text[16];
    std::snprintf(text, sizeof text, "%x", value);
    return text;
}

enum class Service { https, dns, http, quic, ping };

struct Conversation {
    Service service;
    std::uint8_t prot;
    std::uint16_t server_port;
    std::uint8_t tcp_flags;
};

Conversation conversation(unsigned i) {
    if (i % 7 == 6) return {Service::ping, 58, 0x8000, 0};  // ICMPv6 echo request: type 128, code 0
    switch (i % 4) {
        case 0:
            return {Service::https, 6, 443, 0x1b};  // FIN|SYN|PSH|ACK
        case 1:
            return {Service::dns, 17, 53, 0};
        case 2:
            return {Service::http, 6, 80, 0x1b};
        default:
            return {Service::quic, 17, 443, 0};
    }
}

// Flow i of a file: clients of three delegated /56s of 2001:db8:1::/48 and
// servers in 2001:db8:f00d::/48, every other flow the reply of the one before
// (addresses, ports and interfaces swapped), ending within the file's time.
flowfile::Record6 flow(unsigned i, std::int64_t cap_start, std::int64_t cap_end,
                       const flowfile::Ipv6Address& exporter, std::uint8_t engine_id) {
    const Conversation c = conversation(i / 2);
    const flowfile::Ipv6Address client =
        address("2001:db8:1:" + hex(0x100 * (1 + (i / 2) % 3)) + "::" + hex(0x10 + (i / 2) % 5));
    const flowfile::Ipv6Address server = address("2001:db8:f00d::" + hex(1 + (i / 2) % 4));
    const std::uint16_t client_port =
        c.service == Service::ping ? 0 : static_cast<std::uint16_t>(40000 + 17 * (i / 2));
    const bool reply = i % 2 == 1;

    flowfile::Record6 r;
    r.srcaddr = reply ? server : client;
    r.dstaddr = reply ? client : server;
    r.nexthop = reply ? address("fe80::1") : address("2001:db8:ee::fe");
    r.exaddr = exporter;
    r.srcport = reply ? (c.service == Service::ping ? 0 : c.server_port) : client_port;
    // An echo reply is type 129.
    r.dstport = reply ? (c.service == Service::ping ? 0x8100 : client_port) : c.server_port;
    r.prot = c.prot;
    r.tcp_flags = c.tcp_flags;
    r.dpkts = 1 + (i * 7) % 50;
    r.doctets = r.dpkts * (60 + (i * 37) % 1400);
    r.start_ms = cap_start * 1000 - 5000 + static_cast<std::int64_t>(i) * 733;
    r.end_ms =
        std::max(r.start_ms, std::min(r.start_ms + 300 + (i * 977) % 8000, cap_end * 1000 - 1));
    r.input = reply ? 20 : 10;
    r.output = reply ? 10 : 20;
    r.src_as = reply ? 64500 : 0;
    r.dst_as = reply ? 0 : 64500;
    r.src_mask = reply ? 48 : 56;
    r.dst_mask = reply ? 56 : 48;
    r.traffic_class = i % 3 == 0 ? 0 : 0x28;  // AF11
    r.flow_label = (0x12345 + i * 0x111) & 0xfffff;
    r.domain = 256;
    r.engine_type = 0;
    r.engine_id = engine_id;
    return r;
}

Ipv6SeriesFile series_file(const char* name, std::uint32_t seconds_open, unsigned flows,
                           const flowfile::Ipv6Address& exporter, std::uint8_t engine_id) {
    Ipv6SeriesFile f;
    f.name = file_name(name);
    const std::int64_t start = f.name.creation_time();
    const std::int64_t end = start + seconds_open;
    f.cap_end = f.name.in_progress ? 0 : static_cast<std::uint32_t>(end);
    for (unsigned i = 0; i < flows; ++i)
        f.flows.push_back(flow(i, start, end, exporter, engine_id));
    return f;
}

}  // namespace

std::vector<Ipv6SeriesFile> ipv6_series_files() {
    const auto ipv4_exporter = flowfile::ipv4_mapped(0xc0000201);  // 192.0.2.1
    const auto ipv6_exporter = address("2001:db8:ee::1");
    std::vector<Ipv6SeriesFile> files;
    // Beside ft-v05.2009-10-15.234101+0000 (closed at 23:41:18).
    files.push_back(series_file("ip6.2009-10-15.234101+0000", 17, 24, ipv4_exporter, 0));
    // Beside ft-v05.2009-10-15.234412+0000, from an exporter reached over IPv6.
    auto second = series_file("ip6.2009-10-15.234412+0000", 85, 30, ipv6_exporter, 1);
    // A counter no v5 record can hold.
    second.flows[4].doctets = 5'000'000'000;
    files.push_back(std::move(second));
    // Beside ft-v05.2009-10-16.000253+0000, in the next day's directory.
    files.push_back(series_file("ip6.2009-10-16.000253+0000", 86, 18, ipv4_exporter, 0));
    // Beside tmp-v05.2009-10-15.163611+0000: the pair a crash leaves.
    files.push_back(series_file("tmp-ip6.2009-10-15.163611+0000", 60, 12, ipv4_exporter, 0));
    return files;
}

std::vector<std::filesystem::path> write_ipv6_series(const std::filesystem::path& archive_root) {
    std::vector<std::filesystem::path> written;
    for (const auto& f : ipv6_series_files()) {
        const auto path = archive_root / flowfile::nest_path(f.name, ipv6_series_nesting);
        std::filesystem::create_directories(path.parent_path());
        const auto header = flowfile::Header::for_capture(
            flowfile::ipv6_export_version, static_cast<std::uint32_t>(f.name.creation_time()),
            collector, true, std::nullopt, flowfile::ByteOrder::little);
        flowfile::WriterOptions options;
        // No flush point placed by the clock, no fsync: the same bytes every time.
        options.flush_interval = std::chrono::milliseconds(0);
        options.sync_on_flush = false;
        auto writer = flowfile::Writer::create(path, header, options);
        writer->write(f.flows);
        if (f.name.in_progress)
            writer->flush();
        else
            writer->finish(flowfile::CloseCounters{.cap_end = f.cap_end});
        written.push_back(path);
    }
    return written;
}

}  // namespace flowkeep_compat
