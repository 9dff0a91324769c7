#pragma once

// Whether a capture got going, told to whoever waits for its start: the
// parent that forked the daemon, so that `flow-capture` without -D exits 1
// with the daemon's message instead of 0 with nothing (there may be no
// syslog to read), and `flow-capture --config`, which passes a pipe in
// FLOW_CAPTURE_READY_FD so that a line's failure is reported with its file
// and line.  Each waiting end reads one line: "ready PID" once the socket is
// bound, the pidfile written, the user switched and the work directory
// probed, or the message of the failure.

#include <string>

#include "log_sink.hpp"

namespace capture {

inline constexpr const char* ready_fd_variable = "FLOW_CAPTURE_READY_FD";

class StartupReport {
  public:
    // Takes over the pipe named by FLOW_CAPTURE_READY_FD, if any, and removes
    // the variable, so a -R program neither sees it nor holds the pipe.
    StartupReport();
    ~StartupReport();
    StartupReport(const StartupReport&) = delete;
    StartupReport& operator=(const StartupReport&) = delete;

    // Forks.  The parent waits for the daemon's word and exits: 0 once it is
    // ready; 1 with its message on stderr (or to --config) when it failed,
    // after removing a pidfile (`pidfile`, may be empty) it left empty or
    // holding its pid.  Returns in the daemon, which then leaves the terminal.
    void daemonise(const std::string& pidfile);

    void ready();
    // Says why the start failed: to the waiting parent(s), and to `log`
    // unless that would print it on the same terminal a second time.
    void failed(const std::string& message, const LogSink& log);

  private:
    void send(const std::string& line);

    int config_fd_ = -1;  // flow-capture --config's pipe
    int daemon_fd_ = -1;  // the pipe to the parent that forked the daemon
};

// The waiting end: the one line a StartupReport sent ("ready PID" or a
// failure), without its newline; empty when the pipe closed without a word
// (the capture died).
std::string read_startup_word(int fd);

}  // namespace capture
