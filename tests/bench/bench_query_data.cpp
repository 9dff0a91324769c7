// bench_query_data: the data of the query benchmark (bench_query.sh).
//
//   archive DIR   writes one day of the ISP traffic model as flow-capture
//                 would have archived it: 15-minute v5 files at zlib level 6,
//                 -N 3 nesting (YYYY/YYYY-MM/YYYY-MM-DD/ft-v05...), each file
//                 holding the flows exported while it was open.  With
//                 --ipv6-dir D, the very same flows also go, as IPv6 records
//                 (record6.hpp), into the IPv6 series under D, file for file:
//                 the same traffic in both families, for reading speed side
//                 by side.
//   replay DIR HOST:PORT
//                 sends every flow of such an archive, in file order, to a
//                 NetFlow v5 collector (nfdump's nfcapd): the export packets
//                 are rebuilt from the records' export header fields, so the
//                 collector stores the very flows our tools read.
//   inflate DIR --engine E --threads N
//                 the floor under any query: every file's record area
//                 inflated (zlib into a 1 MiB buffer, or libdeflate whole), or
//                 read with flowfile::Reader (Reader6 for the IPv6 series),
//                 by N threads taking files in turn.  The script times it
//                 from outside, like the tools.
//
// Each prints a SUMMARY line for the script.  None of them measures time.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <zlib.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "flowfile/archive.hpp"
#include "flowfile/header.hpp"
#include "flowfile/ipv4_text.hpp"
#include "flowfile/reader.hpp"
#include "flowfile/record6.hpp"
#include "flowfile/writer.hpp"
#include "ipv6_image.hpp"
#include "isp_traffic.hpp"
#include "v5_wire.hpp"

#ifdef FLOWKEEP_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

