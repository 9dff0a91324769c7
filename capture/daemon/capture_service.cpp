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
#include "decode/pdu_bytes.hpp"
#include "decode/pdu_decoder.hpp"
#include "decode/pdu_family.hpp"
#include "pid_file.hpp"
#include "receive/batch_queue.hpp"
#include "receive/drop_episode.hpp"
#include "receive/udp_receiver.hpp"
#include "start_checks.hpp"
#include "stat_schedule.hpp"
#include "status/status_file.hpp"

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
    // Only the receiving thread writes these; the status file reads them.
    void publish_template_stats() {
        const TemplateStats& t = decoder_.stats().template_pdus;
        if (t.datagrams == published_template_datagrams_) return;
        published_template_datagrams_ = t.datagrams;
        const auto set = [](std::atomic<std::uint64_t>& a, std::uint64_t v) {
            a.store(v, std::memory_order_relaxed);
        };
        set(counters_.template_datagrams, t.datagrams);
        set(counters_.templates, decoder_.templates().templates());
        set(counters_.templates_refused, t.refused_templates + t.malformed_templates);
        set(counters_.no_template_sets, t.no_template_sets);
        set(counters_.malformed_sets, t.malformed_sets);
        set(counters_.ipv6_flows, t.fit.ipv6_flows);
        set(counters_.unplaceable_time_flows, t.fit.unplaceable_time);
        set(counters_.oversized_flows, t.fit.oversized);
        set(counters_.no_address_flows, t.fit.no_address);
        set(counters_.untimed_flows, t.fit.untimed);
        set(counters_.split_flows, t.fit.split_flows);
        set(counters_.ifindex_clamped_flows, t.fit.ifindex_clamped);
        set(counters_.as_trans_flows, t.fit.as_trans);
    }

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
                counters_.queue_dropped_flows.fetch_add(pdu::announced_count(d.bytes),
                                                        std::memory_order_relaxed);
                drops_.dropped(std::chrono::steady_clock::now());
                return;
            }
            batch_started_ = std::chrono::steady_clock::now();
        }
        const Datagram datagram{.bytes = d.bytes,
                                .source_ip = d.source_ipv4,
                                .source_ipv6 = d.source_ipv6,
                                .source_port = d.source_port,
                                .local_ip = d.local_ipv4,
                                .local_port = rx_.port(),
                                .receive_time = now,
                                .truncated = d.truncated};
        const DecodeResult r = decoder_.decode(datagram, batch_->records, batch_->records6);
        batch_->counters.add(r.counters);
        if (r.accepted() && r.records + r.records6 > 0) {
            counters_.flows.fetch_add(r.records + r.records6, std::memory_order_relaxed);
            counters_.last_flow_time.store(now, std::memory_order_relaxed);
        }
        if (!r.accepted()) counters_.corrupt_packets.fetch_add(1, std::memory_order_relaxed);
        if (r.reason == RejectReason::exporter_limit) {
            counters_.exporter_limit_datagrams.fetch_add(1, std::memory_order_relaxed);
            counters_.exporter_limit_flows.fetch_add(pdu::announced_count(d.bytes),
                                                     std::memory_order_relaxed);
        }
        counters_.exporters.store(decoder_.exporters().size(), std::memory_order_relaxed);
        publish_template_stats();
        if (batch_->records.size() + batch_->records6.size() + max_records_per_pdu >
            queue_.records_per_batch())
            hand_over();
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
    std::uint64_t published_template_datagrams_ = 0;
    std::uint64_t kernel_drops_logged_ = 0;
    std::chrono::steady_clock::time_point kernel_drops_logged_at_{};
};

