// bench_reader: how fast flowfile::Reader turns a flow file into Records,
// next to the speed of zlib's inflate alone on the same bytes.  A compressed
// flow-tools file is one zlib stream, so inflate is the physical limit of the
// format with zlib: the reader can approach it, never pass it.  The gap
// between the two is what the library itself costs (reads, record decoding,
// batching).
//
// The file is written from the ISP traffic model (isp_traffic.hpp), so its
// compressed size per flow and its inflate speed are those of real archives,
// not of random or constant bytes.  Every figure is the best of several runs
// with the file in the page cache: the benchmark measures CPU work, not the
// disk.  It never fails on speed; it fails only when a file does not read
// back as written.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "flowfile/error.hpp"
#include "flowfile/header.hpp"
#include "flowfile/reader.hpp"
#include "flowfile/record.hpp"
#include "flowfile/writer.hpp"
#include "isp_traffic.hpp"

#ifdef FLOWKEEP_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif
#ifdef FLOWKEEP_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

namespace {

namespace fs = std::filesystem;
using flowfile::Record;

constexpr std::size_t v5_record_size = 64;
constexpr std::size_t generate_batch = 4096;
constexpr std::size_t inflate_buffer = 1 << 20;  // output chunk reused by the inflate loops

struct Options {
    std::uint64_t flows = 5000000;
    int level = 6;
    std::string dir;  // empty: a new temporary directory
    bool keep = false;
    int runs = 3;
    std::uint64_t seed = 1;
    // Checksum points as flow-capture writes them (flow-file(5)); 183 is a
    // 15-minute file flushed every 5 s.  0: none, as flow-tools writes.
    std::uint64_t checksum_points = 183;
};

constexpr const char* usage =
    "usage: bench_reader [--flows N] [--level L] [--dir DIR] [--keep] [--runs R] [--seed S]\n"
    "                    [--checksum-points P]\n"
    "  --flows N   flows in the benchmark file (default 5000000)\n"
    "  --level L   zlib level of the compressed file, 1..9 (default 6, flow-capture's)\n"
    "  --dir DIR   where to write the files (default: a new directory under $TMPDIR or /tmp)\n"
    "  --keep      leave the files there afterwards\n"
    "  --runs R    runs per figure; the best is reported (default 3)\n"
    "  --seed S    seed of the traffic model (default 1)\n"
    "  --checksum-points P  flush points, each a checksummed block, as flow-capture writes\n"
    "              (default 183: a 15-minute file, 5 s flushes; 0 = none, as flow-tools)\n";

std::uint64_t parse_number(std::string_view option, const char* text, std::uint64_t lo,
                           std::uint64_t hi) {
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || v < lo || v > hi)
        throw std::invalid_argument(std::string(option) + ": expected a number " +
                                    std::to_string(lo) + ".." + std::to_string(hi) + ", got '" +
                                    text + "'");
    return v;
}

Options parse_options(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&]() -> const char* {
            if (i + 1 >= argc) throw std::invalid_argument(std::string(arg) + ": missing value");
            return argv[++i];
        };
        if (arg == "--flows")
            o.flows = parse_number(arg, value(), 1, std::numeric_limits<std::uint32_t>::max());
        else if (arg == "--level")
            o.level = static_cast<int>(parse_number(arg, value(), 1, 9));
        else if (arg == "--dir")
            o.dir = value();
        else if (arg == "--keep")
            o.keep = true;
        else if (arg == "--runs")
            o.runs = static_cast<int>(parse_number(arg, value(), 1, 100));
        else if (arg == "--seed")
            o.seed = parse_number(arg, value(), 0, std::numeric_limits<std::uint64_t>::max());
        else if (arg == "--checksum-points")
            o.checksum_points = parse_number(arg, value(), 0, 1023);
        else
            throw std::invalid_argument(std::string(arg) + ": unknown option");
    }
    return o;
}

// Wall and CPU time of one run.  CPU time is the whole process's: the
// benchmark runs one thread, so it is the work done, whatever else the
// machine was doing meanwhile.
struct Timing {
    double wall_s = 0;
    double cpu_s = 0;
};

double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

class Stopwatch {
  public:
    void start() {
        wall0_ = std::chrono::steady_clock::now();
        cpu0_ = cpu_seconds();
    }
    void stop() {
        total_.wall_s +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0_).count();
        total_.cpu_s += cpu_seconds() - cpu0_;
    }
    Timing total() const { return total_; }

  private:
    std::chrono::steady_clock::time_point wall0_;
    double cpu0_ = 0;
    Timing total_;
};

