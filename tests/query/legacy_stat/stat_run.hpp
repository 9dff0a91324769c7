#pragma once

// Runs flow-stat -f N the way the operators' scripts do, `flow-stat ... < file`,
// and builds the inputs the spec's samples use.

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "flowfile/header.hpp"
#include "flowfile/record.hpp"
#include "flowfile/writer.hpp"
#include "legacy_stat/legacy_stat.hpp"
#include "support/temp_dir.hpp"

namespace flowkeep_test {

struct StatRun {
    int status = -1;
    std::string out;
    std::string err;
};

inline StatRun run_stat(const std::vector<std::string>& argv, const std::filesystem::path& input) {
    const int fd = ::open(input.c_str(), O_RDONLY);
    if (fd < 0) throw std::runtime_error("cannot open " + input.string());
    std::ostringstream out, err;
    StatRun r;
    r.status = flowquery::run_legacy_flow_stat(argv, fd, out, err);
    ::close(fd);
    r.out = out.str();
    r.err = err.str();
    return r;
}

inline std::string file_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + p.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline std::filesystem::path test_data(const std::string& relative) {
    return std::filesystem::path(FLOWKEEP_TEST_DATA) / relative;
}

// The header flow-gen writes: an uncompressed streaming v5 stream.
inline flowfile::Header flow_gen_header() {
    flowfile::Header h;
    h.byte_order = flowfile::ByteOrder::little;
    h.flags = flowfile::header_flag::streaming;
    h.export_version = 5;
    h.hostname = "flow-gen";
    h.comments = "flow-gen";
    return h;
}

// Record i of `flow-gen -V5 -n 20` (query-tools.md §0).
inline flowfile::Record gen_record(std::uint32_t i) {
    flowfile::Record r;
    r.srcaddr = i;
    r.dstaddr = 0xFFFF0000u + i;
    r.input = static_cast<std::uint16_t>(i);
    r.srcport = static_cast<std::uint16_t>(i);
    r.output = static_cast<std::uint16_t>(0xFF00 + i);
    r.dstport = static_cast<std::uint16_t>(0xFF00 + i);
    r.dpkts = i + 1;
    r.doctets = i + 1;
    r.first = i;
    r.last = 0xFFFF0000u + i;
    r.prot = 17;
    r.tos = static_cast<std::uint8_t>(i);
    r.src_as = static_cast<std::uint16_t>(i);
    r.dst_as = static_cast<std::uint16_t>(0xFF00 + i);
    return r;
}

inline std::vector<flowfile::Record> gen20() {
    std::vector<flowfile::Record> records;
    for (std::uint32_t i = 0; i < 20; ++i) records.push_back(gen_record(i));
    return records;
}

// Writes `records` as a stream the way flow-gen does (through a pipe, so the
// header stays as given) into `path`.
inline void write_stream(const std::filesystem::path& path,
                         const std::vector<flowfile::Record>& records,
                         flowfile::Header header = flow_gen_header()) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    const int out = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) throw std::runtime_error("cannot create " + path.string());
    flowfile::WriterOptions options;
    options.compression_level = 0;
    options.flush_interval = std::chrono::milliseconds(0);
    options.sync_on_flush = false;
    {
        auto writer = flowfile::Writer::to_fd(fds[1], "pipe", header, options);
        // Drain the pipe as we go so that large inputs never block the writer.
        std::vector<char> buffer(1 << 16);
        const std::size_t step = 512;
        for (std::size_t i = 0; i < records.size(); i += step) {
            const std::size_t n = std::min(step, records.size() - i);
            writer->write(std::span<const flowfile::Record>(records.data() + i, n));
            writer->flush();
            ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
            for (ssize_t got; (got = ::read(fds[0], buffer.data(), buffer.size())) > 0;)
                if (::write(out, buffer.data(), static_cast<std::size_t>(got)) != got)
                    throw std::runtime_error("short write");
        }
        writer->finish({});
    }
    ::close(fds[1]);
    std::vector<char> buffer(1 << 16);
    ::fcntl(fds[0], F_SETFL, 0);
    for (ssize_t got; (got = ::read(fds[0], buffer.data(), buffer.size())) > 0;)
        if (::write(out, buffer.data(), static_cast<std::size_t>(got)) != got)
            throw std::runtime_error("short write");
    ::close(fds[0]);
    ::close(out);
}

// A scratch gen20.ft, as `flow-gen -V5 -n 20 > gen20.ft` makes it.
class Gen20File {
  public:
    Gen20File() { write_stream(path(), gen20()); }
    std::filesystem::path path() const { return dir_ / "gen20.ft"; }

  private:
    TempDir dir_;
};

}  // namespace flowkeep_test