// What the status file shows now.
CaptureStatus status_now(const CaptureCounters& c, const Archiver& a, std::int64_t startup) {
    return {.pid = ::getpid(),
            .updated = std::time(nullptr),
            .started = startup,
            .last_datagram = c.last_datagram_time.load(),
            .last_flow = c.last_flow_time.load(),
            .current_file = a.current_file(),
            .datagrams = c.datagrams.load(),
            .flows = c.flows.load(),
            .corrupt_packets = c.corrupt_packets.load(),
            .queue_dropped_datagrams = c.queue_dropped_datagrams.load(),
            .queue_dropped_flows = c.queue_dropped_flows.load(),
            .kernel_drops = c.kernel_drops.load(),
            .files_finished = a.files_finished(),
            .ipv6_files_finished = a.ipv6_files_finished(),
            .index_files_written = a.index_files_written(),
            .index_failures = a.index_failures(),
            .client_ordered_files = a.files_client_ordered(),
            .client_order_failures = a.client_order_failures(),
            .write_errors = a.write_errors(),
            .catch_up_episodes = c.catch_up_episodes.load(),
            .exporters = c.exporters.load(),
            .exporter_limit_datagrams = c.exporter_limit_datagrams.load(),
            .exporter_limit_flows = c.exporter_limit_flows.load(),
            .flows_removed_with_open_file = a.flows_removed_with_open_file(),
            .renames_pending = a.renames_pending(),
            .template_datagrams = c.template_datagrams.load(),
            .templates = c.templates.load(),
            .templates_refused = c.templates_refused.load(),
            .no_template_sets = c.no_template_sets.load(),
            .malformed_sets = c.malformed_sets.load(),
            .ipv6_flows = c.ipv6_flows.load(),
            .unplaceable_time_flows = c.unplaceable_time_flows.load(),
            .oversized_flows = c.oversized_flows.load(),
            .no_address_flows = c.no_address_flows.load(),
            .untimed_flows = c.untimed_flows.load(),
            .split_flows = c.split_flows.load(),
            .ifindex_clamped_flows = c.ifindex_clamped_flows.load(),
            .as_trans_flows = c.as_trans_flows.load(),
            .disk_blocked = a.blocked(),
            .last_error = a.last_error()};
}

// Written beside and renamed over, so a reader never sees half a file.
// Returns false when the file could not be written.
bool write_status_file(const std::string& path, const CaptureStatus& status) {
    const std::string staging = path + ".new";
    {
        std::ofstream out(staging, std::ios::trunc);
        out << render_capture_status(status);
        out.close();
        if (!out) return false;
    }
    // Monitoring reads it as another user: readable whatever the umask.
    ::chmod(staging.c_str(), 0644);
    return std::rename(staging.c_str(), path.c_str()) == 0;
}

// A path given relative is relative to where flow-capture was started.
std::string anchored_to_start_dir(const std::string& path) {
    if (path.empty() || path.front() == '/') return path;
    char cwd[4096];
    if (!::getcwd(cwd, sizeof cwd)) return path;
    return std::string(cwd) + "/" + path;
}

ArchiverSettings archiver_settings(const CaptureOptions& o) {
    ArchiverSettings settings;
    settings.work_dir = ".";
    settings.nesting = o.nesting;
    settings.export_version = o.export_version;
    settings.byte_order = o.byte_order;
    settings.compression_level = o.compression_level;
    if (o.fast && o.compression_level != 0)
        settings.engine = flowfile::CompressionEngine::igzip;  // main checked it is built in
    settings.comment = o.comment;
    settings.hostname = local_hostname();
    settings.rotations = o.rotations;
    settings.flush_interval = o.flush_interval;
    settings.expiry = {.max_files = o.expire_count, .max_bytes = o.expire_size};
    settings.expiry_dry_run = o.debug_level != 0;
    settings.post_rotate_program = o.post_rotate_program.value_or("");
    settings.index_block_records = o.index_block;
    settings.client_networks = o.client_networks;
    return settings;
}

// Returns why the port cannot be had, empty when `rx` holds the socket.
std::string bind_socket(const CaptureOptions& o, std::optional<UdpReceiver>& rx,
                        const LogSink& log) {
    try {
        rx.emplace(o.listen.bind_address().str(), o.listen.port, o.receive_buffer);
    } catch (const std::system_error& e) {
        return e.what();
    }
    log("setsockopt(size=" + std::to_string(o.receive_buffer) + ")");
    // Linux reports twice the usable size; less than asked means rmem_max capped it.
    if (rx->buffer_bytes() / 2 < o.receive_buffer)
        log("receive buffer capped at " + std::to_string(rx->buffer_bytes() / 2) +
            " bytes by net.core.rmem_max; raise it to avoid kernel drops under load");
    return {};
}

// After the bind: a second capture on the same port stops there, before it
// could touch the files of the running one.  Returns why not, or empty.
std::string claim_pid_file(const CaptureOptions& o, std::uint16_t port,
                           std::optional<PidFile>& pid_file) {
    if (o.foreground || !o.pid_file) return {};
    try {
        pid_file.emplace(*o.pid_file, port);
    } catch (const std::system_error& e) {
        return e.what();
    }
    return {};
}