// Runs `once` `runs` times; the run with the least wall time stands for all
// (the others were slowed by something outside the code under test).
Timing best_of(int runs, const std::function<Timing()>& once) {
    Timing best{std::numeric_limits<double>::infinity(), 0};
    for (int i = 0; i < runs; ++i) {
        const Timing t = once();
        if (t.wall_s < best.wall_s) best = t;
    }
    return best;
}

Timing time_whole(const std::function<void()>& work) {
    Stopwatch sw;
    sw.start();
    work();
    sw.stop();
    return sw.total();
}

[[noreturn]] void fail(const std::string& message) {
    throw std::runtime_error(message);
}

// The directory the files go to; a directory it created itself is removed at
// the end, files it wrote are removed unless --keep.
class WorkDir {
  public:
    explicit WorkDir(const Options& o) : keep_(o.keep) {
        if (!o.dir.empty()) {
            path_ = o.dir;
            fs::create_directories(path_);
            return;
        }
        std::string tmpl = (fs::temp_directory_path() / "flowkeep-bench.XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr)
            fail("cannot create a directory from " + tmpl + ": " + std::strerror(errno));
        path_ = tmpl;
        created_ = true;
    }
    ~WorkDir() {
        if (keep_) return;
        std::error_code ec;
        for (const auto& f : files_) fs::remove(f, ec);
        if (created_) fs::remove(path_, ec);
    }
    WorkDir(const WorkDir&) = delete;
    WorkDir& operator=(const WorkDir&) = delete;

    fs::path file(const std::string& name) {
        files_.push_back(path_ / name);
        return files_.back();
    }
    const fs::path& path() const { return path_; }

  private:
    fs::path path_;
    std::vector<fs::path> files_;
    bool created_ = false;
    bool keep_;
};

struct WrittenFile {
    Timing write;     // Writer::write and finish only, not the traffic model
    Timing generate;  // the traffic model, for the record
    std::uint64_t file_bytes = 0;
    std::uint32_t header_bytes = 0;
    std::uint64_t octets_sum = 0;  // what a reader must find again
};

// Writes `flows` flows as flow-capture would (v5, capture header, a flush
// point closing a checksummed block every flows/checksum_points records).  No fdatasync: the figure
// is the CPU cost of writing, and the disk's speed is not the library's.
WrittenFile write_file(const fs::path& path, const Options& o, int level) {
    flowkeep::bench::IspTrafficProfile profile;
    profile.seed = o.seed;
    flowkeep::bench::IspTraffic traffic(profile);

    flowfile::WriterOptions wo;
    wo.compression_level = level;
    wo.flush_interval = std::chrono::milliseconds(0);
    wo.sync_on_flush = false;
    wo.checksum_blocks = o.checksum_points;
    const std::uint64_t per_point =
        o.checksum_points ? std::max<std::uint64_t>(1, o.flows / o.checksum_points) : 0;
    std::uint64_t next_point = per_point;
    const flowfile::Header header =
        flowfile::Header::for_capture(5, profile.start_unix_secs, "bench", level != 0);

    WrittenFile out;
    Stopwatch gen, put;
    std::vector<Record> batch(generate_batch);
    put.start();
    auto writer = flowfile::Writer::create(path, header, wo);
    put.stop();
    for (std::uint64_t done = 0; done < o.flows;) {
        std::uint64_t room = std::min<std::uint64_t>(generate_batch, o.flows - done);
        if (per_point) room = std::min(room, next_point - done);
        const std::size_t n = static_cast<std::size_t>(room);
        gen.start();
        traffic.fill(std::span<Record>(batch.data(), n));
        gen.stop();
        for (std::size_t i = 0; i < n; ++i) out.octets_sum += batch[i].doctets;
        put.start();
        writer->write(std::span<const Record>(batch.data(), n));
        done += n;
        if (per_point && done == next_point && done < o.flows) {
            writer->flush();
            next_point += per_point;
        }
        put.stop();
    }
    put.start();
    writer->finish(flowfile::CloseCounters{profile.start_unix_secs + 3600, 0, 0, 0});
    put.stop();
    out.write = put.total();
    out.generate = gen.total();
    out.header_bytes = writer->header().size;
    out.file_bytes = fs::file_size(path);
    return out;
}

std::vector<std::uint8_t> read_whole(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<std::uint8_t> bytes(fs::file_size(path));
    if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size())))
        fail(path.string() + ": cannot read");
    return bytes;
}

