#pragma once

// Where flow-capture's messages go: "flow-capture: MESSAGE" on stderr in the
// foreground (-D), syslog LOCAL6/INFO as a daemon (flow-capture.md §9).  Both
// threads log through it, so it serialises.

#include <mutex>
#include <string>

#include "log_sink.hpp"

namespace capture {

class DaemonLog {
  public:
    explicit DaemonLog(std::string program_name) : program_(std::move(program_name)) {}
    ~DaemonLog();

    // After daemonising: from now on messages go to syslog.
    void use_syslog();
    void write(const std::string& message);
    LogSink sink() {
        return [this](const std::string& m) { write(m); };
    }

  private:
    std::string program_;
    std::mutex mutex_;
    bool syslog_ = false;
};

}  // namespace capture
