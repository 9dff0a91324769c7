#include "archiver.hpp"

#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <system_error>

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
}

Archiver::~Archiver() = default;

bool Archiver::accept(const FlowBatch& batch, WallTime now) {
    if (version_ == 0 && batch.export_version == 0) {
        // Rejected datagrams before any valid one: they count into the first file.
        counters_.add(batch.counters);
        return true;
    }
    if (version_ == 0) version_ = batch.export_version;
    if (!writer_ && !open_file(now)) return false;
    // Blocked (disk full): the writer already holds what it could not write;
    // taking more would grow memory without bound and hide the loss.  The
    // caller keeps the batch, the queue fills, the receiver counts its drops;
    // tick() retries.  After a failed close the writer takes no records at all.
    if (blocked_) return false;

    counters_.add(batch.counters);
    try {
        writer_->write(batch.records);
        if (blocked_) {
            blocked_ = false;
            log_("writing " + current_relative_ + " again");
        }
    } catch (const flowfile::Error& e) {
        // The writer keeps what it accepted; stop taking more until it drains.
        note_error(e.what());
        if (!blocked_) log_(std::string(e.what()) + "; holding data until it can be written");
        blocked_ = true;
    }
    return true;
}

void Archiver::tick(WallTime now) {
    reap_children();
    if (!pending_renames_.empty()) retry_renames(now);
    if (writer_ && !open_file_still_there()) {
        // The flows it held went with it; new ones go to a new file as soon
        // as one can be created (next second at the earliest).
    }
    if (writer_ && blocked_) {
        try {
            writer_->flush();
            blocked_ = false;
            log_("writing " + current_relative_ + " again");
        } catch (const flowfile::Error&) {
            return;  // still blocked; logged when it started
        }
    }
    if (writer_ && now > next_rotation_) close_file(now);
    if (!writer_ && version_ != 0) open_file(now);
    if (writer_ && !blocked_ && now - last_flush_ >= settings_.flush_interval.count() / 1000.0) {
        try {
            writer_->flush();
        } catch (const flowfile::Error& e) {
            note_error(e.what());
            log_(std::string(e.what()) + "; holding data until it can be written");
            blocked_ = true;
        }
        last_flush_ = now;
    }
}

bool Archiver::open_file_still_there() {
    struct stat st {};
    const std::filesystem::path path = settings_.work_dir / current_relative_;
    if (::lstat(path.c_str(), &st) == 0) {
        if (static_cast<std::uint64_t>(st.st_dev) == open_dev_ &&
            static_cast<std::uint64_t>(st.st_ino) == open_ino_)
            return true;
    } else if (errno != ENOENT && errno != ENOTDIR) {
        return true;  // cannot tell (e.g. EACCES): keep writing
    }
    const std::uint64_t lost = writer_->records_written();
    flows_removed_ += lost;
    const std::string message = current_relative_ +
                                " was removed while open: " + std::to_string(lost) +
                                " flows written to it went with it; new flows go to a new file";
    note_error(message);
    log_(message);
    writer_.reset();  // flushes into the removed file and lets go of it
    current_relative_.clear();
    return false;
}

void Archiver::retry_renames(WallTime now) {
    if (now - last_rename_retry_ < 1.0) return;
    last_rename_retry_ = now;
    std::vector<PendingRename> still;
    for (auto& p : pending_renames_) {
        const std::filesystem::path from = settings_.work_dir / p.tmp_relative;
        std::error_code ec;
        std::filesystem::rename(from, settings_.work_dir / p.final_relative, ec);
        if (!ec) {
            log_("renamed " + p.tmp_relative + " to " + p.final_relative);
            file_done(p.final_relative, p.size, p.capture_start, p.final_close);
        } else if (ec == std::errc::no_such_file_or_directory) {
            log_(p.tmp_relative + " vanished before it could be renamed");
        } else {
            still.push_back(std::move(p));
        }
    }
    pending_renames_ = std::move(still);
}

