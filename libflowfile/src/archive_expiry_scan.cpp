#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "archive_dir.hpp"
#include "flowfile/archive.hpp"
#include "flowfile/block_index.hpp"
#include "flowfile/error.hpp"
#include "flowfile/header.hpp"

namespace flowfile {

namespace {

// Names expiry may ever delete (flow-capture.md §8), and the finished files
// of the IPv6 series, which -e and -E count with the others: anything else
// in the work directory belongs to someone else.
bool expirable_name(const std::string& name) {
    if (name.starts_with("ft") || name.starts_with("cf") || name.starts_with("tmp")) return true;
    const auto parsed = parse_file_name(name);
    return parsed && parsed->ipv6_series();
}

// Reads up to n bytes at offset; returns the count or -1 with errno set.
ssize_t read_at(int fd, std::uint8_t* buf, std::size_t n, off_t offset) {
    std::size_t got = 0;
    while (got < n) {
        const ssize_t r = ::pread(fd, buf + got, n - got, offset + static_cast<off_t>(got));
        if (r < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (r == 0) break;
        got += static_cast<std::size_t>(r);
    }
    return static_cast<ssize_t>(got);
}

class ExpiryWalk {
  public:
    explicit ExpiryWalk(ExpiryScan& out) : out_(out) {}

    void walk(int dir_fd, const std::string& path, int depth) {
        int error = 0;
        const auto entries = detail::read_dir(dir_fd, error);
        if (error != 0)
            out_.issues.push_back({ExpiryIssueKind::unreadable, path, std::strerror(error)});
        for (const auto& e : entries) {
            const std::string child = detail::join_path(path, e.name);
            switch (e.type) {
                case detail::EntryType::directory:
                    enter(dir_fd, e.name, child, depth);
                    break;
                case detail::EntryType::regular:
                    // An index is counted, and removed, with its data file.
                    if (!is_index_file_name(e.name)) consider(dir_fd, e.name, child);
                    break;
                case detail::EntryType::symlink:
                    out_.issues.push_back(
                        {ExpiryIssueKind::not_regular_file, child, "symbolic link, not followed"});
                    break;
                case detail::EntryType::other:
                    out_.issues.push_back({ExpiryIssueKind::not_regular_file, child, ""});
                    break;
            }
        }
    }

  private:
    void enter(int dir_fd, const std::string& name, const std::string& path, int depth) {
        if (depth + 1 > max_expiry_scan_depth) {
            out_.issues.push_back(
                {ExpiryIssueKind::too_deep, path,
                 "more than " + std::to_string(max_expiry_scan_depth) + " nested directories"});
            return;
        }
        int error = 0;
        const detail::Fd sub = detail::open_sub_dir(dir_fd, name, error);
        if (!sub) {
            out_.issues.push_back({ExpiryIssueKind::unreadable, path, std::strerror(error)});
            return;
        }
        walk(sub.get(), path, depth + 1);
    }

    void consider(int dir_fd, const std::string& name, const std::string& path) {
        if (!expirable_name(name)) {
            out_.issues.push_back({ExpiryIssueKind::ignored_name, path, ""});
            return;
        }
        // O_NOFOLLOW and O_NONBLOCK: the entry may have been swapped for a
        // link or a fifo since the directory was read.
        const detail::Fd fd(
            ::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
        struct stat st {};
        if (!fd || ::fstat(fd.get(), &st) != 0) {
            out_.issues.push_back({ExpiryIssueKind::unreadable, path, std::strerror(errno)});
            return;
        }
        if (!S_ISREG(st.st_mode)) {
            out_.issues.push_back({ExpiryIssueKind::not_regular_file, path, ""});
            return;
        }
        try {
            const auto start = capture_start(fd.get(), path);
            // -E limits the disk the archive takes: its indexes too.
            out_.entries.push_back(
                {path, static_cast<std::uint64_t>(st.st_size) + index_size(dir_fd, name), start});
        } catch (const Error& e) {
            out_.issues.push_back({ExpiryIssueKind::bad_header, path, e.what()});
        }
    }

    // The size of the data file's index beside it, 0 when it has none.
    static std::uint64_t index_size(int dir_fd, const std::string& name) {
        const std::string index = std::string(index_name_prefix) + name;
        struct stat st {};
        if (::fstatat(dir_fd, index.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
            return 0;
        return static_cast<std::uint64_t>(st.st_size);
    }

    // Throws flowfile::Error when the header does not decode.
    static std::uint32_t capture_start(int fd, const std::string& path) {
        std::uint8_t preamble[header_preamble_size];
        const ssize_t n = read_at(fd, preamble, sizeof preamble, 0);
        if (n < 0) throw Error(path + ": " + std::strerror(errno));
        const std::uint32_t size =
            decode_header_size(std::span(preamble, static_cast<std::size_t>(n)), path);
        std::vector<std::uint8_t> bytes(size);
        const ssize_t m = read_at(fd, bytes.data(), bytes.size(), 0);
        if (m < 0) throw Error(path + ": " + std::strerror(errno));
        bytes.resize(static_cast<std::size_t>(m));
        // A header without TLV 6 counts as start 0, the oldest, as it did in
        // flow-tools (its header struct starts zeroed).
        return decode_header(bytes, path).cap_start.value_or(0);
    }

    ExpiryScan& out_;
};

}  // namespace

std::uint64_t ExpiryScan::total_bytes() const {
    std::uint64_t sum = 0;
    for (const auto& e : entries) sum += e.size;
    return sum;
}

ExpiryScan scan_for_expiry(const std::string& work_dir) {
    int error = 0;
    const detail::Fd root = detail::open_root_dir(work_dir, error);
    if (!root) throw Error("work directory " + work_dir + ": " + std::strerror(error));

    ExpiryScan out;
    ExpiryWalk(out).walk(root.get(), work_dir, 1);
    // Oldest by header capture start, not by name: on DST days names of the
    // repeated hour interleave.  flow-tools kept ties in readdir order, which
    // is arbitrary; the path makes the order reproducible.
    std::sort(out.entries.begin(), out.entries.end(),
              [](const ExpiryEntry& a, const ExpiryEntry& b) {
                  if (a.capture_start != b.capture_start) return a.capture_start < b.capture_start;
                  return a.path < b.path;
              });
    return out;
}

}  // namespace flowfile
