#include <algorithm>
#include <cstring>
#include <set>

#include "archive_calendar.hpp"
#include "archive_dir.hpp"
#include "flowfile/archive.hpp"
#include "flowfile/block_index.hpp"
#include "flowfile/error.hpp"

namespace flowfile {

namespace {

constexpr std::int64_t day_seconds = 86400;
// Date directories exist at most three levels deep (-N 3: YYYY/YYYY-MM/YYYY-MM-DD).
constexpr int max_date_depth = 3;

struct Span {
    std::int64_t begin;  // Unix seconds, inclusive
    std::int64_t end;    // exclusive
    bool intersects(const Span& o) const { return begin < o.end && o.begin < end; }
};

int digits(std::string_view s) {
    int v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return -1;
        v = v * 10 + (c - '0');
    }
    return v;
}

// The instants a directory named YYYY, YYYY-MM or YYYY-MM-DD can hold files
// of.  Its date is local to the collector, whose offset from UTC is within a
// day either way, so the UTC span of the date is widened by a day each side.
std::optional<Span> dated_directory_span(std::string_view name) {
    const bool year_only = name.size() == 4;
    const bool year_month = name.size() == 7 && name[4] == '-';
    const bool full_date = name.size() == 10 && name[4] == '-' && name[7] == '-';
    if (!year_only && !year_month && !full_date) return std::nullopt;
    const int y = digits(name.substr(0, 4));
    const int m = year_only ? 1 : digits(name.substr(5, 2));
    const int d = full_date ? digits(name.substr(8, 2)) : 1;
    if (y < 0 || !detail::valid_date(y, m, d)) return std::nullopt;

    const std::int64_t first = detail::days_from_civil(y, m, d);
    std::int64_t after;  // first day past the directory's period
    if (full_date)
        after = first + 1;
    else if (year_month)
        after =
            m == 12 ? detail::days_from_civil(y + 1, 1, 1) : detail::days_from_civil(y, m + 1, 1);
    else
        after = detail::days_from_civil(y + 1, 1, 1);
    return Span{(first - 1) * day_seconds, (after + 1) * day_seconds};
}

class WindowWalk {
  public:
    WindowWalk(const std::string& root, ArchiveListing& out) : root_(root), out_(out) {}

    // Opens the directories whose dates can hold files created in `span` and
    // collects the flow files in them.
    void collect(int root_fd, const Span& span) {
        note_opened("");
        walk(root_fd, "", 0, span);
    }

    const std::vector<ArchiveFile>& found() const { return found_; }

  private:
    void note_opened(const std::string& rel) {
        ++out_.stats.directories_opened;
        out_.stats.opened.push_back(rel);
    }

    void walk(int dir_fd, const std::string& rel, int depth, const Span& span) {
        int error = 0;
        const auto entries = detail::read_dir(dir_fd, error);
        if (error != 0)
            out_.problems.push_back({detail::join_path(root_, rel), std::strerror(error)});
        for (const auto& e : entries) {
            const std::string child = rel.empty() ? e.name : rel + "/" + e.name;
            if (e.type == detail::EntryType::directory) {
                const auto dir_span = dated_directory_span(e.name);
                if (!dir_span || depth >= max_date_depth) {
                    ++out_.stats.directories_unrecognised;
                } else if (!dir_span->intersects(span)) {
                    ++out_.stats.directories_pruned;
                } else {
                    detail::Fd sub = detail::open_sub_dir(dir_fd, e.name, error);
                    if (!sub) {
                        out_.problems.push_back(
                            {detail::join_path(root_, child), std::strerror(error)});
                        continue;
                    }
                    note_opened(child);
                    walk(sub.get(), child, depth + 1, span);
                }
                continue;
            }
            // An index is its data file's companion, not a stranger.
            if (e.type == detail::EntryType::regular && is_index_file_name(e.name)) continue;
            const auto name =
                e.type == detail::EntryType::regular ? parse_file_name(e.name) : std::nullopt;
            if (!name) {
                ++out_.stats.names_ignored;
                continue;
            }
            // A second pass re-enters directories the first one read.
            if (!seen_.insert(child).second) continue;
            found_.push_back(
                {detail::join_path(root_, child), child, *name, name->creation_time()});
        }
    }

    std::string root_;
    ArchiveListing& out_;
    std::vector<ArchiveFile> found_;
    std::set<std::string> seen_;
};

// Latest creation time before `from` among files created in [from - lookback, from).
std::optional<std::int64_t> open_at_from(const std::vector<ArchiveFile>& files, std::int64_t from,
                                         std::int64_t lookback) {
    std::optional<std::int64_t> latest;
    for (const auto& f : files)
        if (f.created < from && f.created >= from - lookback && (!latest || f.created > *latest))
            latest = f.created;
    return latest;
}

}  // namespace

ArchiveListing list_window(const std::string& root, TimeWindow window,
                           const ListingOptions& options) {
    if (window.to < window.from)
        throw Error("time window ends (" + std::to_string(window.to) + ") before it starts (" +
                    std::to_string(window.from) + ")");
    if (options.slack < 0 || options.lookback < 0)
        throw Error("listing slack and lookback must not be negative (slack " +
                    std::to_string(options.slack) + ", lookback " +
                    std::to_string(options.lookback) + ")");

    int error = 0;
    const detail::Fd root_fd = detail::open_root_dir(root, error);
    if (!root_fd) throw Error("archive directory " + root + ": " + std::strerror(error));

    ArchiveListing out;
    if (window.to == window.from) return out;

    WindowWalk walk(root, out);
    walk.collect(root_fd.get(), Span{window.from, window.to + options.slack});
    // Whatever the first pass saw before `from` is, by the monotony of local
    // dates, at least as recent as anything in directories it skipped; only
    // when it saw nothing must older directories be opened.
    auto open_file_time = open_at_from(walk.found(), window.from, options.lookback);
    if (!open_file_time && options.lookback > 0) {
        walk.collect(root_fd.get(), Span{window.from - options.lookback, window.from});
        open_file_time = open_at_from(walk.found(), window.from, options.lookback);
    }

    for (const auto& f : walk.found()) {
        const bool in_window = f.created >= window.from && f.created < window.to + options.slack;
        if (in_window || (open_file_time && f.created == *open_file_time)) out.files.push_back(f);
    }
    std::sort(out.files.begin(), out.files.end(), [](const ArchiveFile& a, const ArchiveFile& b) {
        if (a.created != b.created) return a.created < b.created;
        const std::string an = a.name.str(), bn = b.name.str();
        if (an != bn) return an < bn;
        return a.path < b.path;
    });
    return out;
}

}  // namespace flowfile
