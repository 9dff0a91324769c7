#include "capture_service.hpp"

#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <optional>
#include <thread>

#include "archive/archiver.hpp"
#include "archive/crash_recovery.hpp"
#include "decode/pdu_decoder.hpp"
#include "decode/pdu_family.hpp"
#include "pid_file.hpp"
#include "receive/batch_queue.hpp"
#include "receive/drop_episode.hpp"
#include "receive/udp_receiver.hpp"
#include "start_checks.hpp"
#include "stat_schedule.hpp"

namespace capture {

namespace {

volatile std::sig_atomic_t hup_requested = 0;
volatile std::sig_atomic_t stop_signal = 0;

extern "C" void on_hup(int) {
    hup_requested = 1;
}
extern "C" void on_stop(int sig) {
    stop_signal = sig;
}

// A batch leaves the receiver when it is nearly full or this old: bounds the
// delay between a datagram and its flows reaching the writer.
constexpr auto batch_max_age = std::chrono::milliseconds(50);
constexpr std::size_t queue_batches = 64;
constexpr std::size_t records_per_batch = 8192;
// How long the queue must stay empty before leaving the fast level.
constexpr double catch_up_hold_seconds = 10.0;

double wall_now() {
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
}

std::string signal_name(int sig) {
    switch (sig) {
        case SIGTERM:
            return "SIGTERM";
        case SIGQUIT:
            return "SIGQUIT";
        case SIGINT:
            return "SIGINT";
        default:
            return "signal " + std::to_string(sig);
    }
}

std::string local_hostname() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "";
    return buf;
}

// Reads NetFlow from the socket, decodes into batches, hands them over.
class ReceivingThread {
  public:
    ReceivingThread(UdpReceiver& rx, BatchQueue& queue, DecoderSettings settings, int stat_interval,
                    std::int64_t startup, LogSink log, CaptureCounters& counters)
        : rx_(rx),
          queue_(queue),
          decoder_(settings, log),
          stat_clock_(stat_interval),
          startup_(startup),
          log_(log),
          counters_(counters),
          drops_(std::move(log)) {}

    void run(const std::atomic<bool>& stop) {
        while (!stop.load(std::memory_order_relaxed)) {
            rx_.receive(std::chrono::milliseconds(100),
                        [this](const ReceivedDatagram& d) { handle(d); });
            report_kernel_drops();
            drops_.tick(std::chrono::steady_clock::now());
            if (batch_ && std::chrono::steady_clock::now() - batch_started_ >= batch_max_age)
                hand_over();
            const std::time_t now = std::time(nullptr);
            if (stat_clock_.due(now)) decoder_.exporters().log_stat_lines(now, startup_, log_);
        }
        if (batch_) hand_over();
        queue_.close();
    }

  private:
    void handle(const ReceivedDatagram& d) {
        const std::int64_t now = std::time(nullptr);
        counters_.datagrams.fetch_add(1, std::memory_order_relaxed);
        counters_.last_datagram_time.store(now, std::memory_order_relaxed);
        if (!batch_) {
            batch_ = queue_.acquire();
            if (!batch_) {
                // Writer behind: the datagram is dropped undecoded, so the
                // exporter's next sequence number also shows it as lost
                // flows in the file header.
                counters_.queue_dropped_datagrams.fetch_add(1, std::memory_order_relaxed);
                if (d.bytes.size() >= 4)
                    counters_.queue_dropped_flows.fetch_add(
                        static_cast<std::uint64_t>(d.bytes[2]) << 8 | d.bytes[3],
                        std::memory_order_relaxed);
                drops_.dropped(std::chrono::steady_clock::now());
                return;
            }
            batch_started_ = std::chrono::steady_clock::now();
        }
        const Datagram datagram{.bytes = d.bytes,
                                .source_ip = d.source_ipv4,
                                .local_ip = d.local_ipv4,
                                .local_port = rx_.port(),
                                .receive_time = now};
        const DecodeResult r = decoder_.decode(datagram, batch_->records);
        batch_->counters.add(r.counters);
        if (r.accepted() && r.records > 0) {
            counters_.flows.fetch_add(r.records, std::memory_order_relaxed);
            counters_.last_flow_time.store(now, std::memory_order_relaxed);
        }
        if (r.reason == RejectReason::unsupported_version)
            counters_.unsupported_datagrams.fetch_add(1, std::memory_order_relaxed);
        else if (!r.accepted())
            counters_.corrupt_packets.fetch_add(1, std::memory_order_relaxed);
        if (r.reason == RejectReason::exporter_limit) {
            counters_.exporter_limit_datagrams.fetch_add(1, std::memory_order_relaxed);
            if (d.bytes.size() >= 4)
                counters_.exporter_limit_flows.fetch_add(
                    static_cast<std::uint64_t>(d.bytes[2]) << 8 | d.bytes[3],
                    std::memory_order_relaxed);
        }
        counters_.exporters.store(decoder_.exporters().size(), std::memory_order_relaxed);
        if (batch_->records.size() + max_records_per_pdu > queue_.records_per_batch()) hand_over();
    }