namespace {

namespace fs = std::filesystem;
using flowfile::Record;
using flowfile::Record6;
using flowkeep::bench::ExportPacket;
using flowkeep::bench::IspTraffic;
using flowkeep::bench::IspTrafficProfile;

constexpr std::int64_t file_seconds = 15 * 60;  // flow-capture -n 95: 96 files a day
constexpr std::int64_t day_seconds = 24 * 3600;
constexpr std::size_t generate_batch = 4096;
constexpr const char* done_marker = "bench_query_data.done";

struct ArchiveOptions {
    fs::path dir;
    fs::path ipv6_dir;  // empty: no IPv6 series
    std::uint64_t flows = 10'000'000;
    int level = 6;
    std::uint64_t seed = 1;
};

struct InflateOptions {
    fs::path dir;
    std::string engine = "zlib";  // zlib, libdeflate, reader, reader-streaming
    unsigned threads = 1;
};

struct ReplayOptions {
    fs::path dir;
    std::string destination;
    double rate = 1e6;  // flows/s
};

// What the archive was made from; a directory holding another archive is
// rebuilt, never reused.
std::string archive_identity(const ArchiveOptions& o) {
    return "flows=" + std::to_string(o.flows) + " level=" + std::to_string(o.level) +
           " seed=" + std::to_string(o.seed) + " files_per_day=96" +
           (o.ipv6_dir.empty() ? "" : " ipv6_series=1") + "\n";
}

// An IPv4 address as an IPv6 one of the documentation prefix, its 32 bits
// in the third and fourth groups (10.0.3.7 -> 2001:db8:a00:307::): distinct
// addresses stay distinct, and bench_query.sh computes the same text.
flowfile::Ipv6Address documentation_ipv6(std::uint32_t ipv4) {
    flowfile::Ipv6Address a{0x20, 0x01, 0x0d, 0xb8};
    for (int i = 0; i < 4; ++i) a[4 + i] = static_cast<std::uint8_t>(ipv4 >> (24 - 8 * i));
    return a;
}

// The same flow with IPv6 addresses: every counter, time and port kept.
Record6 as_ipv6(const Record& r) {
    return flowkeep_bench::ipv6_image(r, documentation_ipv6);
}

std::string slurp_text(const fs::path& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// Every ft- file (and ip6. file of the IPv6 series) below `dir`, in name
// order, which is time order here: the names are UTC (the script runs with
// TZ=UTC).
std::vector<fs::path> archive_files(const fs::path& dir) {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file() && (e.path().filename().string().starts_with("ft-v05.") ||
                                    e.path().filename().string().starts_with("ip6.")))
            files.push_back(e.path());
    std::sort(files.begin(), files.end(),
              [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
    return files;
}

int write_archive(const ArchiveOptions& o) {
    const fs::path marker = o.dir / done_marker;
    const fs::path marker6 = o.ipv6_dir.empty() ? fs::path() : o.ipv6_dir / done_marker;
    if (fs::exists(marker) && slurp_text(marker) == archive_identity(o) &&
        (marker6.empty() || (fs::exists(marker6) && slurp_text(marker6) == archive_identity(o)))) {
        std::uintmax_t bytes = 0;
        const auto files = archive_files(o.dir);
        for (const auto& f : files) bytes += fs::file_size(f);
        std::printf("archive %s: reused (%zu files, %ju bytes)\n", o.dir.c_str(), files.size(),
                    bytes);
        std::printf("SUMMARY bench_query_data archive flows=%llu files=%zu bytes=%ju reused=1\n",
                    static_cast<unsigned long long>(o.flows), files.size(), bytes);
        return 0;
    }
    fs::remove(marker);
    if (!marker6.empty()) fs::remove(marker6);

    IspTrafficProfile profile;
    profile.seed = o.seed;
    // One day of exports: the model's clock advances at this rate.
    profile.flows_per_second = static_cast<double>(o.flows) / static_cast<double>(day_seconds);
    const std::int64_t day_start = profile.start_unix_secs;
    IspTraffic traffic(profile);

    flowfile::WriterOptions wo;
    wo.compression_level = o.level;
    wo.flush_interval = std::chrono::milliseconds(0);
    wo.sync_on_flush = false;

    std::unique_ptr<flowfile::Writer> writer, writer6;
    fs::path writer_path, writer6_path;
    std::int64_t open_slot = -1;
    std::size_t files = 0;
    std::uintmax_t bytes = 0, bytes6 = 0;
    auto close_file = [&] {
        if (!writer) return;
        writer->finish(flowfile::CloseCounters{
            static_cast<std::uint32_t>(day_start + (open_slot + 1) * file_seconds), 0, 0, 0});
        writer.reset();
        bytes += fs::file_size(writer_path);
        ++files;
        if (!writer6) return;
        writer6->finish(flowfile::CloseCounters{
            static_cast<std::uint32_t>(day_start + (open_slot + 1) * file_seconds), 0, 0, 0});
        writer6.reset();
        bytes6 += fs::file_size(writer6_path);
    };

    std::vector<Record> batch(generate_batch);
    std::vector<Record6> batch6;
    for (std::uint64_t done = 0; done < o.flows;) {
        const std::size_t n =
            static_cast<std::size_t>(std::min<std::uint64_t>(generate_batch, o.flows - done));
        traffic.fill(std::span<Record>(batch.data(), n));
        std::size_t from = 0;
        while (from < n) {
            // The file a flow goes to is the one open when it was exported;
            // the model's last exports may run a little past the day.
            const auto slot_of = [&](const Record& r) {
                return std::clamp<std::int64_t>(
                    (static_cast<std::int64_t>(r.unix_secs) - day_start) / file_seconds, 0,
                    day_seconds / file_seconds - 1);
            };
            const std::int64_t slot = slot_of(batch[from]);
            std::size_t to = from;
            while (to < n && slot_of(batch[to]) == slot) ++to;
            if (slot != open_slot) {
                close_file();
                open_slot = slot;
                const std::int64_t created = day_start + slot * file_seconds;
                const auto name = flowfile::file_name_at(created, 5, std::nullopt, false);
                writer_path = o.dir / flowfile::nest_path(name, 3);
                fs::create_directories(writer_path.parent_path());
                writer = flowfile::Writer::create(
                    writer_path,
                    flowfile::Header::for_capture(5, static_cast<std::uint32_t>(created),
                                                  "bench-isp", true),
                    wo);
                if (!o.ipv6_dir.empty()) {
                    const auto name6 = flowfile::file_name_at(
                        created, flowfile::ipv6_export_version, std::nullopt, false);
                    writer6_path = o.ipv6_dir / flowfile::nest_path(name6, 3);
                    fs::create_directories(writer6_path.parent_path());
                    writer6 = flowfile::Writer::create(
                        writer6_path,
                        flowfile::Header::for_capture(flowfile::ipv6_export_version,
                                                      static_cast<std::uint32_t>(created),
                                                      "bench-isp", true),
                        wo);
                }
            }
            writer->write(std::span<const Record>(batch.data() + from, to - from));
            if (writer6) {
                batch6.clear();
                for (std::size_t i = from; i < to; ++i) batch6.push_back(as_ipv6(batch[i]));
                writer6->write(std::span<const Record6>(batch6));
            }
            from = to;
        }
        done += n;
    }
    close_file();
    std::ofstream(marker) << archive_identity(o);
    if (!marker6.empty()) {
        std::ofstream(marker6) << archive_identity(o);
        std::printf("IPv6 series %s: written (%zu files, %ju bytes, %.2f bytes/flow)\n",
                    o.ipv6_dir.c_str(), files, bytes6,
                    static_cast<double>(bytes6) / static_cast<double>(o.flows));
    }
    std::printf("archive %s: written (%zu files, %ju bytes, %.2f bytes/flow)\n", o.dir.c_str(),
                files, bytes, static_cast<double>(bytes) / static_cast<double>(o.flows));
    std::printf("SUMMARY bench_query_data archive flows=%llu files=%zu bytes=%ju reused=0\n",
                static_cast<unsigned long long>(o.flows), files, bytes);
    return 0;
}

sockaddr_in parse_destination(const std::string& text) {
    const auto colon = text.rfind(':');
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    if (colon == std::string::npos ||
        ::inet_pton(AF_INET, text.substr(0, colon).c_str(), &sa.sin_addr) != 1)
        throw std::invalid_argument("destination: expected IPv4:PORT, got '" + text + "'");
    const int port = std::atoi(text.c_str() + colon + 1);
    if (port <= 0 || port > 65535)
        throw std::invalid_argument("destination: bad port in '" + text + "'");
    sa.sin_port = htons(static_cast<std::uint16_t>(port));
    if ((ntohl(sa.sin_addr.s_addr) >> 24) != 127)
        throw std::invalid_argument("destination " + text.substr(0, colon) +
                                    " is not a loopback address");
    return sa;
}

// One connected socket per exporter address, bound to that address (all the
// model's exporters are in 127.0.0.0/8), so the collector sees the exporters
// the records name.
class ExporterSockets {
  public:
    explicit ExporterSockets(const sockaddr_in& destination) : destination_(destination) {}
    ~ExporterSockets() {
        for (auto& [address, fd] : fds_) ::close(fd);
    }
    ExporterSockets(const ExporterSockets&) = delete;
    ExporterSockets& operator=(const ExporterSockets&) = delete;

    int socket_for(std::uint32_t exporter) {
        if (auto it = fds_.find(exporter); it != fds_.end()) return it->second;
        const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
        sockaddr_in source{};
        source.sin_family = AF_INET;
        source.sin_addr.s_addr = htonl(exporter);
        if (::bind(fd, reinterpret_cast<const sockaddr*>(&source), sizeof source) != 0 ||
            ::connect(fd, reinterpret_cast<const sockaddr*>(&destination_), sizeof destination_) !=
                0) {
            const int error = errno;
            ::close(fd);
            throw std::runtime_error("exporter " + flowfile::ipv4_text(exporter) +
                                     ": cannot bind or connect: " + std::strerror(error));
        }
        fds_.emplace(exporter, fd);
        return fd;
    }

  private:
    sockaddr_in destination_;
    std::map<std::uint32_t, int> fds_;
};

// Flows of one export packet share every export header field.
bool same_packet(const Record& a, const Record& b) {
    return a.exaddr == b.exaddr && a.engine_type == b.engine_type && a.engine_id == b.engine_id &&
           a.unix_secs == b.unix_secs && a.unix_nsecs == b.unix_nsecs && a.sysuptime == b.sysuptime;
}

int replay(const ReplayOptions& o) {
    ExporterSockets sockets(parse_destination(o.destination));
    std::map<std::pair<std::uint32_t, std::uint16_t>, std::uint32_t> sequence;
    std::vector<std::uint8_t> datagram(flowkeep::bench::v5_max_packet_bytes);
    std::uint64_t flows = 0, packets = 0, send_errors = 0;
    const auto started = std::chrono::steady_clock::now();
    const auto files = archive_files(o.dir);
    if (files.empty()) throw std::runtime_error(o.dir.string() + ": no ft-v05 files");

    // Records of a packet may straddle a batch: carry them over.
    std::vector<Record> pending;
    auto send_packet = [&](std::span<const Record> flows_of_packet) {
        const Record& h = flows_of_packet.front();
        const auto key = std::make_pair(h.exaddr, std::uint16_t(h.engine_type << 8 | h.engine_id));
        ExportPacket packet{0, sequence[key], flows_of_packet};
        const std::size_t length =
            flowkeep::bench::encode_v5(packet, flows_of_packet.size(), datagram);
        sequence[key] += static_cast<std::uint32_t>(flows_of_packet.size());
        if (::send(sockets.socket_for(h.exaddr), datagram.data(), length, 0) < 0) ++send_errors;
        flows += flows_of_packet.size();
        ++packets;
        // Paced: nfcapd keeps up with about 3 M flows/s here, the sender
        // shares the machine with it.
        const auto due =
            started + std::chrono::duration<double>(static_cast<double>(flows) / o.rate);
        if (due > std::chrono::steady_clock::now() + std::chrono::milliseconds(2))
            std::this_thread::sleep_until(due);
    };
    auto drain_pending = [&](bool all) {
        std::size_t from = 0;
        while (from < pending.size()) {
            std::size_t to = from + 1;
            while (to < pending.size() && to - from < IspTraffic::max_flows_per_packet &&
                   same_packet(pending[from], pending[to]))
                ++to;
            if (to == pending.size() && !all) break;  // may continue in the next batch
            send_packet(std::span<const Record>(pending.data() + from, to - from));
            from = to;
        }
        pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(from));
    };
    for (const auto& file : files) {
        auto reader = flowfile::Reader::open(file);
        for (auto batch = reader->next_batch(); !batch.empty(); batch = reader->next_batch()) {
            pending.insert(pending.end(), batch.begin(), batch.end());
            drain_pending(false);
        }
        if (!reader->status().ok()) throw std::runtime_error(reader->status().message);
    }
    drain_pending(true);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("replay: %llu flows in %llu packets from %zu files in %.1f s (%llu send errors)\n",
                static_cast<unsigned long long>(flows), static_cast<unsigned long long>(packets),
                files.size(), seconds, static_cast<unsigned long long>(send_errors));
    std::printf("SUMMARY bench_query_data replay flows=%llu packets=%llu send_errors=%llu\n",
                static_cast<unsigned long long>(flows), static_cast<unsigned long long>(packets),
                static_cast<unsigned long long>(send_errors));
    return send_errors == 0 ? 0 : 1;
}

std::vector<std::uint8_t> read_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::vector<std::uint8_t> bytes(fs::file_size(p));
    if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size())))
        throw std::runtime_error(p.string() + ": cannot read");
    return bytes;
}

