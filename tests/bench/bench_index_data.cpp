// bench_index_data: the data of the index benchmark (bench_index.sh).
//
//   archive DIR   writes DAYS days of the ISP traffic model (one model run,
//                 its clock at FLOWS-PER-DAY/86400 flows/s from 2026-01-01
//                 00:00 UTC) as flow-capture files them: 15-minute v5 files
//                 (-n 95), -N 3 nesting, zlib level 6, each flow in the file
//                 open when it was exported; with a block point every
//                 BLOCK-RECORDS records and an ix- index beside each file
//                 (as flow-capture does), or without either (--block-records
//                 0 --no-index: an archive flow-tools wrote).  Each file's
//                 records are ordered by their client address (the side in
//                 --client-networks, by default the model's 10.0.0.0/21) as
//                 flow-capture --client-networks orders a finished file, and
//                 the index is built from them in that order; with
//                 --client-networks '' they stay in arrival order.  It also writes
//                 DIR/clients.csv (flowkeep-clients(5): one account per
//                 client address, one customer who moves to another address
//                 in the middle of the window) and DIR/bench_index_data.choices,
//                 the queries' subjects picked from the flows themselves (a
//                 shell file the script sources).
//   blocks        the block size trade on one day of the model: for each
//                 records-per-block count, the size the full flushes cost
//                 against the same files without block points, the index's
//                 size, and the share of blocks that one client's flows
//                 touch (an active client, the busiest one, a median one),
//                 for the files in arrival order and in client order.
//
// One model run is sequential; the files are written by --threads workers
// while the model produces the next ones.  None of this measures query time.

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <queue>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "flowfile/archive.hpp"
#include "flowfile/block_index.hpp"
#include "flowfile/client_order.hpp"
#include "flowfile/header.hpp"
#include "flowfile/ipv4_text.hpp"
#include "flowfile/reader.hpp"
#include "flowfile/writer.hpp"
#include "isp_traffic.hpp"

