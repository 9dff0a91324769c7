#pragma once

// Builds flow-capture archives for the query tool tests: flows written into
// ft- files of a -N 3 tree, named and nested in the zone that is current
// when add_file() runs, each finished one with its block index, as
// flow-capture would have done.

#include <filesystem>
#include <string>
#include <vector>

#include "flowfile/archive.hpp"
#include "flowfile/record.hpp"
#include "flowfile/writer.hpp"
#include "tools/indexed_archive.hpp"

namespace flowkeep_test {

// A v5 flow that started at `start` and ended at `end` (Unix seconds, whole
// milliseconds allowed through the *_ms variants), exported at `end`.
inline flowfile::Record flow_at(std::int64_t start_ms, std::int64_t end_ms, std::uint32_t src,
                                std::uint32_t dst, std::uint8_t prot = 6,
                                std::uint16_t srcport = 40000, std::uint16_t dstport = 443) {
    flowfile::Record r;
    // Exported one second after the flow ended, by a router up for 10 days.
    const std::int64_t export_ms = end_ms + 1000;
    r.unix_secs = static_cast<std::uint32_t>(export_ms / 1000);
    r.unix_nsecs = static_cast<std::uint32_t>(export_ms % 1000) * 1000000u;
    r.sysuptime = 864000000u;
    r.first = static_cast<std::uint32_t>(r.sysuptime - (export_ms - start_ms));
    r.last = static_cast<std::uint32_t>(r.sysuptime - (export_ms - end_ms));
    r.srcaddr = src;
    r.dstaddr = dst;
    r.prot = prot;
    r.srcport = srcport;
    r.dstport = dstport;
    r.dpkts = 10;
    r.doctets = 1000;
    r.tcp_flags = prot == 6 ? 0x1b : 0;  // SYN ACK PSH FIN
    r.exaddr = 0x7f000002;
    return r;
}

constexpr std::uint32_t ip(unsigned a, unsigned b, unsigned c, unsigned d) {
    return (a << 24) | (b << 16) | (c << 8) | d;
}

class ArchiveBuilder {
  public:
    explicit ArchiveBuilder(std::filesystem::path root) : root_(std::move(root)) {}

    // A closed ft- file created at `created` (Unix seconds) holding `flows`.
    std::filesystem::path add_file(std::int64_t created, const std::vector<flowfile::Record>& flows,
                                   bool in_progress = false) {
        const flowfile::FileName name =
            flowfile::file_name_at(created, 5, std::nullopt, in_progress);
        const std::filesystem::path path = root_ / flowfile::nest_path(name, 3);
        std::filesystem::create_directories(path.parent_path());
        auto header = flowfile::Header::for_capture(5, static_cast<std::uint32_t>(created),
                                                    "flowbox-test", true);
        if (!in_progress) {
            // Finished, with its block index, as flow-capture leaves it.
            write_indexed_file(path, header, flows);
            return path;
        }
        auto writer = flowfile::Writer::create(path, header);
        writer->write(flows);
        writer->flush();
        open_.push_back(std::move(writer));
        return path;
    }

  private:
    std::filesystem::path root_;
    std::vector<std::unique_ptr<flowfile::Writer>> open_;  // tmp- files still being written
};

}  // namespace flowkeep_test
