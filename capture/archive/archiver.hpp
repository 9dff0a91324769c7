#pragma once

// The writing end of flow-capture: owns the files being written (the
// flow-tools file and, once IPv6 flows arrive in its period, its IPv6 sibling
// of the same name date), names and nests them, rotates them together on the
// schedule or on request, writes the per-file counters into the headers,
// renames tmp- to ft- (tmp-ip6. to ip6.), writes each finished file's block
// index beside it, runs expiry and the post-rotate program.  Time is always passed in, so tests
// drive it without waiting and the daemon decides what "now" is.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "client_order_worker.hpp"
#include "flowfile/archive.hpp"
#include "flowfile/client_order.hpp"
#include "flowfile/error.hpp"
#include "flowfile/header.hpp"
#include "flowfile/writer.hpp"
#include "receive/flow_batch.hpp"
#include "series_file.hpp"

namespace capture {

using LogFn = std::function<void(const std::string&)>;

struct ArchiverSettings {
    std::filesystem::path work_dir = ".";
    int nesting = 3;
    // -V; 0 = take the export version of the first flows and keep it.
    std::uint16_t export_version = 0;
    flowfile::ByteOrder byte_order = flowfile::host_byte_order();
    int compression_level = -1;  // -z; 0 = uncompressed
    // --fast: igzip at its default level; -z then only says whether to compress.
    flowfile::CompressionEngine engine = flowfile::CompressionEngine::zlib;
    std::optional<std::string> comment;
    std::string hostname;
    int rotations = 95;  // -n
    std::chrono::milliseconds flush_interval{std::chrono::seconds(5)};
    flowfile::ExpiryLimits expiry;  // -e / -E; both 0 = off
    bool expiry_dry_run = false;    // -d
    // -R: run with the relative ft- path as its only argument, in work_dir.
    std::string post_rotate_program;
    // --index-block: records per independently readable block, and an
    // ix- index beside each finished file (flow-index(5)); 0 = neither,
    // flow-tools' layout.  The daemon's default is
    // flowfile::default_block_records; here 0, so that a test sees exactly
    // the files it asks for.
    std::size_t index_block_records = 0;
    // --client-networks: each finished file is written again with its
    // records in client order (on a thread of its own) before it gets its
    // final name; empty = arrival order, as flow-tools writes.
    flowfile::ClientNetworks client_networks;
};

// Seconds (with fraction) since 1970.
using WallTime = double;

class Archiver {
  public:
    Archiver(ArchiverSettings settings, LogFn log);
    ~Archiver();

    // Writes the batch into the open files, creating them first if needed
    // (the IPv6 file on the first IPv6 flow of a period).  Returns false when
    // nothing of it was written (a file cannot be created or the disk is
    // full): the caller keeps the batch and offers it again.
    bool accept(const FlowBatch& batch, WallTime now);

    // Once per loop iteration: closes the file when its rotation time has
    // passed, creates the next one when the version is known (as flow-capture
    // does, even without traffic), flushes on the flush interval, retries a
    // blocked disk.
    void tick(WallTime now);

    // SIGHUP: close the current files; the next is created on the next tick.
    void rotate(WallTime now);

    // SIGTERM/SIGQUIT: close the current files.  Returns false when one could
    // not be finished (it then stays tmp-, readable up to its last flush).
    bool shutdown(WallTime now);

    // While the writer is behind, compress at level 1 (the cheapest) instead
    // of letting the queue overflow; false returns to the configured -z.
    // No effect on uncompressed captures or at -z 1.
    void set_catching_up(bool on);
    bool catching_up() const { return catching_up_; }

    // The start-up expiry pass (flow-capture.md §8): scan, then expire.
    void start_expiry();

    bool blocked() const { return blocked_; }
    // Relative path of the open flow-tools file, empty when none.
    const std::string& current_file() const { return v5_.relative(); }
    // Relative path of the open IPv6 file, empty when none.
    const std::string& current_ipv6_file() const { return ip6_.relative(); }
    // Files of both series.
    std::uint64_t files_finished() const { return files_finished_; }
    std::uint64_t ipv6_files_finished() const { return ipv6_files_finished_; }
    std::uint64_t write_errors() const { return write_errors_; }
    // ix- files written beside finished files, and finished files left
    // without one (the reason is logged once per file).
    std::uint64_t index_files_written() const { return index_files_written_; }
    std::uint64_t index_failures() const { return index_failures_; }
    // The start-up recovery's indexes (recover_leftovers), counted with the
    // archiver's own.
    void count_recovered_indexes(std::uint64_t written, std::uint64_t failed) {
        index_files_written_ += written;
        index_failures_ += failed;
    }
    // With client networks: finished files written again in client order,
    // and finished files left in arrival order (the reason is logged once
    // per file).
    std::uint64_t files_client_ordered() const { return files_client_ordered_; }
    std::uint64_t client_order_failures() const { return client_order_failures_; }
    // Finished files still being written in client order (tick() and
    // shutdown() rename them once done).
    std::size_t client_order_pending() const {
        return client_order_ ? client_order_->pending() : 0;
    }
    // Flows written into an open file that someone removed (with its
    // directory, say) before it was finished: gone with it.
    std::uint64_t flows_removed_with_open_file() const { return flows_removed_; }
    // Finished files still called tmp- because the rename failed (e.g. an
    // immutable or read-only directory); retried on every tick.
    std::size_t renames_pending() const { return pending_renames_.size(); }
    // The latest write problem, one line; empty when none happened.
    const std::string& last_error() const { return last_error_; }

