#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "flowfile/archive.hpp"
#include "flowfile/block_index.hpp"

namespace flowfile {

namespace {

// A descriptor closed however the walk ends.
struct DirFd {
    int fd = -1;
    explicit DirFd(int f) : fd(f) {}
    DirFd(const DirFd&) = delete;
    DirFd& operator=(const DirFd&) = delete;
    ~DirFd() {
        if (fd >= 0) ::close(fd);
    }
};

// Removes `path`, which names a file below `work_dir`, without following a
// symbolic link anywhere below the work directory: every directory on the
// way is opened with O_NOFOLLOW and the file itself must be a regular file,
// so a directory swapped for a link since the scan (or a link planted by
// whoever can write there) never leads expiry out of the tree.
RemovalOutcome remove_inside(const std::string& work_dir, const std::string& path) {
    auto kept = [&](int error, std::string why) {
        return RemovalOutcome{path, error, std::move(why)};
    };
    auto failed = [&](int error) { return kept(error, std::strerror(error)); };
    std::size_t at = work_dir.size();
    if (path.empty()) return kept(EINVAL, "not a file");
    if (work_dir == "." && path.rfind("./", 0) != 0 && path.front() != '/')
        at = 0;  // the archiver's own entries are relative to "."
    else if (path.compare(0, work_dir.size(), work_dir) != 0 ||
             (!work_dir.empty() && work_dir.back() != '/' && path.size() > at && path[at] != '/'))
        return kept(EXDEV, "outside the work directory");
    std::vector<std::string> parts;
    while (at <= path.size()) {
        const std::size_t slash = std::min(path.find('/', at), path.size());
        const std::string part = path.substr(at, slash - at);
        if (part == "..") return kept(ELOOP, "\"..\" in the path; not followed");
        if (!part.empty() && part != ".") parts.push_back(part);
        at = slash + 1;
    }
    if (parts.empty()) return kept(EINVAL, "not a file");
    DirFd dir(::open(work_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.fd < 0) return failed(errno);
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        DirFd sub(
            ::openat(dir.fd, parts[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (sub.fd < 0) {
            const int err = errno;
            struct stat st {};
            if ((err == ELOOP || err == ENOTDIR) &&
                ::fstatat(dir.fd, parts[i].c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                S_ISLNK(st.st_mode))
                return kept(ELOOP, parts[i] + " is a symbolic link; not followed");
            return failed(err);
        }
        std::swap(dir.fd, sub.fd);
    }
    struct stat st {};
    if (::fstatat(dir.fd, parts.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return failed(errno);
    if (S_ISLNK(st.st_mode)) return kept(ELOOP, "symbolic link; not followed");
    if (!S_ISREG(st.st_mode)) return kept(EINVAL, "not a regular file");
    if (::unlinkat(dir.fd, parts.back().c_str(), 0) != 0) return failed(errno);
    // Its index goes with it (the scan counted it in the file's size); a
    // link of that name is someone else's and stays.
    const std::string index = std::string(index_name_prefix) + parts.back();
    if (::fstatat(dir.fd, index.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
        ::unlinkat(dir.fd, index.c_str(), 0);
    return RemovalOutcome{path, 0, ""};
}

}  // namespace

std::vector<RemovalOutcome> execute_expiry(const ExpiryPlan& plan, const std::string& work_dir) {
    std::vector<RemovalOutcome> outcomes;
    outcomes.reserve(plan.removals.size());
    for (const auto& r : plan.removals) outcomes.push_back(remove_inside(work_dir, r.entry.path));
    return outcomes;
}

}  // namespace flowfile
