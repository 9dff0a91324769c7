#pragma once

// An archive as flow-index meets it on a live collector, written with
// libflowfile: an old flow-tools file (compressed, no block points), an
// uncompressed file, a file of the IPv6 series, and the files it must leave
// alone (a tmp- file, a file without the DONE flag, a file a writer holds
// locked).  And the flow-index binary, run as an operator runs it.

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "flowfile/archive.hpp"
#include "flowfile/block_index.hpp"
#include "flowfile/header.hpp"
#include "flowfile/reader.hpp"
#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"
#include "flowfile/writer.hpp"
#include "query/tools/run_tool.hpp"
#include "support/files.hpp"
#include "support/temp_dir.hpp"

namespace flowkeep_test {

// 2025-12-01 10:00:00 UTC: the archive's first file.
inline constexpr std::int64_t archive_start = 1764583200;

// Flows of many addresses, ports and protocols, different for each `seed`.
inline std::vector<flowfile::Record> v5_flows(std::size_t n, std::uint32_t seed = 1) {
    std::vector<flowfile::Record> flows(n);
    std::uint32_t x = seed * 2654435761u + 12345u;
    for (std::size_t i = 0; i < n; ++i) {
        x = x * 1664525u + 1013904223u;
        flowfile::Record& r = flows[i];
        r.unix_secs = static_cast<std::uint32_t>(archive_start + 60 + i / 100);
        r.sysuptime = 900000000u;
        r.first = r.sysuptime - 30000 - (x % 20000);
        r.last = r.sysuptime - 1000;
        r.exaddr = 0xc0000201;
        r.srcaddr = 0x0a000000u | (x >> 12);
        r.dstaddr = 0xc6336400u | (x & 0xff);
        r.srcport = static_cast<std::uint16_t>(1024 + x % 60000);
        r.dstport = static_cast<std::uint16_t>(x % 7 == 0 ? 53 : 443);
        r.prot = static_cast<std::uint8_t>(x % 7 == 0 ? 17 : 6);
        r.dpkts = 1 + x % 100;
        r.doctets = r.dpkts * (40 + x % 1400);
        r.tcp_flags = r.prot == 6 ? 0x1b : 0;
    }
    return flows;
}

inline std::vector<flowfile::Record6> v6_flows(std::size_t n, std::uint32_t seed = 1) {
    std::vector<flowfile::Record6> flows(n);
    std::uint32_t x = seed * 2246822519u + 7u;
    for (std::size_t i = 0; i < n; ++i) {
        x = x * 1664525u + 1013904223u;
        flowfile::Record6& r = flows[i];
        r.srcaddr = {0x20, 0x01, 0x0d, 0xb8, 0, 1, static_cast<std::uint8_t>(x >> 24), 0, 0,
                     0,    0,    0,    0,    0, 0, static_cast<std::uint8_t>(x)};
        r.dstaddr = {0x2a, 0x00, 0x14, 0x50, 0, 0, 0, 0,
                     0,    0,    0,    0,    0, 0, 0, static_cast<std::uint8_t>(x >> 8)};
        r.exaddr = flowfile::ipv4_mapped(0xc0000201);
        r.start_ms = (archive_start + 60) * 1000 + static_cast<std::int64_t>(i) * 10;
        r.end_ms = r.start_ms + x % 5000;
        r.srcport = static_cast<std::uint16_t>(1024 + x % 60000);
        r.dstport = 443;
        r.prot = 6;
        r.dpkts = 1 + x % 50;
        r.doctets = r.dpkts * 1200;
    }
    return flows;
}

struct FileSpec {
    std::int64_t created = archive_start;
    bool compressed = true;
    bool ipv6 = false;
    bool in_progress = false;  // a tmp- name
    bool finished = true;      // finish() sets DONE
    std::size_t flows = 0;
    std::uint32_t seed = 1;
};

// Writes one file of a -N 3 archive below `root` as flow-capture names it,
// without block points (as flow-tools wrote every file).
inline std::filesystem::path write_flow_file(const std::filesystem::path& root, const FileSpec& s) {
    const std::uint16_t version = s.ipv6 ? flowfile::ipv6_export_version : 5;
    const flowfile::FileName name =
        flowfile::file_name_at(s.created, version, std::nullopt, s.in_progress);
    const std::filesystem::path path = root / flowfile::nest_path(name, 3);
    std::filesystem::create_directories(path.parent_path());
    flowfile::WriterOptions options;
    options.compression_level = s.compressed ? 6 : 0;
    options.flush_interval = std::chrono::milliseconds(0);
    options.sync_on_flush = false;
    auto writer = flowfile::Writer::create(
        path,
        flowfile::Header::for_capture(version, static_cast<std::uint32_t>(s.created),
                                      "flowbox-test", s.compressed),
        options);
    if (s.ipv6)
        writer->write(v6_flows(s.flows, s.seed));
    else
        writer->write(v5_flows(s.flows, s.seed));
    if (s.finished) {
        writer->finish({.cap_end = static_cast<std::uint32_t>(s.created + 300)});
    } else {
        writer->flush();  // the destructor leaves it as a crash would
    }
    return path;
}

// An exclusive flock(), as flow-capture holds on the file it writes.
class WriterLock {
  public:
    explicit WriterLock(const std::filesystem::path& p)
        : fd_(::open(p.c_str(), O_RDONLY | O_CLOEXEC)) {
        if (fd_ < 0 || ::flock(fd_, LOCK_EX | LOCK_NB) != 0)
            throw std::runtime_error("cannot lock " + p.string());
    }
    ~WriterLock() { ::close(fd_); }
    WriterLock(const WriterLock&) = delete;
    WriterLock& operator=(const WriterLock&) = delete;

  private:
    int fd_;
};

// Five minutes apart, in the order the members are declared.
struct IndexArchive {
    TempDir dir;
    std::filesystem::path root = dir / "archive";
    std::filesystem::path old_compressed =
        write_flow_file(root, {.created = archive_start, .flows = 5000, .seed = 1});
    std::filesystem::path uncompressed = write_flow_file(
        root, {.created = archive_start + 300, .compressed = false, .flows = 3000, .seed = 2});
    std::filesystem::path ipv6 =
        write_flow_file(root, {.created = archive_start + 600, .ipv6 = true, .flows = 2000});
    std::filesystem::path locked =
        write_flow_file(root, {.created = archive_start + 900, .flows = 700, .seed = 3});
    WriterLock writer_holds{locked};
    std::filesystem::path undone = write_flow_file(
        root, {.created = archive_start + 1200, .finished = false, .flows = 600, .seed = 4});
    std::filesystem::path in_progress = write_flow_file(root, {.created = archive_start + 1500,
                                                               .in_progress = true,
                                                               .finished = false,
                                                               .flows = 500,
                                                               .seed = 5});
};

inline ToolRun flow_index(const std::string& arguments) {
    return run_shell(std::string(FLOW_INDEX_BIN) + " " + arguments);
}

inline std::size_t lines_in(const std::string& text) {
    std::size_t n = 0;
    for (char c : text) n += c == '\n';
    return n;
}

// Every regular file below `root` with its bytes: what "untouched" means.
inline std::map<std::string, std::vector<std::uint8_t>> tree_bytes(
    const std::filesystem::path& root) {
    std::map<std::string, std::vector<std::uint8_t>> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(root))
        if (e.is_regular_file()) out[e.path().lexically_relative(root).string()] = slurp(e.path());
    return out;
}

inline bool has_index(const std::filesystem::path& data_file) {
    return std::filesystem::exists(flowfile::index_path_of(data_file));
}

}  // namespace flowkeep_test