namespace {

namespace fs = std::filesystem;
using flowfile::Record;
using flowkeep::bench::IspTraffic;
using flowkeep::bench::IspTrafficProfile;

constexpr std::int64_t file_seconds = 15 * 60;  // flow-capture -n 95: 96 files a day
constexpr std::int64_t day_seconds = 24 * 3600;
constexpr std::int64_t files_per_day = day_seconds / file_seconds;
constexpr std::size_t generate_batch = 4096;
constexpr std::size_t queued_files = 6;  // about 9 MB of records each at 10 M flows a day
constexpr const char* done_marker = "bench_index_data.done";
constexpr const char* choices_name = "bench_index_data.choices";
// The longest run the exporters' clocks allow: sysUpTime is 32-bit
// milliseconds (49.7 days), and a collector cannot place flows across its
// wrap.  The exporters' uptimes at the start are capped for this many days
// whatever --days says, so that day k is the same day in every run.
constexpr int max_days = 45;

// The model of every run: bench_query_data's ISP day, continued for a month.
IspTrafficProfile month_profile(std::uint64_t flows_per_day, std::uint64_t seed) {
    IspTrafficProfile p;
    p.seed = seed;
    p.flows_per_second = static_cast<double>(flows_per_day) / static_cast<double>(day_seconds);
    const std::uint64_t limit = 0xffffffffull - std::uint64_t{max_days + 1} * day_seconds * 1000;
    for (auto& e : p.exporters)
        e.uptime_ms = static_cast<std::uint32_t>(std::min<std::uint64_t>(e.uptime_ms, limit));
    return p;
}

// The clients' network of the model (10.0.0.0/21) and the RFC 2544 range its
// remote hosts are numbered from (198.18.0.0/15): flows per address are
// counted in plain arrays.
constexpr std::uint32_t client_base = 0x0a000000;
constexpr std::uint32_t client_span = 1u << 11;
constexpr std::uint32_t remote_base = 0xc6120000;
constexpr std::uint32_t remote_span = 1u << 17;

bool is_client(std::uint32_t a) {
    return a - client_base < client_span;
}
bool is_counted_remote(std::uint32_t a) {
    return a - remote_base < remote_span;
}

// The model's client network (10.0.0.0/21), the default of --client-networks:
// what flow-capture would be told is the ISP's own address space.
std::string model_client_networks() {
    const IspTrafficProfile p;
    return flowfile::ipv4_text(p.client_network) + "/" + std::to_string(p.client_prefix_len);
}

// A file's records as flow-capture --client-networks leaves a finished file:
// ordered by client in runs of at most client_order_run_records, each run on
// its own (with empty networks, as they arrived).
void order_as_captured(std::span<Record> flows, const flowfile::ClientNetworks& networks) {
    constexpr std::size_t run = flowfile::client_order_run_records;
    for (std::size_t from = 0; from < flows.size(); from += run)
        flowfile::order_by_client(flows.subspan(from, std::min(run, flows.size() - from)),
                                  networks);
}

// One 15-minute file's flows, handed from the model to a worker.
struct FileJob {
    std::int64_t slot = 0;  // files since the first one
    std::vector<Record> flows;
};

// Runs the model for `days` days and calls `consume(worker, job)` once per
// file, on `threads` workers, in no particular order; the job is the
// worker's to change.  The first exception a
// worker throws stops the run and is rethrown.  At `deadline` (unix time; 0:
// none) the run ends at the next midnight of the model: the days begun are
// the days finished.  With `max_files` (0: all) only the first files are
// made.  Returns the days produced.
template <typename Consume>
int produce_files(const IspTrafficProfile& profile, int days, unsigned threads,
                  std::int64_t deadline, std::int64_t max_files, Consume&& consume) {
    std::mutex mutex;
    std::condition_variable changed;
    std::queue<FileJob> jobs;
    bool producing = true;
    std::exception_ptr failure;

    auto work = [&](unsigned worker) {
        for (;;) {
            FileJob job;
            {
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] { return !jobs.empty() || !producing || failure; });
                if (failure || jobs.empty()) return;
                job = std::move(jobs.front());
                jobs.pop();
            }
            changed.notify_all();
            try {
                consume(worker, job);
            } catch (...) {
                std::lock_guard lock(mutex);
                if (!failure) failure = std::current_exception();
                changed.notify_all();
                return;
            }
        }
    };
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < threads; ++t) workers.emplace_back(work, t);

    auto hand_over = [&](FileJob job) {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return jobs.size() < queued_files || failure; });
        if (failure) return false;
        jobs.push(std::move(job));
        changed.notify_all();
        return true;
    };

    const std::int64_t start = profile.start_unix_secs;
    const std::int64_t last_slot = std::int64_t{days} * files_per_day - 1;
    const std::uint64_t total =
        static_cast<std::uint64_t>(profile.flows_per_second * static_cast<double>(day_seconds)) *
        static_cast<std::uint64_t>(days);
    try {
        IspTraffic traffic(profile);
        std::vector<Record> batch(generate_batch);
        FileJob open{0, {}};
        bool running = true;
        bool stopped = false;
        for (std::uint64_t done = 0; done < total && running && !stopped;) {
            const std::size_t n =
                static_cast<std::size_t>(std::min<std::uint64_t>(generate_batch, total - done));
            traffic.fill(std::span<Record>(batch.data(), n));
            for (std::size_t i = 0; i < n && running && !stopped; ++i) {
                // The model's last exports may run a little past the window:
                // they stay in the last file, as a collector stopped late.
                const std::int64_t slot = std::clamp<std::int64_t>(
                    (static_cast<std::int64_t>(batch[i].unix_secs) - start) / file_seconds, 0,
                    last_slot);
                if (slot != open.slot && !open.flows.empty()) {
                    running = hand_over(std::move(open));
                    open = FileJob{slot, {}};
                    if (max_files != 0 && slot >= max_files) {
                        stopped = true;
                        break;
                    }
                    if (slot % files_per_day == 0 && deadline != 0 && ::time(nullptr) >= deadline) {
                        days = static_cast<int>(slot / files_per_day);
                        stopped = true;
                        break;
                    }
                }
                open.slot = slot;
                open.flows.push_back(batch[i]);
            }
            done += n;
        }
        if (running && !stopped && !open.flows.empty()) hand_over(std::move(open));
    } catch (...) {
        std::lock_guard lock(mutex);
        if (!failure) failure = std::current_exception();
    }
    {
        std::lock_guard lock(mutex);
        producing = false;
    }
    changed.notify_all();
    for (auto& w : workers) w.join();
    if (failure) std::rethrow_exception(failure);
    return days;
}

// Flows per client address per day and per counted remote address over the
// whole run, kept per worker and summed at the end.
struct FlowTally {
    explicit FlowTally(int days)
        : client_day(static_cast<std::size_t>(days) * client_span), remote(remote_span) {}