void Archiver::set_catching_up(bool on) {
    catching_up_ = on;
    // igzip is already the cheap engine: nothing to switch.
    if (!writer_ || settings_.compression_level == 0 ||
        settings_.engine == flowfile::CompressionEngine::igzip)
        return;
    try {
        writer_->set_compression_level(level_for_now());
    } catch (const flowfile::Error& e) {
        log_(e.what());
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

void Archiver::note_error(const std::string& message) {
    ++write_errors_;
    last_error_ = message;
}

void Archiver::rotate(WallTime now) {
    if (writer_) close_file(now);
}

bool Archiver::shutdown(WallTime now) {
    if (!pending_renames_.empty()) {
        last_rename_retry_ = 0;
        retry_renames(now);
    }
    if (!writer_) return true;
    return close_file(now, true);
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
    const std::string relative = flowfile::nest_path(name, settings_.nesting);
    const std::filesystem::path path = settings_.work_dir / relative;
    std::error_code exists_ec;
    const bool existed = std::filesystem::exists(path, exists_ec);
    try {
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec)
            throw flowfile::Error(path.parent_path().string() +
                                  ": cannot create directory: " + ec.message());
        flowfile::Header header = flowfile::Header::for_capture(
            version_, created, settings_.hostname, settings_.compression_level != 0,
            settings_.comment, settings_.byte_order);
        header.lost_flows = counters_.lost_flows;
        header.corrupt_packets = counters_.corrupt_packets;
        header.seq_resets = counters_.seq_resets;
        writer_ = flowfile::Writer::create(
            path, header,
            {.compression_level = settings_.compression_level == 0 ? 0 : level_for_now(),
             .flush_interval = settings_.flush_interval,
             .sync_on_flush = true,
             .exclusive_lock = true,
             .engine = settings_.engine,
             .checksum_blocks = expected_flush_points()});
    } catch (const flowfile::Error& e) {
        // A file this attempt created but could not write the header into
        // (disk full) is empty or cut, unreadable; the retry in the next
        // second takes another name, so it would stay behind, one a second.
        // A file that existed (e.g. locked by another capture) is not ours.
        if (!existed) std::filesystem::remove(path, exists_ec);
        note_error(e.what());
        if (!blocked_) log_(std::string(e.what()) + "; retrying");
        blocked_ = true;
        return false;
    }
    if (blocked_) {
        blocked_ = false;
        log_("writing " + relative + " again");
    }
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        open_dev_ = static_cast<std::uint64_t>(st.st_dev);
        open_ino_ = static_cast<std::uint64_t>(st.st_ino);
    }
    current_name_ = name;
    current_relative_ = relative;
    last_created_ = created;
    last_flush_ = now;
    next_rotation_ = next_rotation_time(settings_.rotations, now);
    return true;
}

bool Archiver::close_file(WallTime now, bool final_close) {
    try {
        writer_->finish({.cap_end = whole_seconds(now),
                         .lost_flows = counters_.lost_flows,
                         .corrupt_packets = counters_.corrupt_packets,
                         .seq_resets = counters_.seq_resets});
    } catch (const flowfile::Error& e) {
        note_error(e.what());
        if (!blocked_) log_(std::string(e.what()) + "; holding data until it can be written");
        blocked_ = true;
        // The zlib stream may already be ended: the file takes no more
        // records, so tick() must finish it as soon as it drains, also when
        // the close was a SIGHUP and not the rotation time.
        next_rotation_ = std::min(next_rotation_, now);
        return false;
    }
    const std::uint64_t size = writer_->bytes_written();
    writer_.reset();

    const std::filesystem::path tmp_path = settings_.work_dir / current_relative_;
    const std::string final_relative =
        flowfile::nest_path(current_name_.closed(), settings_.nesting);
    const auto capture_start = static_cast<std::uint32_t>(current_name_.creation_time());
    std::error_code ec;
    std::filesystem::rename(tmp_path, settings_.work_dir / final_relative, ec);
    ++files_finished_;
    counters_ = {};
    const std::string tmp_relative = current_relative_;
    current_relative_.clear();
    if (ec) {
        // The data is complete in the tmp- file (readers and recovery accept
        // it); the rename is retried every second until it succeeds.
        const std::string message = "rename(" + tmp_path.string() + "): " + ec.message() +
                                    "; the finished file keeps its tmp- name until it can be "
                                    "renamed (retrying)";
        log_(message);
        note_error(message);
        pending_renames_.push_back(
            {tmp_relative, final_relative, size, capture_start, final_close});
        if (pending_renames_.size() == 1) last_rename_retry_ = now;
        return true;
    }
    file_done(final_relative, size, capture_start, final_close);
    return true;
}

void Archiver::file_done(const std::string& final_relative, std::uint64_t size,
                         std::uint32_t capture_start, bool final_close) {
    // Relative to the work directory when the daemon runs inside it, as
    // flow-capture logs the files it closed; full paths otherwise.
    const std::string expiry_path =
        settings_.work_dir == "." ? final_relative : (settings_.work_dir / final_relative).string();
    if (expiry_scanned_)
        expiry_list_.push_back({.path = expiry_path, .size = size, .capture_start = capture_start});
    // flow-capture never expires at exit: the files of the last run stay.
    if (!final_close) run_expiry();
    if (!settings_.post_rotate_program.empty()) run_post_rotate(final_relative);
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
    const std::uint64_t open_bytes = writer_ ? writer_->bytes_written() : 0;
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