// zlib inflate of the whole record area into a reused 1 MiB buffer, output
// discarded: what any zlib-based reader must spend at least.
void inflate_zlib(std::span<const std::uint8_t> in, std::uint64_t expect) {
    z_stream zs{};
    if (inflateInit(&zs) != Z_OK) fail("zlib: inflateInit failed");
    std::vector<std::uint8_t> out(inflate_buffer);
    std::uint64_t produced = 0;
    std::size_t offset = 0;
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        if (zs.avail_in == 0) {
            // avail_in is 32-bit: feed large inputs in pieces.
            const std::size_t piece = std::min<std::size_t>(in.size() - offset, 1u << 30);
            zs.next_in = const_cast<Bytef*>(in.data() + offset);
            zs.avail_in = static_cast<uInt>(piece);
            offset += piece;
        }
        zs.next_out = out.data();
        zs.avail_out = static_cast<uInt>(out.size());
        rc = inflate(&zs, Z_NO_FLUSH);
        produced += out.size() - zs.avail_out;
        if (rc != Z_OK && rc != Z_STREAM_END) {
            inflateEnd(&zs);
            fail(std::string("zlib: inflate failed: ") + (zs.msg ? zs.msg : "error"));
        }
        if (rc == Z_OK && zs.avail_in == 0 && offset == in.size() && zs.avail_out != 0) {
            inflateEnd(&zs);
            fail("zlib: stream ends early");
        }
    }
    inflateEnd(&zs);
    if (produced != expect)
        fail("zlib: inflated " + std::to_string(produced) + " bytes, expected " +
             std::to_string(expect));
}

#ifdef FLOWKEEP_HAVE_LIBDEFLATE
// libdeflate decompresses whole buffers only, so its output is the whole
// record area: not usable for streaming a file of any size, but the fastest
// DEFLATE decoder there is, and so the limit of the format itself.
void inflate_libdeflate(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out) {
    libdeflate_decompressor* d = libdeflate_alloc_decompressor();
    if (d == nullptr) fail("libdeflate: out of memory");
    std::size_t produced = 0;
    const libdeflate_result rc =
        libdeflate_zlib_decompress(d, in.data(), in.size(), out.data(), out.size(), &produced);
    libdeflate_free_decompressor(d);
    if (rc != LIBDEFLATE_SUCCESS)
        fail("libdeflate: decompression failed (" + std::to_string(rc) + ")");
    if (produced != out.size()) fail("libdeflate: wrong output size");
}
#endif

#ifdef FLOWKEEP_HAVE_ISAL
// ISA-L's inflate streams like zlib's, so it is measured the same way: a
// drop-in candidate for the reader.
void inflate_isal(std::span<const std::uint8_t> in, std::uint64_t expect) {
    auto state = std::make_unique<inflate_state>();
    isal_inflate_init(state.get());
    state->crc_flag = ISAL_ZLIB;  // zlib header and Adler-32 checked
    std::vector<std::uint8_t> out(inflate_buffer);
    std::uint64_t produced = 0;
    std::size_t offset = 0;
    while (state->block_state != ISAL_BLOCK_FINISH) {
        if (state->avail_in == 0) {
            if (offset == in.size()) fail("isa-l: stream ends early");
            const std::size_t piece = std::min<std::size_t>(in.size() - offset, 1u << 30);
            state->next_in = const_cast<std::uint8_t*>(in.data() + offset);
            state->avail_in = static_cast<std::uint32_t>(piece);
            offset += piece;
        }
        state->next_out = out.data();
        state->avail_out = static_cast<std::uint32_t>(out.size());
        const int rc = isal_inflate(state.get());
        if (rc != ISAL_DECOMP_OK) fail("isa-l: inflate failed (" + std::to_string(rc) + ")");
        produced += out.size() - state->avail_out;
    }
    if (produced != expect)
        fail("isa-l: inflated " + std::to_string(produced) + " bytes, expected " +
             std::to_string(expect));
}
#endif

// The reader as a query tool uses it, with a consumer that needs every
// record (a sum of dOctets), so no work can be skipped.
void read_with_reader(const fs::path& path, std::uint64_t flows, std::uint64_t octets_sum,
                      flowfile::ReaderOptions options = {}) {
    auto reader = flowfile::Reader::open(path, options);
    std::uint64_t n = 0, sum = 0;
    for (;;) {
        const auto batch = reader->next_batch();
        if (batch.empty()) break;
        for (const Record& r : batch) sum += r.doctets;
        n += batch.size();
    }
    if (!reader->status().ok()) fail(reader->status().message);
    if (n != flows || sum != octets_sum)
        fail(path.string() + ": read " + std::to_string(n) + " flows (octets " +
             std::to_string(sum) + "), wrote " + std::to_string(flows) + " (octets " +
             std::to_string(octets_sum) + ")");
}

