#pragma once

// The capture archive: how flow-capture names its files and nests them in
// directories (flow-capture.md §5), which files of an archive can hold the
// flows of a time window, and which files expiry (-e/-E, flow-expire) removes
// (flow-capture.md §8, query-tools.md §7).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace flowfile {

// ---------------------------------------------------------------------------
// File names: prefix "v" version ["m" method] "." YYYY-MM-DD "." HHMMSS zone
//   tmp-v05.2009-10-15.234011+0000   ft-v08m01.2026-11-28.195711+0000
// and for the IPv6 series (record6.hpp), beside them in the same directories:
//   tmp-ip6.2026-12-03.193000+0000   ip6.2026-12-03.193000+0000
// A finished IPv6 file's name starts with none of "ft", "cf", "tmp", so
// flow-tools' programs that check names (flow-expire) pass it by with their
// "ignoring" line; those that do not (flow-cat DIR) fail on its stream
// version (record6.hpp) and pass it by with theirs.
// Date and time are the collector's LOCAL time when the file was created and
// the zone is the local UTC offset at that instant, so a name identifies its
// creation instant exactly even on DST days (when names are not in time
// order).

struct FileName {
    bool in_progress = false;  // "tmp-" (still being written) rather than "ft-"
    std::uint16_t export_version = 5;
    // Only v8 names carry the aggregation method; a v8 name without one is
    // formatted with "m00" (what flow-capture writes before it rejects the
    // version).
    std::optional<std::uint8_t> agg_method;
    int year = 1970;  // local date and time of creation
    int month = 1;
    int day = 1;
    int hour = 0;
    int minute = 0;
    int second = 0;
    int utc_offset_minutes = 0;  // local time minus UTC, e.g. +330 for +0530

    // Unix seconds of the creation instant, from the name's own offset.
    std::int64_t creation_time() const;
    // The name as flow-capture spells it.
    std::string str() const;
    // The same file once closed: flow-capture renames tmp- to ft- in place
    // (tmp-ip6. to ip6.).
    FileName closed() const;
    // A file of the IPv6 series: export_version is ipv6_export_version.
    bool ipv6_series() const;

    friend bool operator==(const FileName&, const FileName&) = default;
};

// Strict: every field must be in range (a real calendar date, hour 0..23,
// minute 0..59, second 0..60, offset minutes 0..59), the version must be
// written as flow-capture writes it (two digits at least, no extra leading
// zero), "m" + two digits exactly when the version is 8, and nothing may
// follow the zone.  Anything else is not a flow file name.
std::optional<FileName> parse_file_name(std::string_view name);

// Whether a file's name (its last component) is one flow-capture gives a
// file it is still writing ("tmp-"), whatever follows: such a file has no
// index and no DONE flag yet, which is its normal state, not a problem.
bool is_in_progress_name(std::string_view file_name);

// The name of a file created at `unix_time`, in the process's local time zone
// (TZ): local broken-down time from localtime_r, offset = local minus UTC
// broken-down time in whole minutes (flow-capture.md §5.1).
FileName file_name_at(std::int64_t unix_time, std::uint16_t export_version,
                      std::optional<std::uint8_t> agg_method = std::nullopt,
                      bool in_progress = true);

// ---------------------------------------------------------------------------
// Directory nesting (-N, flow-capture.md §5.2), from the local date in the
// name:  0 ""   1 "YYYY"   2 "YYYY/YYYY-MM"   3 and -3 "YYYY/YYYY-MM/YYYY-MM-DD"
//       -1 "YYYY-MM-DD"   -2 "YYYY-MM/YYYY-MM-DD"

inline constexpr int min_nesting_level = -3;
inline constexpr int max_nesting_level = 3;
inline constexpr int default_nesting_level = 3;

// Throws flowfile::Error for a level outside -3..3.
void check_nesting_level(int level);

// Relative directory of the file, without a trailing '/'; "" for level 0.
// Throws flowfile::Error for a bad level.
std::string nest_directory(const FileName& name, int level);

// Relative path of the file: nest_directory + "/" + name (just the name for 0).
std::string nest_path(const FileName& name, int level);

// ---------------------------------------------------------------------------
// Files of an archive that can hold the flows of a time window.
//
// A flow is written to the file that is open when the flow is exported, and
// a flow is exported after it starts, at most `slack` seconds later (active
// timeout plus export delay).  So the flows starting in [from, to) are in
//   * every file created in [from, to + slack), and
//   * the file that was open at `from`: the last one created strictly before
//     `from` (all files sharing that creation second, e.g. a tmp- leftover
//     and the ft- file of the same second), looked for at most `lookback`
//     seconds back.  Older files were closed before `from` and cannot hold
//     them.  Strictly: names have whole seconds, and the file before one
//     created at `from` may have been closed within that same second.
// Creation times come from the names (exact across DST); files whose names do
// not parse, and anything that is not a regular file, are ignored.  ft- and
// tmp- files of every export version are returned, oldest first (creation
// time, then file name, then path).
//
// Only directories that can hold such files are opened.  Directory names
// YYYY, YYYY-MM and YYYY-MM-DD are recognised at any of the -N layouts (up to
// three levels below the root); other directories are never entered.  A
// directory's date is a local date of an unknown zone, so its range is
// widened by one day on each side before comparing it with the window.
// Symbolic links are never followed below the root.  The file open at `from`
// is searched for in what the window walk opened; only if none was found
// there is the walk repeated further back (up to `lookback`).

struct TimeWindow {
    std::int64_t from = 0;  // Unix seconds, inclusive
    std::int64_t to = 0;    // Unix seconds, exclusive
};

