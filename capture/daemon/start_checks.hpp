#pragma once

// What must hold before a capture starts, checked while its messages still
// reach the terminal: before the daemon forks, and for every line of a
// --config file before the first of them starts.  What can still fail later
// (a port taken in between) is reported through StartupReport.

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "config/options.hpp"
#include "privileges.hpp"
#include "receive/udp_receiver.hpp"

namespace capture {

// A start that cannot succeed; what() is one line without the program name.
class StartRefused : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Empty when DIR (entered already, or "." of the caller) lets a file be
// created, renamed and removed, as the capture does with every file;
// otherwise the problem, naming the directory as `shown_as` and the user as
// `by` (" by --user NAME", or empty).  A real probe
// file rather than access(2), which does not see an immutable directory, a
// read-only mount seen through a bind mount, or an append-only directory.
std::string work_dir_problem(const std::string& dir, const std::string& shown_as,
                             const std::string& by = "");

// Enters `dir` and probes it as work_dir_problem() does, as `user` when given
// (in a child process that switches to that user, so this one keeps its ids).
// Throws StartRefused.
void check_work_dir(const std::string& dir, const std::optional<UserSwitch>& user);

// What the checks found that the start needs: the resolved --user, and the
// capture's socket, bound, to be released just before the capture binds it
// for real.
struct CheckedStart {
    std::optional<UserSwitch> user;
    std::unique_ptr<UdpReceiver> socket;
};

// Everything of one capture that can be checked without starting it:
// --fast is built in, --user exists and can be switched to, the work
// directory can be entered and written by the user the capture will run as,
// the UDP port can be bound.  Throws StartRefused.
CheckedStart check_start(const CaptureOptions& options);

}  // namespace capture
