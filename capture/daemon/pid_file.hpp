#pragma once

// flow-capture's pidfile: "<-p value>.<port>" holding "pid\n", mode 0644,
// written in daemon mode after the socket is bound, removed on
// SIGTERM/SIGQUIT (flow-capture.md §7).  After --user switched away from
// root the directory (/var/run) may no longer let us remove it; the file is
// then emptied through the descriptor opened as root, so no stale pid stays.

#include <cstdint>
#include <string>

namespace capture {

class PidFile {
  public:
    // Writes the file; throws std::system_error naming it on failure.
    PidFile(const std::string& base, std::uint16_t port);
    ~PidFile();
    PidFile(const PidFile&) = delete;
    PidFile& operator=(const PidFile&) = delete;

    const std::string& path() const { return path_; }

  private:
    std::string path_;
    int fd_ = -1;
};

}  // namespace capture