    void add(int day, std::span<const Record> flows) {
        auto* per_client = client_day.data() + static_cast<std::size_t>(day) * client_span;
        for (const Record& r : flows) {
            if (is_client(r.srcaddr)) ++per_client[r.srcaddr - client_base];
            if (is_client(r.dstaddr)) ++per_client[r.dstaddr - client_base];
            if (is_counted_remote(r.srcaddr)) ++remote[r.srcaddr - remote_base];
            if (is_counted_remote(r.dstaddr)) ++remote[r.dstaddr - remote_base];
        }
    }
    void merge(const FlowTally& other) {
        for (std::size_t i = 0; i < client_day.size(); ++i) client_day[i] += other.client_day[i];
        for (std::size_t i = 0; i < remote.size(); ++i) remote[i] += other.remote[i];
    }
    std::uint64_t client_flows(std::uint32_t offset, int days) const {
        std::uint64_t n = 0;
        for (int d = 0; d < days; ++d)
            n += client_day[static_cast<std::size_t>(d) * client_span + offset];
        return n;
    }

    std::vector<std::uint32_t> client_day;
    std::vector<std::uint32_t> remote;
};

// The model's client addresses, busiest first (ties: lower address).  Other
// addresses of the client network occur only as the targets of scans: they
// have the fewest flows, and are left out.
std::vector<std::uint32_t> clients_by_flows(const FlowTally& tally, int days, std::size_t clients) {
    std::vector<std::pair<std::uint64_t, std::uint32_t>> ranked;
    for (std::uint32_t i = 0; i < client_span; ++i)
        if (const auto n = tally.client_flows(i, days); n > 0) ranked.emplace_back(n, i);
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    std::vector<std::uint32_t> out;
    for (const auto& [n, i] : ranked) out.push_back(client_base + i);
    if (out.size() > clients) out.resize(clients);
    return out;
}

// "An active but ordinary client": the median of the busiest tenth.
std::size_t active_client_rank(std::size_t clients) {
    return clients / 20;
}

void write_text_atomically(const fs::path& path, const std::string& text) {
    const fs::path tmp = path.string() + ".new";
    {
        std::ofstream out(tmp);
        out << text;
        if (!out.flush()) throw std::runtime_error(tmp.string() + ": cannot write");
    }
    fs::rename(tmp, path);
}

std::string slurp_text(const fs::path& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::uint8_t> file_head(const fs::path& p, std::size_t max) {
    std::ifstream in(p, std::ios::binary);
    std::vector<std::uint8_t> bytes(std::min<std::uintmax_t>(fs::file_size(p), max));
    if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size())))
        throw std::runtime_error(p.string() + ": cannot read");
    return bytes;
}

struct WrittenFile {
    std::uint64_t data_bytes = 0;
    std::uint64_t index_bytes = 0;
};

// One finished file as flow-capture leaves it: the data file and, when
// `with_index`, its ix- index (built from the records as they were written).
WrittenFile write_flow_file(const fs::path& path, std::int64_t created, std::int64_t closed,
                            std::span<const Record> flows, int level, std::size_t block_records,
                            bool with_index) {
    const flowfile::Header header =
        flowfile::Header::for_capture(5, static_cast<std::uint32_t>(created), "bench-isp", true);
    flowfile::WriterOptions wo;
    wo.compression_level = level;
    wo.flush_interval = std::chrono::milliseconds(0);
    wo.sync_on_flush = false;
    wo.block_records = block_records;
    auto writer = flowfile::Writer::create(path, header, wo);
    writer->write(flows);
    writer->finish(flowfile::CloseCounters{static_cast<std::uint32_t>(closed), 0, 0, 0});
    WrittenFile out{fs::file_size(path), 0};
    if (!with_index) return out;
    // The file has no block points without block_records: then it is one
    // block, as flow-index describes such a file.
    flowfile::BlockIndexBuilder builder(
        header, block_records != 0 ? block_records : std::max<std::size_t>(flows.size(), 1));
    builder.add(flows);
    const auto head = file_head(path, flowfile::max_header_size);
    const auto header_size = flowfile::decode_header(head, path.string()).size;
    const auto bytes =
        builder.finish(writer->block_points(),
                       std::span<const std::uint8_t>(head).first(header_size), out.data_bytes);
    flowfile::write_index_file(path, bytes);
    out.index_bytes = bytes.size();
    return out;
}

struct ArchiveOptions {
    fs::path dir;
    int days = 30;
    std::uint64_t flows_per_day = 10'000'000;
    int level = 6;
    std::size_t block_records = flowfile::default_block_records;
    bool index = true;
    unsigned threads = 2;
    std::uint64_t seed = 1;
    std::int64_t deadline = 0;                              // unix time; 0: none
    std::string client_networks = model_client_networks();  // "": arrival order
};

std::string archive_identity(const ArchiveOptions& o) {
    return "days=" + std::to_string(o.days) + " flows_per_day=" + std::to_string(o.flows_per_day) +
           " level=" + std::to_string(o.level) +
           " block_records=" + std::to_string(o.block_records) + " index=" + (o.index ? "1" : "0") +
           " seed=" + std::to_string(o.seed) + " files_per_day=96 client_networks=" +
           (o.client_networks.empty() ? "none" : o.client_networks) + "\n";
}