  private:
    // A period is open while a file of either series is: the IPv6 file may
    // still be finishing after the flow-tools one was.
    bool period_open() const { return v5_.is_open() || ip6_.is_open(); }
    bool open_file(WallTime now);
    // The IPv6 sibling of the open flow-tools file.
    bool open_ipv6_file();
    flowfile::WriterOptions writer_options() const;
    bool close_file(WallTime now, bool final_close = false);
    // Renames one finished file, or queues the rename for a retry.
    void rename_finished(const FinishedFile& file, WallTime now, bool final_close);
    // After a successful close and rename: the index, expiry and the -R
    // program.
    void file_done(const FinishedFile& file, bool final_close);
    // Writes the file's index beside it under its final name and returns
    // its size (0 when none was written); a failure is logged and counted,
    // and the file stays as it is.
    std::uint64_t write_index(const FinishedFile& file);
    void retry_renames(WallTime now);
    // Renames the files whose client order is done (or failed).
    void collect_client_order(WallTime now);
    // Counts and logs how a file's client order ended.
    void note_client_order(const FinishedFile& file);
    // Writes into one series' file; a write error makes the writer hold the
    // records and the archiver block.
    template <typename R>
    void write_series(SeriesFile& file, std::span<const R> records);
    // Flushes every open file; false (and blocked) when one could not.
    bool flush_open_files();
    void hold(const flowfile::Error& e);
    // Abandons an open file that is no longer where it was created, and
    // finishes the other series' file of its period, so that the next flows
    // start a new pair.
    void check_open_files_still_there(WallTime now);
    void run_expiry();
    void run_post_rotate(const std::string& relative_path);
    void reap_children();
    // The level of a finished file: -z, or 1 while catching up.
    int level_for_now() const;
    // The level files are written at as flows arrive: level_for_now(), or 1
    // when they are written again in client order.
    int arrival_level() const;
    // Flush points a file of one rotation period gets: the size of its block
    // checksum table (flow-file(5)).
    std::size_t expected_flush_points() const;
    void note_error(const std::string& message);

    ArchiverSettings settings_;
    LogFn log_;
    std::uint16_t version_ = 0;
    SeriesFile v5_;   // the flow-tools file (whatever its export version)
    SeriesFile ip6_;  // its IPv6 sibling, created lazily
    // A batch with IPv6 flows waits for the IPv6 file, which could not be
    // created: tick() retries.
    bool ip6_wanted_ = false;
    std::uint32_t last_created_ = 0;
    WallTime next_rotation_ = 0;
    WallTime last_flush_ = 0;
    FileCounters counters_;  // for the open file (or the next one)
    bool blocked_ = false;
    bool catching_up_ = false;
    std::uint64_t files_finished_ = 0;
    std::uint64_t ipv6_files_finished_ = 0;
    std::uint64_t write_errors_ = 0;
    std::uint64_t index_files_written_ = 0;
    std::uint64_t index_failures_ = 0;
    std::uint64_t files_client_ordered_ = 0;
    std::uint64_t client_order_failures_ = 0;
    std::string last_error_;
    std::vector<flowfile::ExpiryEntry> expiry_list_;
    // -d: how many of expiry_list_'s oldest files were already reported as
    // "would remove".
    std::size_t dry_run_reported_ = 0;
    std::uint64_t flows_removed_ = 0;
    struct PendingRename {
        FinishedFile file;
        bool final_close = false;
    };
    std::vector<PendingRename> pending_renames_;
    WallTime last_rename_retry_ = 0;
    bool expiry_scanned_ = false;
    // Last: its destructor waits for the file it is ordering, which needs
    // nothing of the members above.
    std::unique_ptr<ClientOrderWorker> client_order_;
};

}  // namespace capture