struct ListingOptions {
    // How long after it starts a flow may still be exported.
    std::int64_t slack = 3600;
    // How far before `from` the file open at `from` may have been created:
    // longer than the longest file flow-capture writes (-n 0: one local day,
    // 25 hours on a DST day).
    std::int64_t lookback = 2 * 86400;
};

struct ArchiveFile {
    std::string path;           // root + "/" + relative_path
    std::string relative_path;  // e.g. "2009/2009-10/2009-10-15/ft-v05...."
    FileName name;
    std::int64_t created = 0;  // name.creation_time()
};

struct ListingProblem {
    std::string path;     // directory that could not be read
    std::string message;  // one line, e.g. "Permission denied"
};

struct ListingStats {
    std::size_t directories_opened = 0;        // the root included, every pass counted
    std::size_t directories_pruned = 0;        // dated, but outside the widened window
    std::size_t directories_unrecognised = 0;  // not a date, or nested too deep
    // Entries that are not flow files: unparsable names, symbolic links
    // (also to directories), devices, fifos.
    std::size_t names_ignored = 0;
    // Relative paths of the opened directories in opening order ("" = root).
    std::vector<std::string> opened;
};

struct ArchiveListing {
    std::vector<ArchiveFile> files;
    std::vector<ListingProblem> problems;
    ListingStats stats;
};

// Throws flowfile::Error when the root cannot be opened or the arguments are
// inconsistent (to < from, negative slack or lookback).  An empty window
// (to == from) lists nothing.
ArchiveListing list_window(const std::string& root, TimeWindow window,
                           const ListingOptions& options = {});

// ---------------------------------------------------------------------------
// Expiry (-e count, -E size).  The scan only reads and the plan only
// computes, so a dry run (-d) is the same code; only execute_expiry deletes.

inline constexpr int max_expiry_scan_depth = 50;  // directories, the root included

struct ExpiryEntry {
    std::string path;  // work_dir + "/" + relative path, as flow-expire logs it
    // st_size, plus its index's (ix-NAME beside it) when it has one: -E
    // limits the disk the archive takes.
    std::uint64_t size = 0;
    std::uint32_t capture_start = 0;  // header TLV 6; 0 when the header lacks it
};

enum class ExpiryIssueKind {
    ignored_name,      // not ft*, cf*, tmp* nor an IPv6 series name ("ignoring: NAME")
    not_regular_file,  // fifo, socket, device, symlink (never followed)
    bad_header,        // "ftiheader_read(NAME): Failed, ignoring file."
    unreadable,        // open/stat/read failed
    too_deep,          // directory below max_expiry_scan_depth, not entered
};

struct ExpiryIssue {
    ExpiryIssueKind kind;
    std::string path;
    std::string detail;  // one line: errno text or the header problem; may be empty
};

struct ExpiryScan {
    // Sorted by capture start ascending, ties by path: oldest first.
    std::vector<ExpiryEntry> entries;
    std::vector<ExpiryIssue> issues;  // in walk order (entries sorted by name)
    std::uint64_t total_bytes() const;
};

// Walks work_dir recursively without following symbolic links.  A regular
// file is an entry when its name starts with "ft", "cf" or "tmp" (or is an
// IPv6 series name, ip6.DATE) and its
// header decodes (tmp- files too: crash leftovers count against the limits).
// Throws flowfile::Error only when work_dir itself cannot be opened.
ExpiryScan scan_for_expiry(const std::string& work_dir);

struct ExpiryLimits {
    std::uint64_t max_files = 0;  // -e; 0 = no count limit
    std::uint64_t max_bytes = 0;  // -E; 0 = no size limit
};

enum class ExpiryRule : int { count = 1, size = 2 };  // logged as remove/1, remove/2

struct ExpiryRemoval {
    ExpiryEntry entry;
    ExpiryRule rule;
};

struct ExpiryPlan {
    // In removal order, always a prefix of the list the plan was made from,
    // so a caller keeping the list drops removals.size() entries at its head.
    std::vector<ExpiryRemoval> removals;
    std::uint64_t files_left = 0;
    std::uint64_t bytes_left = 0;  // without the open file
};

// `oldest_first`: the scan's entries, plus (in flow-capture) files it closed
// since, appended in closing order.  `open_file_bytes` counts against -E only.
//   rule 1: while count > max_files, remove the oldest;
//   rule 2: then while bytes + open_file_bytes > max_bytes, remove the oldest
//           (until nothing is left).
ExpiryPlan plan_expiry(std::span<const ExpiryEntry> oldest_first, const ExpiryLimits& limits,
                       std::uint64_t open_file_bytes = 0);

struct RemovalOutcome {
    std::string path;
    int error = 0;        // 0 when removed; else errno, or ELOOP for a symbolic link on the way
                          // (or ".."), EXDEV for a path outside the work directory, EINVAL for
                          // something that is not a regular file
    std::string message;  // why the file was kept (strerror text, or the refusal)
    bool removed() const { return error == 0; }
};

// Unlinks the plan's files, which lie below `work_dir`, in order, each with
// its index (ix-NAME) when it has one.  No symbolic link below `work_dir`
// is followed: each directory on the way is opened with O_NOFOLLOW and only
// regular files are removed, so a directory swapped for a link since the
// scan never leads expiry out of the archive.
// Never throws for a failing file: every removal has an outcome, in plan
// order, so the caller can log each one.
std::vector<RemovalOutcome> execute_expiry(const ExpiryPlan& plan, const std::string& work_dir);

// -E argument: a number as C strtoul(..., 0) reads it (decimal, 0x hex,
// leading-0 octal) followed by nothing or by one of b (x512), K (x1024),
// M (x1024^2), G (x1024^3).  Throws flowfile::Error naming the value for
// anything else (signs, spaces, other suffixes, trailing text, overflow).
std::uint64_t parse_size_limit(std::string_view text);

}  // namespace flowfile