    // The kernel drops datagrams when the socket buffer overflows; say so at
    // most once a minute, with the total, so the log cannot flood.
    void report_kernel_drops() {
        const std::uint64_t total = rx_.stats().kernel_drops;
        counters_.kernel_drops.store(total, std::memory_order_relaxed);
        const auto now = std::chrono::steady_clock::now();
        if (total > kernel_drops_logged_ &&
            now - kernel_drops_logged_at_ >= std::chrono::minutes(1)) {
            log_("kernel dropped " + std::to_string(total - kernel_drops_logged_) +
                 " datagrams (socket receive buffer full), " + std::to_string(total) +
                 " since start");
            kernel_drops_logged_ = total;
            kernel_drops_logged_at_ = now;
        }
    }

    void hand_over() {
        batch_->export_version = decoder_.stored_version();
        queue_.push(std::move(batch_));
    }

    UdpReceiver& rx_;
    BatchQueue& queue_;
    Decoder decoder_;
    StatSchedule stat_clock_;
    std::int64_t startup_;
    LogSink log_;
    CaptureCounters& counters_;
    std::unique_ptr<FlowBatch> batch_;
    std::chrono::steady_clock::time_point batch_started_;
    DropEpisode drops_;
    std::uint64_t kernel_drops_logged_ = 0;
    std::chrono::steady_clock::time_point kernel_drops_logged_at_{};
};

// Returns false when the file could not be written.
bool write_status_file(const std::string& path, const CaptureCounters& c, const Archiver& a,
                       std::int64_t startup) {
    if (path.empty()) return true;
    const std::string staging = path + ".new";
    {
        std::ofstream out(staging, std::ios::trunc);
        out << "pid=" << ::getpid() << '\n'
            << "updated=" << std::time(nullptr) << '\n'
            << "started=" << startup << '\n'
            << "last_datagram=" << c.last_datagram_time.load() << '\n'
            << "last_flow=" << c.last_flow_time.load() << '\n'
            << "current_file=" << a.current_file() << '\n'
            << "datagrams=" << c.datagrams.load() << '\n'
            << "flows=" << c.flows.load() << '\n'
            << "corrupt_packets=" << c.corrupt_packets.load() << '\n'
            << "unsupported_datagrams=" << c.unsupported_datagrams.load() << '\n'
            << "queue_dropped_datagrams=" << c.queue_dropped_datagrams.load() << '\n'
            << "queue_dropped_flows=" << c.queue_dropped_flows.load() << '\n'
            << "kernel_drops=" << c.kernel_drops.load() << '\n'
            << "files_finished=" << a.files_finished() << '\n'
            << "write_errors=" << a.write_errors() << '\n'
            << "catch_up_episodes=" << c.catch_up_episodes.load() << '\n'
            << "exporters=" << c.exporters.load() << '\n'
            << "exporter_limit_datagrams=" << c.exporter_limit_datagrams.load() << '\n'
            << "exporter_limit_flows=" << c.exporter_limit_flows.load() << '\n'
            << "flows_removed_with_open_file=" << a.flows_removed_with_open_file() << '\n'
            << "renames_pending=" << a.renames_pending() << '\n'
            << "disk_blocked=" << (a.blocked() ? 1 : 0) << '\n'
            << "last_error=" << a.last_error() << '\n';
        out.close();
        if (!out) return false;
    }
    // Monitoring reads it as another user: readable whatever the umask.
    ::chmod(staging.c_str(), 0644);
    return std::rename(staging.c_str(), path.c_str()) == 0;
}

}  // namespace