// Everything that needed root is done: from here on, the files are written
// as --user.  Returns why not, or empty.
std::string become_user(const std::optional<UserSwitch>& user, const LogSink& log) {
    if (!user) return {};
    try {
        switch_user(*user);
    } catch (const PrivilegeError& e) {
        return e.what();
    }
    log("running as user " + user->name + " (uid " + std::to_string(user->uid) + ", gid " +
        std::to_string(user->gid) + ")");
    return {};
}

DecoderSettings decoder_settings(const CaptureOptions& o) {
    DecoderSettings settings;
    settings.stored_version = o.export_version;
    settings.templates.lifetime_seconds = o.template_lifetime;
    if (const auto exporter = o.listen.required_exporter()) settings.remote_ip = exporter->ipv4();
    return settings;
}

// The writing side: takes batches off the queue into the archiver until a
// stop signal, and once a second follows the work directory and rewrites
// the status file.
class WritingLoop {
  public:
    WritingLoop(const CaptureOptions& options, Archiver& archiver, BatchQueue& queue,
                CaptureCounters& counters, std::string work_dir_path, std::int64_t startup,
                LogSink log)
        : options_(options),
          archiver_(archiver),
          queue_(queue),
          counters_(counters),
          work_dir_path_(std::move(work_dir_path)),
          startup_(startup),
          log_(std::move(log)) {}

    // Until SIGTERM, SIGQUIT or SIGINT.
    void run() {
        while (stop_signal == 0) {
            follow_backlog();
            rotate_on_hup();
            write_next_batch();
            const double now = wall_now();
            archiver_.tick(now);
            if (now - last_status_ >= 1.0) {
                follow_work_dir(now);
                publish_status();
                last_status_ = now;
            }
        }
    }

    // Once the receiving thread has ended: everything received so far goes
    // into the last file.  Returns whether the archiver finished cleanly.
    bool finish() {
        write_what_is_left();
        const bool finished = archiver_.shutdown(wall_now());
        rewrite_status_file();
        return finished;
    }

  private:
    // Falling behind: trade some file size for speed rather than drop
    // flows; back to -z once the queue has stayed empty for a while.
    void follow_backlog() {
        const std::size_t backlog = queue_.waiting();
        if (backlog > queue_.capacity() / 4 && !archiver_.catching_up() &&
            options_.compression_level != 0 && !options_.fast) {
            archiver_.set_catching_up(true);
            counters_.catch_up_episodes.fetch_add(1, std::memory_order_relaxed);
            log_("writer behind (" + std::to_string(backlog) +
                 " batches waiting): compressing at level 1 until it catches up");
        }
        if (backlog != 0) queue_empty_since_ = wall_now();
        if (archiver_.catching_up() && wall_now() - queue_empty_since_ > catch_up_hold_seconds) {
            archiver_.set_catching_up(false);
            log_("writer caught up: compressing at the configured level again");
        }
    }

    void rotate_on_hup() {
        if (!hup_requested) return;
        hup_requested = 0;
        log_("SIGHUP");
        archiver_.rotate(wall_now());
    }

    // A batch the archiver cannot take (disk blocked) stays pending and is
    // offered again.
    void write_next_batch() {
        if (!pending_) pending_ = queue_.pop(std::chrono::milliseconds(200));
        if (!pending_) return;
        if (archiver_.accept(*pending_, wall_now()))
            queue_.release(std::move(pending_));
        else
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }

    // What the queue still holds, with a few seconds for a blocked disk to
    // come back.
    void write_what_is_left() {
        for (int attempts = 0; attempts < 50;) {
            if (!pending_) pending_ = queue_.pop(std::chrono::milliseconds(0));
            if (!pending_) break;
            if (archiver_.accept(*pending_, wall_now())) {
                queue_.release(std::move(pending_));
            } else {
                ++attempts;
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
                archiver_.tick(wall_now());
            }
        }
        if (pending_) log_("could not write the last flows before exit: the disk stays unwritable");
    }

