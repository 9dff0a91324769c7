#pragma once

// The writing end of flow-capture: owns the file being written, names and
// nests it, rotates it on the schedule or on request, writes the per-file
// counters into its header, renames tmp- to ft-, runs expiry and the
// post-rotate program.  Time is always passed in, so tests drive it without
// waiting and the daemon decides what "now" is.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flowfile/archive.hpp"
#include "flowfile/header.hpp"
#include "flowfile/writer.hpp"
#include "receive/flow_batch.hpp"

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
};

// Seconds (with fraction) since 1970.
using WallTime = double;

class Archiver {
  public:
    Archiver(ArchiverSettings settings, LogFn log);
    ~Archiver();

    // Writes the batch into the open file, creating one first if needed.
    // Returns false when nothing could be written (the file cannot be created
    // or the disk is full): the caller keeps the batch and offers it again.
    bool accept(const FlowBatch& batch, WallTime now);

    // Once per loop iteration: closes the file when its rotation time has
    // passed, creates the next one when the version is known (as flow-capture
    // does, even without traffic), flushes on the flush interval, retries a
    // blocked disk.
    void tick(WallTime now);

    // SIGHUP: close the current file; the next is created on the next tick.
    void rotate(WallTime now);

    // SIGTERM/SIGQUIT: close the current file.  Returns false when it could
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
    // Relative path of the open file, empty when none.
    const std::string& current_file() const { return current_relative_; }
    std::uint64_t files_finished() const { return files_finished_; }
    std::uint64_t write_errors() const { return write_errors_; }
    // Flows written into an open file that someone removed (with its
    // directory, say) before it was finished: gone with it.
    std::uint64_t flows_removed_with_open_file() const { return flows_removed_; }
    // Finished files still called tmp- because the rename failed (e.g. an
    // immutable or read-only directory); retried on every tick.
    std::size_t renames_pending() const { return pending_renames_.size(); }
    // The latest write problem, one line; empty when none happened.
    const std::string& last_error() const { return last_error_; }

  private:
    bool open_file(WallTime now);
    bool close_file(WallTime now, bool final_close = false);
    // After a successful close and rename: expiry and the -R program.
    void file_done(const std::string& final_relative, std::uint64_t size,
                   std::uint32_t capture_start, bool final_close);
    void retry_renames(WallTime now);
    // False (and the writer abandoned) when the open file is no longer where
    // it was created.
    bool open_file_still_there();
    void run_expiry();
    void run_post_rotate(const std::string& relative_path);
    void reap_children();
    int level_for_now() const;
    // Flush points a file of one rotation period gets: the size of its block
    // checksum table (flow-file(5)).
    std::size_t expected_flush_points() const;
    void note_error(const std::string& message);

    ArchiverSettings settings_;
    LogFn log_;
    std::uint16_t version_ = 0;
    std::unique_ptr<flowfile::Writer> writer_;
    flowfile::FileName current_name_;  // of the open file (tmp-)
    std::string current_relative_;     // its path below work_dir
    std::uint32_t last_created_ = 0;
    WallTime next_rotation_ = 0;
    WallTime last_flush_ = 0;
    FileCounters counters_;  // for the open file (or the next one)
    bool blocked_ = false;
    bool catching_up_ = false;
    std::uint64_t files_finished_ = 0;
    std::uint64_t write_errors_ = 0;
    std::string last_error_;
    std::vector<flowfile::ExpiryEntry> expiry_list_;
    // -d: how many of expiry_list_'s oldest files were already reported as
    // "would remove".
    std::size_t dry_run_reported_ = 0;
    // Identity of the open file, to notice it being removed or replaced.
    std::uint64_t open_dev_ = 0;
    std::uint64_t open_ino_ = 0;
    std::uint64_t flows_removed_ = 0;
    struct PendingRename {
        std::string tmp_relative;
        std::string final_relative;
        std::uint64_t size = 0;
        std::uint32_t capture_start = 0;
        bool final_close = false;
    };
    std::vector<PendingRename> pending_renames_;
    WallTime last_rename_retry_ = 0;
    bool expiry_scanned_ = false;
};

}  // namespace capture
