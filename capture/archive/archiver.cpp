#include "archiver.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <exception>
#include <system_error>

#include "flowfile/block_index.hpp"
#include "flowfile/error.hpp"
#include "rotation_schedule.hpp"

extern char** environ;

namespace capture {

namespace {

std::uint32_t whole_seconds(WallTime t) {
    return static_cast<std::uint32_t>(std::floor(t));
}

}  // namespace

Archiver::Archiver(ArchiverSettings settings, LogFn log)
    : settings_(std::move(settings)), log_(std::move(log)), version_(settings_.export_version) {
    flowfile::check_nesting_level(settings_.nesting);
    if (!settings_.client_networks.empty())
        client_order_ = std::make_unique<ClientOrderWorker>(settings_.client_networks);
}

Archiver::~Archiver() = default;

bool Archiver::accept(const FlowBatch& batch, WallTime now) {
    if (version_ == 0 && batch.export_version == 0) {
        // Rejected datagrams before any valid one: they count into the first file.
        counters_.add(batch.counters);
        return true;
    }
    if (version_ == 0) version_ = batch.export_version;
    if (!period_open() && !open_file(now)) return false;
    // Blocked (disk full): the writers already hold what they could not
    // write; taking more would grow memory without bound and hide the loss.
    // The caller keeps the batch, the queue fills, the receiver counts its
    // drops; tick() retries.  After a failed close a writer takes no records
    // at all.
    if (blocked_ || !v5_.is_open()) return false;
    // Every file the batch goes to exists before any of it is written, so
    // that the batch is either written whole or kept whole by the caller.
    if (!batch.records6.empty() && !ip6_.is_open() && !open_ipv6_file()) return false;

    counters_.add(batch.counters);
    // Each writer keeps what it was handed even when writing it failed, so
    // the IPv6 flows go to their writer also after the other one failed.
    write_series(v5_, std::span<const flowfile::Record>(batch.records));
    if (!batch.records6.empty())
        write_series(ip6_, std::span<const flowfile::Record6>(batch.records6));
    return true;
}

template <typename R>
void Archiver::write_series(SeriesFile& file, std::span<const R> records) {
    try {
        file.write(records);
    } catch (const flowfile::Error& e) {
        hold(e);
    }
}

void Archiver::hold(const flowfile::Error& e) {
    // The writer keeps what it accepted; stop taking more until it drains.
    note_error(e.what());
    if (!blocked_) log_(std::string(e.what()) + "; holding data until it can be written");
    blocked_ = true;
}

bool Archiver::flush_open_files() {
    bool flushed = true;
    for (SeriesFile* file : {&v5_, &ip6_}) {
        if (!file->is_open()) continue;
        try {
            file->writer().flush();
        } catch (const flowfile::Error& e) {
            if (!blocked_) hold(e);
            flushed = false;
        }
    }
    return flushed;
}

void Archiver::tick(WallTime now) {
    reap_children();
    if (client_order_) collect_client_order(now);
    if (!pending_renames_.empty()) retry_renames(now);
    // The flows a removed file held went with it; new ones go to a new file
    // as soon as one can be created (next second at the earliest).
    check_open_files_still_there(now);
    if (period_open() && blocked_) {
        if (!flush_open_files()) return;  // still blocked; logged when it started
        // Past the rotation the waiting IPv6 flows belong to the next period:
        // an IPv6 file created now would be closed empty.
        if (ip6_wanted_ && !ip6_.is_open() && now <= next_rotation_ && !open_ipv6_file()) return;
        ip6_wanted_ = false;
        blocked_ = false;
        log_("writing " + (v5_.is_open() ? v5_.relative() : ip6_.relative()) + " again");
    }
    if (period_open() && now > next_rotation_) close_file(now);
    if (!period_open() && version_ != 0) open_file(now);
    if (period_open() && !blocked_ &&
        now - last_flush_ >= settings_.flush_interval.count() / 1000.0) {
        flush_open_files();
        last_flush_ = now;
    }
}

void Archiver::check_open_files_still_there(WallTime now) {
    bool removed = false;
    for (SeriesFile* file : {&v5_, &ip6_}) {
        if (!file->is_open() || file->still_there(settings_.work_dir)) continue;
        const std::string relative = file->relative();
        const std::uint64_t lost = file->abandon();
        flows_removed_ += lost;
        const std::string message = relative + " was removed while open: " + std::to_string(lost) +
                                    " flows written to it went with it; new flows go to a new file";
        note_error(message);
        log_(message);
        removed = true;
    }
    if (removed && period_open()) close_file(now);
}

void Archiver::retry_renames(WallTime now) {
    if (now - last_rename_retry_ < 1.0) return;
    last_rename_retry_ = now;
    std::vector<PendingRename> still;
    for (auto& p : pending_renames_) {
        const std::filesystem::path from = settings_.work_dir / p.file.tmp_relative;
        std::error_code ec;
        std::filesystem::rename(from, settings_.work_dir / p.file.final_relative, ec);
        if (!ec) {
            log_("renamed " + p.file.tmp_relative + " to " + p.file.final_relative);
            file_done(p.file, p.final_close);
        } else if (ec == std::errc::no_such_file_or_directory) {
            log_(p.file.tmp_relative + " vanished before it could be renamed");
        } else {
            still.push_back(std::move(p));
        }
    }
    pending_renames_ = std::move(still);
}

void Archiver::set_catching_up(bool on) {
    catching_up_ = on;
    // igzip is already the cheap engine: nothing to switch.
    if (settings_.compression_level == 0 || settings_.engine == flowfile::CompressionEngine::igzip)
        return;
    for (SeriesFile* file : {&v5_, &ip6_}) {
        if (!file->is_open()) continue;
        try {
            file->writer().set_compression_level(arrival_level());
        } catch (const flowfile::Error& e) {
            log_(e.what());
        }
    }
}

std::size_t Archiver::expected_flush_points() const {
    const std::int64_t period_ms = std::int64_t{86400} * 1000 / (settings_.rotations + 1);
    const std::int64_t interval_ms = settings_.flush_interval.count();
    // A point at each flush, one at the end, one spare for a late rotation.
    return interval_ms > 0 ? static_cast<std::size_t>(period_ms / interval_ms + 2) : 1;
}

int Archiver::level_for_now() const {
    if (settings_.engine == flowfile::CompressionEngine::igzip) return -1;
    const int configured = settings_.compression_level < 0 ? 6 : settings_.compression_level;
    return catching_up_ ? 1 : configured;
}

int Archiver::arrival_level() const {
    // A file that is written again in client order is compressed at its
    // level there: its first writing only has to be safe on disk, and level
    // 1 costs about a third of level 6.
    if (client_order_ && settings_.engine == flowfile::CompressionEngine::zlib) return 1;
    return level_for_now();
}

void Archiver::note_error(const std::string& message) {
    ++write_errors_;
    last_error_ = message;
}

void Archiver::rotate(WallTime now) {
    if (period_open()) close_file(now);
}

bool Archiver::shutdown(WallTime now) {
    if (!pending_renames_.empty()) {
        last_rename_retry_ = 0;
        retry_renames(now);
    }
    const bool finished = !period_open() || close_file(now, true);
    if (client_order_) {
        client_order_->wait_idle();
        collect_client_order(now);
    }
    return finished;
}

flowfile::WriterOptions Archiver::writer_options() const {
    return {.compression_level = settings_.compression_level == 0 ? 0 : arrival_level(),
            .flush_interval = settings_.flush_interval,
            .sync_on_flush = true,
            .exclusive_lock = true,
            .engine = settings_.engine,
            .checksum_blocks = expected_flush_points(),
            .block_records = settings_.index_block_records};
}

bool Archiver::open_file(WallTime now) {
    const std::uint32_t created = whole_seconds(now);
    if (created == last_created_) {
        // flow-tools would reuse the name and the rename at close would replace
        // the earlier file; we wait for the next second instead (the caller
        // keeps the flows meanwhile).
        return false;
    }
    const flowfile::FileName name = flowfile::file_name_at(created, version_);
    try {
        flowfile::Header header = flowfile::Header::for_capture(
            version_, created, settings_.hostname, settings_.compression_level != 0,
            settings_.comment, settings_.byte_order);
        header.lost_flows = counters_.lost_flows;
        header.corrupt_packets = counters_.corrupt_packets;
        header.seq_resets = counters_.seq_resets;
        v5_.create(settings_.work_dir, settings_.nesting, name, header, writer_options());
    } catch (const flowfile::Error& e) {
        note_error(e.what());
        if (!blocked_) log_(std::string(e.what()) + "; retrying");
        blocked_ = true;
        return false;
    }
    if (blocked_) {
        blocked_ = false;
        log_("writing " + v5_.relative() + " again");
    }
    last_created_ = created;
    last_flush_ = now;
    next_rotation_ = next_rotation_time(settings_.rotations, now);
    return true;
}

bool Archiver::open_ipv6_file() {
    // Same creation instant as the flow-tools file of the period, so both
    // carry one date-time in their names and one capture start: a reader
    // pairs them by name, and they rotate together.
    flowfile::FileName name = v5_.name();
    name.export_version = flowfile::ipv6_export_version;
    name.agg_method.reset();
    const auto created = static_cast<std::uint32_t>(name.creation_time());
    try {
        // The datagram counters (lost, corrupt, sequence resets) are left at
        // zero here: they describe datagrams, which carry flows of both
        // families, and each is counted once, in the flow-tools file.
        const flowfile::Header header = flowfile::Header::for_capture(
            flowfile::ipv6_export_version, created, settings_.hostname,
            settings_.compression_level != 0, settings_.comment, settings_.byte_order);
        ip6_.create(settings_.work_dir, settings_.nesting, name, header, writer_options());
    } catch (const flowfile::Error& e) {
        note_error(e.what());
        if (!blocked_) log_(std::string(e.what()) + "; retrying");
        blocked_ = true;
        ip6_wanted_ = true;
        return false;
    }
    ip6_wanted_ = false;
    return true;
}

bool Archiver::close_file(WallTime now, bool final_close) {
    // Each series' file is finished on its own: one that fails stays open
    // and is finished again once it drains, the other is done.
    bool all_finished = true;
    for (SeriesFile* file : {&v5_, &ip6_}) {
        if (!file->is_open()) continue;
        const bool flow_tools_file = file == &v5_;
        FinishedFile finished;
        // The IPv6 file's datagram counters stay zero (open_ipv6_file).
        const flowfile::CloseCounters counters =
            flow_tools_file ? flowfile::CloseCounters{.cap_end = whole_seconds(now),
                                                      .lost_flows = counters_.lost_flows,
                                                      .corrupt_packets = counters_.corrupt_packets,
                                                      .seq_resets = counters_.seq_resets}
                            : flowfile::CloseCounters{.cap_end = whole_seconds(now)};
        try {
            finished = file->finish(counters, settings_.nesting);
        } catch (const flowfile::Error& e) {
            hold(e);
            // The zlib stream may already be ended: the file takes no more
            // records, so tick() must finish it as soon as it drains, also
            // when the close was a SIGHUP and not the rotation time.
            next_rotation_ = std::min(next_rotation_, now);
            all_finished = false;
            continue;
        }
        ++files_finished_;
        if (finished.ipv6_series) ++ipv6_files_finished_;
        if (flow_tools_file) counters_ = {};
        if (client_order_) {
            // Compressed at the configured level, or at level 1 while
            // catching up.
            flowfile::WriterOptions options = writer_options();
            if (options.compression_level != 0) options.compression_level = level_for_now();
            ClientOrderWorker::Job job{.path = settings_.work_dir / finished.tmp_relative,
                                       .options = options,
                                       .counters = counters,
                                       .file = finished,
                                       .final_close = final_close};
            if (client_order_->submit(std::move(job))) continue;
            finished.client_order_problem =
                "the files before it were still being ordered: the client order needs more than "
                "one core at this rate";
            note_client_order(finished);
        }
        rename_finished(finished, now, final_close);
    }
    // IPv6 flows that waited for a file of the closed period go to the next.
    if (!period_open()) ip6_wanted_ = false;
    return all_finished;
}

void Archiver::note_client_order(const FinishedFile& file) {
    if (file.client_ordered) ++files_client_ordered_;
    if (file.client_order_problem.empty()) return;
    ++client_order_failures_;
    log_(file.tmp_relative + ": left in arrival order (" + file.client_order_problem +
         "); every flow is in it, a client's questions read more of it");
}

void Archiver::collect_client_order(WallTime now) {
    for (ClientOrderWorker::Done& done : client_order_->take_done()) {
        FinishedFile file = std::move(done.job.file);
        if (done.ordered) {
            // The index of the arrival order describes another file now.
            file.size = done.ordered->size;
            file.index = std::move(done.ordered->index);
            file.index_problem = std::move(done.ordered->index_problem);
            file.client_ordered = true;
        } else {
            file.client_order_problem = std::move(done.problem);
        }
        note_client_order(file);
        rename_finished(file, now, done.job.final_close);
    }
}

void Archiver::rename_finished(const FinishedFile& file, WallTime now, bool final_close) {
    const std::filesystem::path tmp_path = settings_.work_dir / file.tmp_relative;
    std::error_code ec;
    std::filesystem::rename(tmp_path, settings_.work_dir / file.final_relative, ec);
    if (ec) {
        // The data is complete in the tmp- file (readers and recovery accept
        // it); the rename is retried every second until it succeeds.
        const std::string message = "rename(" + tmp_path.string() + "): " + ec.message() +
                                    "; the finished file keeps its tmp- name until it can be "
                                    "renamed (retrying)";
        log_(message);
        note_error(message);
        pending_renames_.push_back({file, final_close});
        if (pending_renames_.size() == 1) last_rename_retry_ = now;
        return;
    }
    file_done(file, final_close);
}

void Archiver::file_done(const FinishedFile& file, bool final_close) {
    // Relative to the work directory when the daemon runs inside it, as
    // flow-capture logs the files it closed; full paths otherwise.
    const std::string expiry_path = settings_.work_dir == "."
                                        ? file.final_relative
                                        : (settings_.work_dir / file.final_relative).string();
    // Before the -R program, which may read it, and before expiry, which
    // removes it with its file and counts it against -E as the start-up
    // scan does.
    const std::uint64_t index_size = write_index(file);
    if (expiry_scanned_)
        expiry_list_.push_back({.path = expiry_path,
                                .size = file.size + index_size,
                                .capture_start = file.capture_start});
    // flow-capture never expires at exit: the files of the last run stay.
    if (!final_close) run_expiry();
    if (!settings_.post_rotate_program.empty()) run_post_rotate(file.final_relative);
}

std::uint64_t Archiver::write_index(const FinishedFile& file) {
    if (file.index.empty() && file.index_problem.empty()) return 0;  // indexing is off
    std::string problem = file.index_problem;
    if (problem.empty()) {
        try {
            flowfile::write_index_file(settings_.work_dir / file.final_relative, file.index);
            ++index_files_written_;
            return file.index.size();
        } catch (const std::exception& e) {
            problem = e.what();
        }
    }
    ++index_failures_;
    log_(file.final_relative + ": no index written (" + problem +
         "); the file is complete, flow-index can build its index later");
    return 0;
}

void Archiver::start_expiry() {
    if (settings_.expiry.max_files == 0 && settings_.expiry.max_bytes == 0) return;
    const flowfile::ExpiryScan scan = flowfile::scan_for_expiry(settings_.work_dir.string());
    for (const auto& issue : scan.issues) {
        switch (issue.kind) {
            case flowfile::ExpiryIssueKind::ignored_name:
                log_("ignoring: " + issue.path);
                break;
            case flowfile::ExpiryIssueKind::bad_header:
                log_("ftiheader_read(" + issue.path + "): Failed, ignoring file.");
                break;
            default:
                log_("expiry: " + issue.path + ": " + issue.detail);
                break;
        }
    }
    expiry_list_ = scan.entries;
    expiry_scanned_ = true;
    run_expiry();
}

void Archiver::run_expiry() {
    if (!expiry_scanned_) return;
    // Both series count against -E.
    const std::uint64_t open_bytes = v5_.bytes_written() + ip6_.bytes_written();
    const flowfile::ExpiryPlan plan =
        flowfile::plan_expiry(expiry_list_, settings_.expiry, open_bytes);
    if (plan.removals.empty()) return;
    if (settings_.expiry_dry_run) {
        // flow-tools logged a dry run in the words of a real removal.  Nothing
        // is removed, so the same oldest files head every plan: each is
        // reported once.
        for (std::size_t i = dry_run_reported_; i < plan.removals.size(); ++i)
            log_("would remove/" + std::to_string(static_cast<int>(plan.removals[i].rule)) + " " +
                 plan.removals[i].entry.path + " (dry run with -d: not removed)");
        dry_run_reported_ = std::max(dry_run_reported_, plan.removals.size());
        return;
    }
    for (const auto& removal : plan.removals)
        log_("remove/" + std::to_string(static_cast<int>(removal.rule)) + " " + removal.entry.path);
    for (const auto& outcome : flowfile::execute_expiry(plan, settings_.work_dir.string()))
        if (!outcome.removed()) log_("unlink(" + outcome.path + "): " + outcome.message);
    expiry_list_.erase(expiry_list_.begin(),
                       expiry_list_.begin() + static_cast<std::ptrdiff_t>(plan.removals.size()));
}

void Archiver::run_post_rotate(const std::string& relative_path) {
    // No shell, exactly one argument, like flow-capture's execl().
    std::string program = settings_.post_rotate_program;
    std::string argument = relative_path;
    char* argv[] = {program.data(), argument.data(), nullptr};
    pid_t pid = 0;
    const int rc = ::posix_spawn(&pid, program.c_str(), nullptr, nullptr, argv, environ);
    if (rc != 0) log_("exec(" + program + "): " + std::strerror(rc));
}

void Archiver::reap_children() {
    int status = 0;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
        if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
            log_("Child " + std::to_string(pid) +
                 " exit_status=" + std::to_string(WEXITSTATUS(status)));
        else if (WIFSIGNALED(status))
            log_("Child " + std::to_string(pid) + " signal=" + std::to_string(WTERMSIG(status)));
    }
}

}  // namespace capture