// read() of the whole file into a reused 1 MiB buffer: the floor for an
// uncompressed file (a copy out of the page cache).
void read_raw(const fs::path& path, std::uint64_t expect) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(path.string() + ": cannot open: " + std::strerror(errno));
    std::vector<std::uint8_t> buf(inflate_buffer);
    std::uint64_t total = 0;
    for (;;) {
        const ssize_t got = ::read(fd, buf.data(), buf.size());
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            ::close(fd);
            fail(path.string() + ": read failed: " + std::strerror(errno));
        }
        if (got == 0) break;
        total += static_cast<std::uint64_t>(got);
    }
    ::close(fd);
    if (total != expect) fail(path.string() + ": short read");
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            if (colon != std::string::npos) return line.substr(colon + 2);
        }
    }
    return "unknown CPU";
}

struct Row {
    std::string label;
    std::string key;  // name in the summary line
    Timing t;
};

void print_table(const std::vector<Row>& rows, std::uint64_t flows) {
    const double mflows = static_cast<double>(flows) / 1e6;
    const double record_mb = static_cast<double>(flows * v5_record_size) / 1e6;
    std::printf("%-44s %9s %11s %12s %12s\n", "measurement", "wall s", "Mflows/s", "MB/s raw",
                "CPU s/Mflow");
    std::printf("%-44s %9s %11s %12s %12s\n", std::string(44, '-').c_str(), "---------",
                "-----------", "------------", "------------");
    for (const Row& r : rows) {
        if (r.label.empty()) {
            std::printf("\n");
            continue;
        }
        std::printf("%-44s %9.3f %11.3f %12.1f %12.3f\n", r.label.c_str(), r.t.wall_s,
                    mflows / r.t.wall_s, record_mb / r.t.wall_s, r.t.cpu_s / mflows);
    }
    std::printf(
        "\nMB/s raw: uncompressed record bytes (64 per flow) per second.  CPU s/Mflow: process "
        "CPU\ntime per million flows.  Inflate rows work on the record area already in memory; "
        "the\nreaders read the file (from the page cache) themselves.\n");
}