std::string ipv4(std::uint32_t a) {
    return flowfile::ipv4_text(a);
}

// The client records of the window: every client address its own account,
// valid throughout, except that customer "cust-bench" holds `first` until
// `move` and `second` from then on (their usual accounts hold them
// otherwise): a customer whose flows are two addresses' halves.
std::string clients_csv(const std::vector<std::uint32_t>& clients, std::uint32_t first,
                        std::uint32_t second, std::int64_t move) {
    std::ostringstream out;
    out << "# bench_index_data: one account per client address of the ISP model\n"
        << "prefix,account,device,valid_from,valid_until,connection\n";
    std::vector<std::uint32_t> sorted = clients;
    std::sort(sorted.begin(), sorted.end());
    for (std::uint32_t a : sorted) {
        const std::string id = std::to_string(a - client_base);
        const std::string account = "cust-" + id, device = "cpe-" + id;
        if (a == first)
            out << ipv4(a) << ',' << account << ',' << device << ',' << move << ",,FTTH\n";
        else if (a == second)
            out << ipv4(a) << ',' << account << ',' << device << ",," << move << ",FTTH\n";
        else
            out << ipv4(a) << ',' << account << ',' << device << ",,,FTTH\n";
    }
    out << ipv4(first) << ",cust-bench,cpe-bench,," << move << ",FTTH\n"
        << ipv4(second) << ",cust-bench,cpe-bench," << move << ",,FTTH\n";
    return out.str();
}

struct Chosen {
    std::uint32_t client = 0;
    std::size_t rank = 0;  // from 0, busiest first
    std::size_t clients = 0;
    std::uint32_t rare = 0;
    std::uint32_t rare_flows = 0;
};

// The queries' subjects from the flows of the archive in o.dir, written
// beside it (clients.csv, the choices file) with the marker last.
Chosen write_choices(const ArchiveOptions& o, const FlowTally& tally,
                     const IspTrafficProfile& profile) {
    const fs::path marker = o.dir / done_marker;
    const std::int64_t start = profile.start_unix_secs;
    const auto ranked = clients_by_flows(tally, o.days, profile.clients);
    if (ranked.size() < 3) throw std::runtime_error("the model gave fewer than 3 clients");
    const std::size_t rank = active_client_rank(ranked.size());
    const std::uint32_t client = ranked[rank];
    const std::uint32_t moved_from = ranked[rank - 1], moved_to = ranked[rank + 1];
    const std::int64_t end = start + std::int64_t{o.days} * day_seconds;
    const std::int64_t move = start + std::int64_t{o.days} * day_seconds / 2;
    // The police request's server: the counted remote address seen in the
    // fewest flows of the window (ties: the lower address).
    std::uint32_t rare = 0, rare_flows = 0;
    for (std::uint32_t i = 0; i < remote_span; ++i)
        if (tally.remote[i] != 0 && (rare_flows == 0 || tally.remote[i] < rare_flows)) {
            rare = remote_base + i;
            rare_flows = tally.remote[i];
        }
    if (rare_flows == 0) throw std::runtime_error("no remote address of 198.18.0.0/15 was seen");

    write_text_atomically(o.dir / "clients.csv", clients_csv(ranked, moved_from, moved_to, move));
    std::ostringstream choices;
    choices << "# bench_index_data: the subjects of bench_index.sh's queries\n"
            << "DAYS=" << o.days << "\nFLOWS_PER_DAY=" << o.flows_per_day << "\nSTART=" << start
            << "\nEND=" << end << "\nCLIENTS=" << ranked.size() << "\nCLIENT=" << ipv4(client)
            << "\nCLIENT_RANK=" << rank + 1
            << "\nCLIENT_DAY_FLOWS=" << tally.client_flows(client - client_base, 1)
            << "\nCLIENT_FLOWS=" << tally.client_flows(client - client_base, o.days)
            << "\nBUSIEST_CLIENT_FLOWS=" << tally.client_flows(ranked.front() - client_base, o.days)
            << "\nACCOUNT=cust-bench\nACCOUNT_FIRST=" << ipv4(moved_from)
            << "\nACCOUNT_SECOND=" << ipv4(moved_to) << "\nACCOUNT_MOVE=" << move
            << "\nRARE=" << ipv4(rare) << "\nRARE_FLOWS=" << rare_flows << "\n";
    write_text_atomically(o.dir / choices_name, choices.str());
    write_text_atomically(marker, archive_identity(o));
    return Chosen{client, rank, ranked.size(), rare, rare_flows};
}