    // Is "." still the work directory?  Removed: say so once and let the
    // archiver retry (it holds the flows, then the queue drops and counts);
    // back or replaced by a new one: move into it.
    void follow_work_dir(double now) {
        struct stat here {
        }, there{};
        const bool here_alive = ::stat(".", &here) == 0 && here.st_nlink > 0;
        const bool there_exists =
            ::stat(work_dir_path_.c_str(), &there) == 0 && S_ISDIR(there.st_mode);
        if (here_alive && there_exists && here.st_dev == there.st_dev &&
            here.st_ino == there.st_ino)
            return;
        if (!there_exists) {
            if (!work_dir_gone_)
                log_("work directory " + work_dir_path_ +
                     " is gone: holding flows until it is created again");
            work_dir_gone_ = true;
            return;
        }
        // A new directory under the name: finish the open file where it is
        // (when the old directory still exists), then write into the new one.
        if (here_alive) archiver_.rotate(now);
        if (::chdir(work_dir_path_.c_str()) != 0) {
            if (!work_dir_gone_)
                log_("chdir(" + work_dir_path_ + "): " + std::strerror(errno) + "; retrying");
            work_dir_gone_ = true;
            return;
        }
        log_("work directory " + work_dir_path_ + (work_dir_gone_ ? " is back" : " was replaced") +
             ": writing into it");
        work_dir_gone_ = false;
        archiver_.start_expiry();
    }

    // Says so once when the status file cannot be written, not every second.
    void publish_status() {
        const bool written = rewrite_status_file();
        if (!written && status_file_ok_)
            log_("cannot write status file " + options_.status_file + ": " + std::strerror(errno));
        status_file_ok_ = written;
    }

    // True without --status-file.
    bool rewrite_status_file() {
        if (options_.status_file.empty()) return true;
        return write_status_file(options_.status_file, status_now(counters_, archiver_, startup_));
    }

    const CaptureOptions& options_;
    Archiver& archiver_;
    BatchQueue& queue_;
    CaptureCounters& counters_;
    const std::string work_dir_path_;
    const std::int64_t startup_;
    const LogSink log_;
    std::unique_ptr<FlowBatch> pending_;
    double last_status_ = 0;
    bool status_file_ok_ = true;
    double queue_empty_since_ = wall_now();
    bool work_dir_gone_ = false;
};

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

    options_.status_file = anchored_to_start_dir(options_.status_file);
    // Where the work directory is, to find it again if it is removed and
    // created anew (or replaced) while we run inside it.
    std::string work_dir_path = anchored_to_start_dir(options_.work_dir);
    if (::chdir(options_.work_dir.c_str()) != 0)
        return start_failed("chdir(" + options_.work_dir + "): " + std::strerror(errno));
    Archiver archiver(archiver_settings(options_), log);
    std::optional<UdpReceiver> rx;
    if (const std::string problem = bind_socket(options_, rx, log); !problem.empty())
        return start_failed(problem);
    std::optional<PidFile> pid_file;
    if (const std::string problem = claim_pid_file(options_, rx->port(), pid_file);
        !problem.empty())
        return start_failed(problem);
    if (const std::string problem = become_user(user_, log); !problem.empty())
        return start_failed(problem);
    // main checked it before the start; checked again as the user the files
    // are written as, in case it changed in between.
    if (const std::string problem = work_dir_problem(
            ".", options_.work_dir, user_ ? " by --user " + user_->name : std::string());
        !problem.empty())
        return start_failed(problem);
    if (report_) report_->ready();
    std::uint64_t recovered_indexes = 0;
    std::uint64_t recovered_index_failures = 0;
    for (const RecoveredFile& r : recover_leftovers(
             ".", options_.nesting, log, options_.index_block, options_.client_networks)) {
        if (!r.recovered || options_.index_block == 0) continue;
        ++(r.index_problem.empty() ? recovered_indexes : recovered_index_failures);
    }
    archiver.count_recovered_indexes(recovered_indexes, recovered_index_failures);
    // Expiry scans after recovery, so it lists the recovered ft- files.
    archiver.start_expiry();

    BatchQueue queue(queue_batches, records_per_batch);
    std::atomic<bool> stop_receiving{false};
    ReceivingThread receiving(*rx, queue, decoder_settings(options_), options_.stat_interval,
                              startup, log, counters_);
    std::thread receiver([&] { receiving.run(stop_receiving); });
    WritingLoop writing(options_, archiver, queue, counters_, std::move(work_dir_path), startup,
                        log);
    writing.run();

    stop_receiving = true;
    receiver.join();
    const bool finished = writing.finish();
    pid_file.reset();
    log(signal_name(stop_signal));
    return finished ? 0 : 1;
}

}  // namespace capture