// Inflated bytes of one file's record area, by zlib into a reused buffer.
std::uint64_t inflate_zlib(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out,
                           const fs::path& name) {
    z_stream zs{};
    if (inflateInit(&zs) != Z_OK) throw std::runtime_error("zlib: inflateInit failed");
    zs.next_in = const_cast<Bytef*>(in.data());
    zs.avail_in = static_cast<uInt>(in.size());
    std::uint64_t produced = 0;
    int rc = Z_OK;
    while (rc == Z_OK) {
        zs.next_out = out.data();
        zs.avail_out = static_cast<uInt>(out.size());
        rc = inflate(&zs, Z_NO_FLUSH);
        produced += out.size() - zs.avail_out;
        if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;
    }
    inflateEnd(&zs);
    if (rc != Z_STREAM_END) throw std::runtime_error(name.string() + ": zlib inflate failed");
    return produced;
}

// Printed, so that the records' decoding cannot be left out by the compiler.
std::atomic<std::uint64_t> octets_read{0};

// Stored bytes of one record in a file of this header's series.
std::size_t record_bytes(const flowfile::Header& h) {
    return flowfile::record_family(h) == flowfile::RecordFamily::ipv6 ? flowfile::record6_size : 64;
}

template <typename R>
std::uint64_t read_records(flowfile::BasicReader<R>& reader) {
    std::uint64_t records = 0, octets = 0;
    for (auto b = reader.next_batch(); !b.empty(); b = reader.next_batch()) {
        for (const R& r : b) octets += r.doctets;  // every record is needed
        records += b.size();
    }
    if (!reader.status().ok()) throw std::runtime_error(reader.status().message);
    octets_read += octets;
    return records;
}

