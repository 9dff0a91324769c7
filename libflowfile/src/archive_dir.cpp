#include "archive_dir.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace flowfile::detail {

Fd& Fd::operator=(Fd&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = o.fd_;
        o.fd_ = -1;
    }
    return *this;
}

Fd::~Fd() {
    if (fd_ >= 0) ::close(fd_);
}

Fd open_root_dir(const std::string& path, int& error) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    error = fd < 0 ? errno : 0;
    return Fd(fd);
}

Fd open_sub_dir(int parent, const std::string& name, int& error) {
    const int fd = ::openat(parent, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    error = fd < 0 ? errno : 0;
    return Fd(fd);
}

std::vector<DirEntry> read_dir(int dir, int& error) {
    std::vector<DirEntry> out;
    error = 0;
    // fdopendir takes over the descriptor it is given, so give it its own.
    const int copy = ::fcntl(dir, F_DUPFD_CLOEXEC, 0);
    if (copy < 0) {
        error = errno;
        return out;
    }
    DIR* d = ::fdopendir(copy);
    if (!d) {
        error = errno;
        ::close(copy);
        return out;
    }
    ::rewinddir(d);  // the duplicate shares the offset of `dir`
    for (;;) {
        errno = 0;
        const dirent* e = ::readdir(d);
        if (!e) {
            error = errno;
            break;
        }
        const std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        EntryType type = EntryType::other;
        unsigned char dt = e->d_type;
        if (dt == DT_UNKNOWN) {
            struct stat st {};
            if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
                if (S_ISDIR(st.st_mode))
                    dt = DT_DIR;
                else if (S_ISREG(st.st_mode))
                    dt = DT_REG;
                else if (S_ISLNK(st.st_mode))
                    dt = DT_LNK;
            }
        }
        if (dt == DT_DIR)
            type = EntryType::directory;
        else if (dt == DT_REG)
            type = EntryType::regular;
        else if (dt == DT_LNK)
            type = EntryType::symlink;
        out.push_back({name, type});
    }
    ::closedir(d);
    std::sort(out.begin(), out.end(),
              [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
    return out;
}

std::string join_path(const std::string& dir, const std::string& name) {
    if (dir.empty()) return name;
    if (dir.back() == '/') return dir + name;
    return dir + "/" + name;
}

}  // namespace flowfile::detail