int write_archive(ArchiveOptions o) {
    const auto networks = flowfile::ClientNetworks::parse(o.client_networks);
    o.client_networks = networks.text();  // the identity names them canonically
    if (o.days < 1 || o.days > max_days)
        throw std::invalid_argument("--days: 1.." + std::to_string(max_days) +
                                    " (the exporters' 32-bit uptime)");
    if (o.index && o.block_records == 0)
        throw std::invalid_argument(
            "an index needs block points: --block-records 0 needs --no-index");
    const fs::path marker = o.dir / done_marker;
    if (fs::exists(marker) && slurp_text(marker) == archive_identity(o) &&
        fs::exists(o.dir / choices_name)) {
        std::printf("archive %s: reused\n", o.dir.c_str());
        std::printf("SUMMARY bench_index_data archive reused=1\n");
        return 0;
    }
    fs::create_directories(o.dir);
    fs::remove(marker);
    // Another run's files in the same place would mix into the queries.
    for (const auto& e : fs::directory_iterator(o.dir))
        if (e.is_directory() && e.path().filename().string().size() == 4) fs::remove_all(e.path());

    const IspTrafficProfile profile = month_profile(o.flows_per_day, o.seed);
    const std::int64_t start = profile.start_unix_secs;
    std::vector<FlowTally> tallies(o.threads, FlowTally(o.days));
    std::vector<WrittenFile> sums(o.threads);
    std::vector<std::size_t> files(o.threads, 0);
    const auto t0 = std::chrono::steady_clock::now();
    const int asked_days = o.days;
    o.days = produce_files(
        profile, o.days, o.threads, o.deadline, 0, [&](unsigned worker, FileJob& job) {
            const std::int64_t created = start + job.slot * file_seconds;
            order_as_captured(job.flows, networks);
            const auto name = flowfile::file_name_at(created, 5, std::nullopt, false);
            const fs::path path = o.dir / flowfile::nest_path(name, 3);
            fs::create_directories(path.parent_path());
            const auto written = write_flow_file(path, created, created + file_seconds, job.flows,
                                                 o.level, o.block_records, o.index);
            sums[worker].data_bytes += written.data_bytes;
            sums[worker].index_bytes += written.index_bytes;
            ++files[worker];
            tallies[worker].add(static_cast<int>(job.slot / files_per_day), job.flows);
        });
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    for (unsigned t = 1; t < o.threads; ++t) {
        tallies[0].merge(tallies[t]);
        sums[0].data_bytes += sums[t].data_bytes;
        sums[0].index_bytes += sums[t].index_bytes;
        files[0] += files[t];
    }
    const FlowTally& tally = tallies[0];
    if (o.days == 0) throw std::runtime_error("--deadline passed before the first day was done");
    if (o.days < asked_days)
        std::printf("archive %s: --deadline reached, %d of %d days written\n", o.dir.c_str(),
                    o.days, asked_days);

    const Chosen chosen = write_choices(o, tally, profile);

    const double flows = static_cast<double>(o.flows_per_day) * o.days;
    const std::string order = networks.empty() ? std::string("in arrival order")
                                               : "in client order (" + o.client_networks + ")";
    std::printf("archive %s: %d days, %zu files, %.0f flows in %.1f s, %s\n", o.dir.c_str(), o.days,
                files[0], flows, seconds, order.c_str());
    std::printf(
        "  data %ju bytes (%.2f bytes/flow), index %ju bytes (%.2f%% of the data)\n",
        static_cast<std::uintmax_t>(sums[0].data_bytes),
        static_cast<double>(sums[0].data_bytes) / flows,
        static_cast<std::uintmax_t>(sums[0].index_bytes),
        100.0 * static_cast<double>(sums[0].index_bytes) / static_cast<double>(sums[0].data_bytes));
    std::printf("  client %s (rank %zu of %zu), rare remote %s (%u flows)\n",
                ipv4(chosen.client).c_str(), chosen.rank + 1, chosen.clients,
                ipv4(chosen.rare).c_str(), chosen.rare_flows);
    std::printf(
        "SUMMARY bench_index_data archive reused=0 files=%zu data_bytes=%ju index_bytes=%ju\n",
        files[0], static_cast<std::uintmax_t>(sums[0].data_bytes),
        static_cast<std::uintmax_t>(sums[0].index_bytes));
    return 0;
}