// Inflated bytes of the file's records (64 per v5 record, 132 per IPv6 one).
std::uint64_t inflate_file(const fs::path& path, const std::string& engine,
                           std::vector<std::uint8_t>& out) {
    if (engine == "reader" || engine == "reader-streaming") {
        auto any = flowfile::open_any(
            path, flowfile::ReaderOptions{.streaming_only = engine == "reader-streaming"});
        if (any.ipv6) return read_records(*any.ipv6) * flowfile::record6_size;
        return read_records(*any.ipv4) * 64;
    }
    const auto bytes = read_bytes(path);
    const flowfile::Header h = flowfile::decode_header(bytes, path.string());
    const auto stream = std::span<const std::uint8_t>(bytes).subspan(h.size);
    if (engine == "zlib") return inflate_zlib(stream, out, path);
#ifdef FLOWKEEP_HAVE_LIBDEFLATE
    if (engine == "libdeflate") {
        // The finished file's flow count gives the exact size.
        out.resize(std::max<std::size_t>(out.size(),
                                         std::size_t{h.flow_count.value_or(0)} * record_bytes(h)));
        thread_local std::unique_ptr<libdeflate_decompressor, void (*)(libdeflate_decompressor*)> d(
            libdeflate_alloc_decompressor(), libdeflate_free_decompressor);
        std::size_t produced = 0;
        if (libdeflate_zlib_decompress(d.get(), stream.data(), stream.size(), out.data(),
                                       out.size(), &produced) != LIBDEFLATE_SUCCESS)
            throw std::runtime_error(path.string() + ": libdeflate failed");
        return produced;
    }
#endif
    throw std::invalid_argument("--engine: '" + engine + "' is not built in");
}

