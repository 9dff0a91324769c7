#pragma once

// Least privilege for flow-capture: --user NAME switches the process to an
// unprivileged user and that user's primary group once everything that needs
// root is done (the socket is bound, the pidfile written, the log opened),
// and the file modes a data-retention store wants.

#include <sys/types.h>

#include <stdexcept>
#include <string>

namespace capture {

// What --user named, resolved before anything is started.
struct UserSwitch {
    std::string name;  // as given
    uid_t uid = 0;
    gid_t gid = 0;  // the user's primary group
};

// A --user that cannot be honoured; what() is one line without the program
// name.
class PrivilegeError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Looks NAME up in the password database (a name, or a numeric uid).  Throws
// PrivilegeError when there is no such user, and when the process is not
// root and is not already that user (only root can switch).
UserSwitch resolve_user(const std::string& name);

// setgroups() to the primary group alone, setgid(), setuid(); then checks
// that real, effective and saved ids are the target's and, for a target
// other than root, that root cannot be regained.  Throws PrivilegeError on
// any failure: the caller must stop, never carry on as root.  A no-op when
// the process already runs as exactly that user and group.
void switch_user(const UserSwitch& user);

// The umask flowkeep runs with unless -u: files 0640, directories 0750
// (flow records are personal data; the group may read, others nothing).
inline constexpr mode_t data_retention_umask = 027;

}  // namespace capture