void install_signal_flags() {
    struct sigaction sa {};
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_hup;
    ::sigaction(SIGHUP, &sa, nullptr);
    sa.sa_handler = on_stop;
    ::sigaction(SIGTERM, &sa, nullptr);
    ::sigaction(SIGQUIT, &sa, nullptr);
    ::sigaction(SIGINT, &sa, nullptr);
    sa.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &sa, nullptr);
}

CaptureService::CaptureService(CaptureOptions options, DaemonLog& log,
                               std::optional<UserSwitch> user, StartupReport* report)
    : options_(std::move(options)), log_(log), user_(std::move(user)), report_(report) {}

int CaptureService::run() {
    const LogSink log = log_.sink();
    const std::int64_t startup = std::time(nullptr);
    // Until "ready", a failure is also the answer to whoever waits for the
    // start (the daemon's parent, --config).
    auto start_failed = [&](const std::string& message) {
        if (report_)
            report_->failed(message, log);
        else
            log(message);
        return 1;
    };

    // A status file given relative is relative to where we were started.
    if (!options_.status_file.empty() && options_.status_file.front() != '/') {
        char cwd[4096];
        if (::getcwd(cwd, sizeof cwd))
            options_.status_file = std::string(cwd) + "/" + options_.status_file;
    }
    // Where the work directory is, to find it again if it is removed and
    // created anew (or replaced) while we run inside it.
    std::string work_dir_path = options_.work_dir;
    if (work_dir_path.front() != '/') {
        char cwd[4096];
        if (::getcwd(cwd, sizeof cwd)) work_dir_path = std::string(cwd) + "/" + work_dir_path;
    }
    if (::chdir(options_.work_dir.c_str()) != 0)
        return start_failed("chdir(" + options_.work_dir + "): " + std::strerror(errno));

    ArchiverSettings settings;
    settings.work_dir = ".";
    settings.nesting = options_.nesting;
    settings.export_version = options_.export_version;
    settings.byte_order = options_.byte_order;
    settings.compression_level = options_.compression_level;
    if (options_.fast && options_.compression_level != 0)
        settings.engine = flowfile::CompressionEngine::igzip;  // main checked it is built in
    settings.comment = options_.comment;
    settings.hostname = local_hostname();
    settings.rotations = options_.rotations;
    settings.flush_interval = options_.flush_interval;
    settings.expiry = {.max_files = options_.expire_count, .max_bytes = options_.expire_size};
    settings.expiry_dry_run = options_.debug_level != 0;
    settings.post_rotate_program = options_.post_rotate_program.value_or("");
    Archiver archiver(settings, log);

    std::optional<UdpReceiver> rx;
    try {
        rx.emplace(options_.listen.bind_address().str(), options_.listen.port,
                   options_.receive_buffer);
    } catch (const std::system_error& e) {
        return start_failed(e.what());
    }
    log("setsockopt(size=" + std::to_string(options_.receive_buffer) + ")");
    // Linux reports twice the usable size; less than asked means rmem_max capped it.
    if (rx->buffer_bytes() / 2 < options_.receive_buffer)
        log("receive buffer capped at " + std::to_string(rx->buffer_bytes() / 2) +
            " bytes by net.core.rmem_max; raise it to avoid kernel drops under load");

    // After the bind: a second capture on the same port stops above, before
    // it could touch the files of the running one.
    std::optional<PidFile> pid_file;
    if (!options_.foreground && options_.pid_file) {
        try {
            pid_file.emplace(*options_.pid_file, rx->port());
        } catch (const std::system_error& e) {
            return start_failed(e.what());
        }
    }
    // Everything that needed root is done: from here on, the files are
    // written as --user.
    if (user_) {
        try {
            switch_user(*user_);
        } catch (const PrivilegeError& e) {
            return start_failed(e.what());
        }
        log("running as user " + user_->name + " (uid " + std::to_string(user_->uid) + ", gid " +
            std::to_string(user_->gid) + ")");
    }
    // main checked it before the start; checked again as the user the files
    // are written as, in case it changed in between.
    if (const std::string problem = work_dir_problem(
            ".", options_.work_dir, user_ ? " by --user " + user_->name : std::string());
        !problem.empty())
        return start_failed(problem);
    if (report_) report_->ready();
    recover_leftovers(".", options_.nesting, log);
    // Expiry scans after recovery, so it lists the recovered ft- files.
    archiver.start_expiry();

    DecoderSettings decoder_settings;
    decoder_settings.stored_version = options_.export_version;
    if (const auto exporter = options_.listen.required_exporter())
        decoder_settings.remote_ip = exporter->ipv4();

    BatchQueue queue(queue_batches, records_per_batch);
    std::atomic<bool> stop_receiving{false};
    ReceivingThread receiving(*rx, queue, decoder_settings, options_.stat_interval, startup, log,
                              counters_);
    std::thread receiver([&] { receiving.run(stop_receiving); });

    std::unique_ptr<FlowBatch> pending;
    double last_status = 0;
    bool status_file_ok = true;
    double queue_empty_since = wall_now();
    bool work_dir_gone = false;
    // Is "." still the work directory?  Removed: say so once and let the
    // archiver retry (it holds the flows, then the queue drops and counts);
    // back or replaced by a new one: move into it.
    auto follow_work_dir = [&](double now) {
        struct stat here {
        }, there{};
        const bool here_alive = ::stat(".", &here) == 0 && here.st_nlink > 0;
        const bool there_exists =
            ::stat(work_dir_path.c_str(), &there) == 0 && S_ISDIR(there.st_mode);
        if (here_alive && there_exists && here.st_dev == there.st_dev &&
            here.st_ino == there.st_ino)
            return;
        if (!there_exists) {
            if (!work_dir_gone)
                log("work directory " + work_dir_path +
                    " is gone: holding flows until it is created again");
            work_dir_gone = true;
            return;
        }
        // A new directory under the name: finish the open file where it is
        // (when the old directory still exists), then write into the new one.
        if (here_alive) archiver.rotate(now);
        if (::chdir(work_dir_path.c_str()) != 0) {
            if (!work_dir_gone)
                log("chdir(" + work_dir_path + "): " + std::strerror(errno) + "; retrying");
            work_dir_gone = true;
            return;
        }
        log("work directory " + work_dir_path + (work_dir_gone ? " is back" : " was replaced") +
            ": writing into it");
        work_dir_gone = false;
        archiver.start_expiry();
    };
    while (stop_signal == 0) {
        // Falling behind: trade some file size for speed rather than drop
        // flows; back to -z once the queue has stayed empty for a while.
        const std::size_t backlog = queue.waiting();
        if (backlog > queue.capacity() / 4 && !archiver.catching_up() &&
            options_.compression_level != 0 && !options_.fast) {
            archiver.set_catching_up(true);
            counters_.catch_up_episodes.fetch_add(1, std::memory_order_relaxed);
            log("writer behind (" + std::to_string(backlog) +
                " batches waiting): compressing at level 1 until it catches up");
        }
        if (backlog != 0) queue_empty_since = wall_now();
        if (archiver.catching_up() && wall_now() - queue_empty_since > catch_up_hold_seconds) {
            archiver.set_catching_up(false);
            log("writer caught up: compressing at the configured level again");
        }
        if (hup_requested) {
            hup_requested = 0;
            log("SIGHUP");
            archiver.rotate(wall_now());
        }
        if (!pending) pending = queue.pop(std::chrono::milliseconds(200));
        if (pending) {
            if (archiver.accept(*pending, wall_now()))
                queue.release(std::move(pending));
            else
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        const double now = wall_now();
        archiver.tick(now);
        if (now - last_status >= 1.0) {
            follow_work_dir(now);
            const bool written =
                write_status_file(options_.status_file, counters_, archiver, startup);
            if (!written && status_file_ok)
                log("cannot write status file " + options_.status_file + ": " +
                    std::strerror(errno));
            status_file_ok = written;
            last_status = now;
        }
    }

    // Finish: everything received so far goes into the last file.
    stop_receiving = true;
    receiver.join();
    for (int attempts = 0; attempts < 50;) {
        if (!pending) pending = queue.pop(std::chrono::milliseconds(0));
        if (!pending) break;
        if (archiver.accept(*pending, wall_now())) {
            queue.release(std::move(pending));
        } else {
            ++attempts;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            archiver.tick(wall_now());
        }
    }
    if (pending) log("could not write the last flows before exit: the disk stays unwritable");
    const bool finished = archiver.shutdown(wall_now());
    write_status_file(options_.status_file, counters_, archiver, startup);
    pid_file.reset();
    log(signal_name(stop_signal));
    return finished ? 0 : 1;
}

}  // namespace capture