int inflate_all(const InflateOptions& o) {
    const auto files = archive_files(o.dir);
    if (files.empty()) throw std::runtime_error(o.dir.string() + ": no ft-v05 or ip6. files");
    std::atomic<std::size_t> next{0};
    std::atomic<std::uint64_t> bytes{0};
    std::atomic<bool> failed{false};
    const std::size_t per_record =
        record_bytes(flowfile::decode_header(read_bytes(files.front()), files.front().string()));
    std::string error;
    auto work = [&] {
        std::vector<std::uint8_t> out(1 << 20);
        try {
            for (std::size_t i = next++; i < files.size() && !failed; i = next++)
                bytes += inflate_file(files[i], o.engine, out);
        } catch (const std::exception& e) {
            if (!failed.exchange(true)) error = e.what();
        }
    };
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < o.threads; ++t) threads.emplace_back(work);
    work();
    for (auto& t : threads) t.join();
    if (failed) throw std::runtime_error(error);
    std::printf(
        "SUMMARY bench_query_data inflate engine=%s threads=%u files=%zu flows=%llu "
        "record_bytes=%llu octets=%llu\n",
        o.engine.c_str(), o.threads, files.size(),
        static_cast<unsigned long long>(bytes / per_record),
        static_cast<unsigned long long>(bytes.load()),
        static_cast<unsigned long long>(octets_read.load()));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "Data of the query benchmark: a day's flow-capture archive, and its replay to "
        "a NetFlow v5 collector"};
    app.require_subcommand(1);
    ArchiveOptions a;
    auto* archive = app.add_subcommand("archive", "write (or reuse) the archive in DIR");
    archive->add_option("dir", a.dir, "archive root")->required();
    archive->add_option("--flows", a.flows, "flows in the day")->capture_default_str();
    archive->add_option("--level", a.level, "zlib level")
        ->check(CLI::Range(1, 9))
        ->capture_default_str();
    archive->add_option("--seed", a.seed, "seed of the traffic model")->capture_default_str();
    archive->add_option("--ipv6-dir", a.ipv6_dir,
                        "also write the same flows as the IPv6 series under this directory");
    ReplayOptions r;
    auto* replay_cmd = app.add_subcommand("replay", "send the archive in DIR as NetFlow v5");
    replay_cmd->add_option("dir", r.dir, "archive root")->required();
    replay_cmd->add_option("destination", r.destination, "collector, 127.x.y.z:PORT")->required();
    replay_cmd->add_option("--rate", r.rate, "flows per second")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    InflateOptions f;
    auto* inflate_cmd =
        app.add_subcommand("inflate", "inflate or read every file of the archive in DIR");
    inflate_cmd->add_option("dir", f.dir, "archive root")->required();
    inflate_cmd->add_option("--engine", f.engine, "zlib, libdeflate, reader or reader-streaming")
        ->check(CLI::IsMember({"zlib", "libdeflate", "reader", "reader-streaming"}))
        ->capture_default_str();
    inflate_cmd->add_option("--threads", f.threads, "threads")
        ->check(CLI::Range(1, 64))
        ->capture_default_str();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    try {
        if (archive->parsed()) return write_archive(a);
        if (inflate_cmd->parsed()) return inflate_all(f);
        return replay(r);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_query_data: %s\n", e.what());
        return 1;
    }
}
