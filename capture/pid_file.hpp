#pragma once

// flow-capture's pidfile: "<-p value>.<port>" holding "pid\n", written in
// daemon mode after the socket is bound, removed on SIGTERM/SIGQUIT
// (flow-capture.md §7).

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
};

}  // namespace capture