// The choices of an archive that `archive` did not finish (stopped by hand
// after its last whole day): the flows of its first o.days days read back.
// Its last file lacks the flows a longer run puts there after midnight.
int choose_from_files(ArchiveOptions o) {
    o.client_networks = flowfile::ClientNetworks::parse(o.client_networks).text();
    const IspTrafficProfile profile = month_profile(o.flows_per_day, o.seed);
    const std::int64_t start = profile.start_unix_secs;
    FlowTally tally(o.days);
    std::size_t files = 0;
    for (const auto& e : fs::recursive_directory_iterator(o.dir)) {
        if (!e.is_regular_file() || !e.path().filename().string().starts_with("ft-")) continue;
        auto reader = flowfile::Reader::open(e.path());
        const std::int64_t created = reader->header().cap_start.value_or(0);
        const std::int64_t day = (created - start) / day_seconds;
        if (day < 0 || day >= o.days)
            throw std::runtime_error(e.path().string() + ": outside the first " +
                                     std::to_string(o.days) + " days");
        for (auto b = reader->next_batch(); !b.empty(); b = reader->next_batch())
            tally.add(static_cast<int>(day), b);
        if (!reader->status().ok()) throw std::runtime_error(reader->status().message);
        ++files;
    }
    if (files != static_cast<std::size_t>(o.days * files_per_day))
        throw std::runtime_error(o.dir.string() + ": " + std::to_string(files) + " files, not " +
                                 std::to_string(o.days * files_per_day));
    const Chosen chosen = write_choices(o, tally, profile);
    std::printf("archive %s: choices from %zu files: client %s, rare remote %s (%u flows)\n",
                o.dir.c_str(), files, ipv4(chosen.client).c_str(), ipv4(chosen.rare).c_str(),
                chosen.rare_flows);
    return 0;
}

struct BlocksOptions {
    fs::path work = "/tmp";
    std::uint64_t flows_per_day = 10'000'000;
    std::vector<std::size_t> sizes{256, 512, 1024, 2048};
    int level = 6;
    unsigned threads = 2;
    std::uint64_t seed = 1;
    std::int64_t files = 0;                                 // the day's first files only; 0: all 96
    std::string client_networks = model_client_networks();  // "": arrival order only
};

// What one records-per-block count gives over the day's files.
struct BlockTrade {
    std::uint64_t data_bytes = 0;
    std::uint64_t index_bytes = 0;
    std::uint64_t blocks = 0;
    std::vector<std::uint32_t> touched = std::vector<std::uint32_t>(client_span);  // per client

    void add(const BlockTrade& o) {
        data_bytes += o.data_bytes;
        index_bytes += o.index_bytes;
        blocks += o.blocks;
        for (std::size_t i = 0; i < touched.size(); ++i) touched[i] += o.touched[i];
    }
};

// Blocks of `block_records` records (the last may be shorter) in which each
// client address occurs, as a source or a destination.
void count_touched(std::span<const Record> flows, std::size_t block_records, BlockTrade& trade) {
    std::vector<std::uint64_t> last(client_span, ~std::uint64_t{0});
    for (std::size_t from = 0; from < flows.size(); from += block_records) {
        const std::uint64_t block = trade.blocks++;
        const auto part = flows.subspan(from, std::min(block_records, flows.size() - from));
        for (const Record& r : part)
            for (const std::uint32_t a : {r.srcaddr, r.dstaddr})
                if (is_client(a) && last[a - client_base] != block) {
                    last[a - client_base] = block;
                    ++trade.touched[a - client_base];
                }
    }
}

// The trades of one order of the files' records: [0] the files without
// block points, then one per size.
using OrderTrades = std::vector<BlockTrade>;

