#include "block_points_files.hpp"

#include "flowfile/header.hpp"
#include "flowfile/writer.hpp"

namespace flowkeep_compat {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::size_t flows_per_file = 80;

// Flows of fixed values that compress like real ones (a few clients and
// servers, common ports, growing times): deflate finds matches between
// records, which a full flush must keep from reaching into the block before.
// A multiplicative hash stands in for randomness so that every platform
// writes the same values.
std::vector<flowfile::Record> fixed_flows(std::uint16_t version, std::uint32_t cap_start) {
    constexpr std::uint16_t ports[] = {443, 80, 53, 123, 993, 5222, 8080, 25};
    std::vector<flowfile::Record> flows(flows_per_file);
    for (std::uint32_t i = 0; i < flows.size(); ++i) {
        flowfile::Record& r = flows[i];
        const std::uint32_t h = (i + 1) * 2654435761u;
        r.unix_secs = cap_start + 1 + i / 3;
        r.unix_nsecs = (h % 1000) * 1000000;
        r.sysuptime = 86400000 + (r.unix_secs - cap_start) * 1000;
        r.exaddr = 0xc0000201 + (i & 1);           // 192.0.2.1, 192.0.2.2
        r.srcaddr = 0x0a000000 + (h >> 24) % 40;   // 10.0.0.0/26
        r.dstaddr = 0xc6120000 + (h >> 12) % 600;  // 198.18.0.0/15
        r.nexthop = 0xcb007101;                    // 203.0.113.1
        r.input = static_cast<std::uint16_t>(1 + (h >> 5) % 3);
        r.output = static_cast<std::uint16_t>(10 + (i & 1));
        r.dpkts = 1 + (h >> 8) % 40;
        r.doctets = r.dpkts * (40 + (h >> 16) % 1460);
        r.last = r.sysuptime - (h >> 3) % 2000;
        r.first = r.last - (h >> 9) % 60000;
        r.srcport = static_cast<std::uint16_t>(32768 + (h >> 7) % 28000);
        r.dstport = ports[(h >> 28) % 8];
        r.prot = r.dstport == 53 || r.dstport == 123 ? 17 : 6;
        r.tos = i % 7 == 0 ? 0x28 : 0;
        r.tcp_flags = r.prot == 6 ? 0x1b : 0;
        r.engine_type = 1;
        r.engine_id = static_cast<std::uint8_t>(i & 1);
        r.src_mask = 26;
        r.dst_mask = static_cast<std::uint8_t>(16 + (h >> 20) % 9);
        r.src_as = 64512;
        r.dst_as = static_cast<std::uint16_t>(64600 + (h >> 14) % 50);
        if (version == 1005) {
            r.src_tag = (h >> 4) % 8;
            r.dst_tag = 0x100 + (h >> 6) % 4;
        }
    }
    return flows;
}

}  // namespace

std::vector<BlockPointsFile> block_points_files() {
    std::vector<BlockPointsFile> files;
    // 2025-12-03 19:30 and 19:45 UTC.
    for (const auto& [name, version, level, start] :
         {std::tuple<const char*, std::uint16_t, int, std::uint32_t>{"ft-v05.z6", 5, 6, 1764790200},
          {"ft-v05.z0", 5, 0, 1764791100},
          {"ft-v1005.z6", 1005, 6, 1764790200},
          {"ft-v1005.z0", 1005, 0, 1764791100}})
        files.push_back({name, version, level, start, fixed_flows(version, start)});
    return files;
}

std::vector<fs::path> write_block_points_files(const fs::path& root) {
    std::vector<fs::path> written;
    for (const bool with : {false, true}) {
        const fs::path dir = root / (with ? "with" : "without");
        fs::create_directories(dir);
        for (const auto& f : block_points_files()) {
            const bool compressed = f.compression_level != 0;
            auto w =
                flowfile::Writer::create(dir / f.name,
                                         flowfile::Header::for_capture(
                                             f.export_version, f.cap_start, "flowbox-a", compressed,
                                             std::nullopt, flowfile::ByteOrder::little),
                                         {.compression_level = f.compression_level,
                                          .flush_interval = 0ms,
                                          .sync_on_flush = false,
                                          .block_records = with ? block_points_block_records : 0});
            w->write(f.flows);
            w->finish({.cap_end = f.cap_start + 300});
            written.push_back(dir / f.name);
        }
    }
    return written;
}

}  // namespace flowkeep_compat