int run(const Options& o) {
    WorkDir dir(o);
    const fs::path compressed = dir.file("bench-v05-z" + std::to_string(o.level));
    const fs::path raw = dir.file("bench-v05-z0");
    const std::uint64_t record_bytes = o.flows * v5_record_size;

    {
        flowkeep::bench::IspTraffic traffic(flowkeep::bench::IspTrafficProfile{.seed = o.seed});
        std::printf("bench_reader: %llu flows, v5 records, zlib %s level %d, best of %d runs\n",
                    static_cast<unsigned long long>(o.flows), zlibVersion(), o.level, o.runs);
        std::printf("traffic:      %s\n", traffic.describe().c_str());
    }
    std::printf("machine:      %s, %ld CPUs online\n", cpu_model().c_str(),
                ::sysconf(_SC_NPROCESSORS_ONLN));
    std::printf("files:        %s\n", dir.path().c_str());
    std::fflush(stdout);

    WrittenFile zfile, rfile;
    Timing generate;
    const Timing write_z = best_of(o.runs, [&] {
        zfile = write_file(compressed, o, o.level);
        generate = zfile.generate;
        return zfile.write;
    });
    const Timing write_raw = best_of(o.runs, [&] {
        rfile = write_file(raw, o, 0);
        return rfile.write;
    });
    if (zfile.octets_sum != rfile.octets_sum) fail("traffic model is not deterministic");
    if (rfile.file_bytes != rfile.header_bytes + record_bytes)
        fail(raw.string() + ": unexpected size " + std::to_string(rfile.file_bytes));

    const std::vector<std::uint8_t> zbytes = read_whole(compressed);
    const std::span<const std::uint8_t> stream =
        std::span<const std::uint8_t>(zbytes).subspan(zfile.header_bytes);

    std::vector<Row> rows;
    rows.push_back({"write   flowfile::Writer -z" + std::to_string(o.level), "write_z", write_z});
    rows.push_back({"write   flowfile::Writer -z0 (uncompressed)", "write_z0", write_raw});
    rows.push_back({});

    const Timing inflate =
        best_of(o.runs, [&] { return time_whole([&] { inflate_zlib(stream, record_bytes); }); });
    rows.push_back({"inflate zlib, 1 MiB buffer (the limit)", "zlib_inflate", inflate});
#ifdef FLOWKEEP_HAVE_ISAL
    const Timing isal =
        best_of(o.runs, [&] { return time_whole([&] { inflate_isal(stream, record_bytes); }); });
    rows.push_back({"inflate ISA-L, 1 MiB buffer", "isal_inflate", isal});
#endif
#ifdef FLOWKEEP_HAVE_LIBDEFLATE
    {
        std::vector<std::uint8_t> whole(record_bytes, 1);  // touched: no page faults timed
        const Timing deflate =
            best_of(o.runs, [&] { return time_whole([&] { inflate_libdeflate(stream, whole); }); });
        rows.push_back({"inflate libdeflate, whole buffer", "libdeflate_inflate", deflate});
    }
#endif
    const Timing reader_z = best_of(o.runs, [&] {
        return time_whole([&] { read_with_reader(compressed, o.flows, zfile.octets_sum); });
    });
    const std::string reader_label = "read    flowfile::Reader -z" + std::to_string(o.level);
    rows.push_back({reader_label + (flowfile::fast_inflate_available() ? " (libdeflate)" : ""),
                    "reader_z", reader_z});
    const Timing reader_streaming = best_of(o.runs, [&] {
        return time_whole([&] {
            read_with_reader(compressed, o.flows, zfile.octets_sum, {.streaming_only = true});
        });
    });
    rows.push_back({reader_label + " streaming (zlib)", "reader_z_streaming", reader_streaming});
    rows.push_back({});

    const Timing raw_read =
        best_of(o.runs, [&] { return time_whole([&] { read_raw(raw, rfile.file_bytes); }); });
    rows.push_back({"read()  -z0 file, 1 MiB buffer (the limit)", "raw_read_z0", raw_read});
    const Timing reader_raw = best_of(o.runs, [&] {
        return time_whole([&] { read_with_reader(raw, o.flows, rfile.octets_sum); });
    });
    rows.push_back({"read    flowfile::Reader -z0", "reader_z0", reader_raw});

    const double bytes_per_flow =
        static_cast<double>(zfile.file_bytes - zfile.header_bytes) / static_cast<double>(o.flows);
    std::printf("compressed:   %.2f bytes/flow (%llu bytes, %.2f:1), uncompressed %llu bytes\n",
                bytes_per_flow, static_cast<unsigned long long>(zfile.file_bytes),
                static_cast<double>(record_bytes) / static_cast<double>(stream.size()),
                static_cast<unsigned long long>(rfile.file_bytes));
    std::printf("model:        %.2f Mflows/s generated (not part of the write figures)\n\n",
                static_cast<double>(o.flows) / 1e6 / generate.wall_s);
    print_table(rows, o.flows);

    const double ratio = inflate.wall_s / reader_streaming.wall_s;
    const double fast_ratio = inflate.wall_s / reader_z.wall_s;
    const double raw_ratio = raw_read.wall_s / reader_raw.wall_s;
    std::printf(
        "\nreader/inflate: %.3f (-z%d streaming reader speed as a fraction of zlib inflate "
        "alone)\n",
        ratio, o.level);
    std::printf(
        "fast/inflate:   %.3f (-z%d reader%s as a multiple of zlib inflate alone)\n", fast_ratio,
        o.level,
        flowfile::fast_inflate_available() ? " with libdeflate" : ", no libdeflate built in,");
    std::printf("reader/read():  %.3f (-z0 reader speed as a fraction of read() alone)\n",
                raw_ratio);

    std::printf("SUMMARY bench_reader flows=%llu level=%d checksum_points=%llu bytes_per_flow=%.2f",
                static_cast<unsigned long long>(o.flows), o.level,
                static_cast<unsigned long long>(o.checksum_points), bytes_per_flow);
    for (const Row& r : rows)
        if (!r.key.empty())
            std::printf(" %s_flows_per_s=%.0f", r.key.c_str(),
                        static_cast<double>(o.flows) / r.t.wall_s);
    std::printf(
        " reader_inflate_ratio=%.3f fast_reader_inflate_ratio=%.3f reader_read_ratio=%.3f\n", ratio,
        fast_ratio, raw_ratio);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    try {
        for (int i = 1; i < argc; ++i) {
            if (std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h") {
                std::fputs(usage, stdout);
                return 0;
            }
        }
        o = parse_options(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_reader: %s\n%s", e.what(), usage);
        return 2;
    }
    try {
        return run(o);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_reader: %s\n", e.what());
        return 1;
    }
}