int block_trade(const BlocksOptions& o) {
    for (const std::size_t b : o.sizes)
        if (b == 0) throw std::invalid_argument("--sizes: records per block must be > 0");
    const auto networks = flowfile::ClientNetworks::parse(o.client_networks);
    // [0] arrival order; [1] client order, unless no networks are given.
    const std::size_t orders = networks.empty() ? 1 : 2;
    const fs::path dir = o.work / ("bench_index_blocks." + std::to_string(::getpid()));
    fs::create_directories(dir);
    const IspTrafficProfile profile = month_profile(o.flows_per_day, o.seed);
    std::vector<std::vector<OrderTrades>> trades(
        o.threads, std::vector<OrderTrades>(orders, OrderTrades(o.sizes.size() + 1)));
    std::vector<FlowTally> tallies(o.threads, FlowTally(1));
    std::vector<std::uint64_t> flows_written(o.threads, 0);
    try {
        produce_files(profile, 1, o.threads, 0, o.files, [&](unsigned worker, FileJob& job) {
            const std::int64_t created = profile.start_unix_secs + job.slot * file_seconds;
            const fs::path path = dir / ("ft-w" + std::to_string(worker));
            tallies[worker].add(0, job.flows);
            flows_written[worker] += job.flows.size();
            for (std::size_t order = 0; order < orders; ++order) {
                if (order == 1) order_as_captured(job.flows, networks);
                for (std::size_t k = 0; k <= o.sizes.size(); ++k) {
                    const std::size_t b = k == 0 ? 0 : o.sizes[k - 1];
                    const auto written = write_flow_file(path, created, created + file_seconds,
                                                         job.flows, o.level, b, b != 0);
                    auto& trade = trades[worker][order][k];
                    trade.data_bytes += written.data_bytes;
                    trade.index_bytes += written.index_bytes;
                    if (b != 0) count_touched(job.flows, b, trade);
                    fs::remove(path);
                    fs::remove(flowfile::index_path_of(path));
                }
            }
        });
    } catch (...) {
        fs::remove_all(dir);
        throw;
    }
    fs::remove_all(dir);
    for (unsigned t = 1; t < o.threads; ++t) {
        tallies[0].merge(tallies[t]);
        for (std::size_t order = 0; order < orders; ++order)
            for (std::size_t k = 0; k <= o.sizes.size(); ++k)
                trades[0][order][k].add(trades[t][order][k]);
    }
    std::uint64_t written_flows = 0;
    for (const auto n : flows_written) written_flows += n;
    const auto ranked = clients_by_flows(tallies[0], 1, profile.clients);
    if (ranked.empty()) throw std::runtime_error("the model gave no client");
    struct Subject {
        const char* what;
        std::uint32_t address;
    };
    const Subject subjects[] = {{"active", ranked[active_client_rank(ranked.size())]},
                                {"busiest", ranked.front()},
                                {"median", ranked[ranked.size() / 2]}};
    const double flows = static_cast<double>(written_flows);
    std::printf(
        "block size trade: %.0f flows a day, %lld files of 15 minutes (%.0f flows), zlib "
        "level %d\n",
        static_cast<double>(o.flows_per_day),
        static_cast<long long>(o.files != 0 ? o.files : files_per_day), flows, o.level);
    for (const auto& s : subjects)
        std::printf(
            "  %-7s client %s: %ju flows in these files\n", s.what, ipv4(s.address).c_str(),
            static_cast<std::uintmax_t>(tallies[0].client_flows(s.address - client_base, 1)));

    // One order's columns of a row: bytes/flow, flush cost, index/data and
    // the three clients' shares of the blocks ("-" where a file without
    // block points has none).
    auto columns = [&](const OrderTrades& t, std::size_t k) {
        char text[96];
        const auto& plain = t[0];
        if (k == 0) {
            std::snprintf(text, sizeof text, " %10.3f %8s %10s %7s %7s %7s",
                          static_cast<double>(plain.data_bytes) / flows, "-", "-", "-", "-", "-");
            return std::string(text);
        }
        const auto& b = t[k];
        const double cost =
            100.0 *
            (static_cast<double>(b.data_bytes) / static_cast<double>(plain.data_bytes) - 1.0);
        double share[3];
        for (std::size_t s = 0; s < 3; ++s)
            share[s] = 100.0 * b.touched[subjects[s].address - client_base] /
                       static_cast<double>(b.blocks);
        std::snprintf(
            text, sizeof text, " %10.3f %7.2f%% %9.2f%% %6.1f%% %6.1f%% %6.1f%%",
            static_cast<double>(b.data_bytes) / flows, cost,
            100.0 * static_cast<double>(b.index_bytes) / static_cast<double>(b.data_bytes),
            share[0], share[1], share[2]);
        return std::string(text);
    };
    const char* heads = " %10s %8s %10s %7s %7s %7s";
    if (orders == 2)
        std::printf("\n%8s %7s  %-53s  |  client order (%s)", "", "", "arrival order",
                    networks.text().c_str());
    else
        std::printf("\n%8s %7s  arrival order", "", "");
    std::printf("\n%8s %7s", "records", "blocks");
    for (std::size_t order = 0; order < orders; ++order) {
        if (order == 1) std::printf("  |");
        std::printf(heads, "bytes/flow", "flush", "index/data", "active", "busiest", "median");
    }
    std::printf("\n");
    for (std::size_t k = 0; k <= o.sizes.size(); ++k) {
        if (k == 0)
            std::printf("%8s %7s", "none", "-");
        else
            std::printf("%8zu %7ju", o.sizes[k - 1],
                        static_cast<std::uintmax_t>(trades[0][0][k].blocks));
        for (std::size_t order = 0; order < orders; ++order)
            std::printf("%s%s", order == 1 ? "  |" : "", columns(trades[0][order], k).c_str());
        std::printf("\n");
    }
    std::string summary = "SUMMARY bench_index_data blocks";
    for (std::size_t order = 0; order < orders; ++order) {
        const OrderTrades& t = trades[0][order];
        const std::string prefix = order == 0 ? " " : " client_";
        summary += prefix + "plain_bytes=" + std::to_string(t[0].data_bytes);
        for (std::size_t k = 1; k <= o.sizes.size(); ++k)
            summary += prefix + "b" + std::to_string(o.sizes[k - 1]) + "=" +
                       std::to_string(t[k].data_bytes) + "," + std::to_string(t[k].index_bytes) +
                       "," + std::to_string(t[k].blocks) + "," +
                       std::to_string(t[k].touched[subjects[0].address - client_base]);
    }
    std::printf(
        "\nflush: size over the same files (same order) without block points; index/data:\n"
        "the ix- files over the data files; active/busiest/median: share of the blocks in\n"
        "which that client's address occurs (the blocks a query for it must inflate).\n");
    if (orders == 2)
        std::printf(
            "Client order: each file's records ordered by client address (flow-capture\n"
            "--client-networks), the index built from them in that order.\n");
    std::printf("%s\n", summary.c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "Data of the index benchmark: a month of the ISP model as a flow-capture "
        "archive with indexes, and the block size trade"};
    app.require_subcommand(1);
    ArchiveOptions a;
    auto* archive = app.add_subcommand("archive", "write (or reuse) the archive in DIR");
    archive->add_option("dir", a.dir, "archive root")->required();
    archive->add_option("--days", a.days, "days from 2026-01-01")
        ->check(CLI::Range(1, max_days))
        ->capture_default_str();
    archive->add_option("--flows-per-day", a.flows_per_day, "flows a day")
        ->check(CLI::Range(std::uint64_t{1000}, std::uint64_t{100'000'000}))
        ->capture_default_str();
    archive->add_option("--level", a.level, "zlib level")
        ->check(CLI::Range(1, 9))
        ->capture_default_str();
    archive
        ->add_option("--block-records", a.block_records, "records per block (0: no block points)")
        ->capture_default_str();
    archive->add_flag("!--no-index", a.index, "no ix- files");
    archive->add_option("--threads", a.threads, "writing threads")
        ->check(CLI::Range(1, 16))
        ->capture_default_str();
    archive->add_option("--seed", a.seed, "seed of the traffic model")->capture_default_str();
    archive
        ->add_option("--client-networks", a.client_networks,
                     "the clients' prefixes each file's records are ordered by, as flow-capture "
                     "--client-networks does ('': arrival order)")
        ->capture_default_str();
    archive->add_option("--deadline", a.deadline,
                        "unix time after which the run ends at the next midnight of the model "
                        "(as many days as fit)");
    ArchiveOptions c;
    auto* choose = app.add_subcommand(
        "choose", "the clients file and choices of an archive stopped after a whole day");
    choose->add_option("dir", c.dir, "archive root")->required();
    choose->add_option("--days", c.days, "its whole days")
        ->check(CLI::Range(1, max_days))
        ->required();
    choose->add_option("--flows-per-day", c.flows_per_day, "flows a day it was written with")
        ->capture_default_str();
    choose->add_option("--seed", c.seed, "seed it was written with")->capture_default_str();
    choose
        ->add_option("--client-networks", c.client_networks,
                     "client networks it was written with ('': arrival order)")
        ->capture_default_str();
    BlocksOptions b;
    auto* blocks = app.add_subcommand("blocks", "the block size trade on one day of the model");
    blocks->add_option("--work", b.work, "directory for the files being measured")
        ->capture_default_str();
    blocks->add_option("--flows-per-day", b.flows_per_day, "flows in the day")
        ->check(CLI::Range(std::uint64_t{1000}, std::uint64_t{100'000'000}))
        ->capture_default_str();
    blocks->add_option("--sizes", b.sizes, "records per block to compare")
        ->delimiter(',')
        ->capture_default_str();
    blocks->add_option("--level", b.level, "zlib level")
        ->check(CLI::Range(1, 9))
        ->capture_default_str();
    blocks->add_option("--threads", b.threads, "writing threads")
        ->check(CLI::Range(1, 16))
        ->capture_default_str();
    blocks->add_option("--seed", b.seed, "seed of the traffic model")->capture_default_str();
    blocks
        ->add_option("--client-networks", b.client_networks,
                     "the clients' prefixes of the client order compared with arrival order "
                     "('': arrival order only)")
        ->capture_default_str();
    blocks
        ->add_option("--files", b.files,
                     "only the day's first files (each holds a quarter hour's flows)")
        ->check(CLI::Range(std::int64_t{1}, files_per_day));
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    try {
        if (archive->parsed()) return write_archive(a);
        if (choose->parsed()) return choose_from_files(c);
        return block_trade(b);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_index_data: %s\n", e.what());
        return 1;
    }
}
