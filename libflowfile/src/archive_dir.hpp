#pragma once

// Directory reading for the archive walks: relative to an open directory
// descriptor, never following a symbolic link below the starting point, so a
// walk cannot leave the tree it was given even if links are planted in it.

#include <string>
#include <vector>

namespace flowfile::detail {

// Owns a file descriptor.
class Fd {
  public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    Fd& operator=(Fd&& o) noexcept;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd();

    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }

  private:
    int fd_ = -1;
};

enum class EntryType { directory, regular, symlink, other };

struct DirEntry {
    std::string name;
    EntryType type;
};

// Opens a directory given by the operator (following a link there is their
// choice).  Sets `error` to errno on failure.
Fd open_root_dir(const std::string& path, int& error);

// Opens `name` inside `parent` as a directory, refusing a symbolic link.
Fd open_sub_dir(int parent, const std::string& name, int& error);

// Every entry except "." and "..", sorted by name (byte order) so that walks
// and their reports do not depend on readdir order.  The type is that of the
// entry itself (lstat semantics).  Sets `error` on failure.
std::vector<DirEntry> read_dir(int dir, int& error);

// "a" + "/" + "b", without doubling a '/' the operator typed at the end of a.
std::string join_path(const std::string& dir, const std::string& name);

}  // namespace flowfile::detail
