#include "privileges.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <vector>

namespace capture {

namespace {

std::string errno_text(int err) {
    return std::strerror(err);
}

}  // namespace

UserSwitch resolve_user(const std::string& name) {
    if (name.empty()) throw PrivilegeError("--user \"\": expecting a user name");
    std::vector<char> buffer(16384);
    passwd entry{};
    passwd* found = nullptr;
    int rc = ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
    if (found == nullptr) {
        // A numeric uid that has no name is still a user to switch to only
        // when the password database knows it: no made-up accounts.
        uid_t numeric = 0;
        const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), numeric);
        if (ec == std::errc() && end == name.data() + name.size())
            rc = ::getpwuid_r(numeric, &entry, buffer.data(), buffer.size(), &found);
    }
    if (found == nullptr)
        throw PrivilegeError("--user " + name + ": " +
                             (rc != 0 ? errno_text(rc) : std::string("no such user")));
    UserSwitch user{name, entry.pw_uid, entry.pw_gid};
    if (::geteuid() != 0 && (::geteuid() != user.uid || ::getegid() != user.gid))
        throw PrivilegeError("--user " + name +
                             ": only root can switch to another user (running as uid " +
                             std::to_string(::geteuid()) + ")");
    return user;
}

void switch_user(const UserSwitch& user) {
    const std::string what = "--user " + user.name + ": ";
    const bool already = ::getuid() == user.uid && ::geteuid() == user.uid &&
                         ::getgid() == user.gid && ::getegid() == user.gid;
    if (!already) {
        // Groups first: once the uid is gone, so is the right to change them.
        if (::setgroups(1, &user.gid) != 0)
            throw PrivilegeError(what + "setgroups(" + std::to_string(user.gid) +
                                 "): " + errno_text(errno));
        if (::setgid(user.gid) != 0)
            throw PrivilegeError(what + "setgid(" + std::to_string(user.gid) +
                                 "): " + errno_text(errno));
        if (::setuid(user.uid) != 0)
            throw PrivilegeError(what + "setuid(" + std::to_string(user.uid) +
                                 "): " + errno_text(errno));
    }
    uid_t ruid = 0, euid = 0, suid = 0;
    gid_t rgid = 0, egid = 0, sgid = 0;
    if (::getresuid(&ruid, &euid, &suid) != 0 || ::getresgid(&rgid, &egid, &sgid) != 0)
        throw PrivilegeError(what + "cannot read the process ids: " + errno_text(errno));
    if (ruid != user.uid || euid != user.uid || suid != user.uid || rgid != user.gid ||
        egid != user.gid || sgid != user.gid)
        throw PrivilegeError(what + "the switch did not take (uid " + std::to_string(euid) +
                             ", gid " + std::to_string(egid) + ")");
    if (user.uid != 0 && !already && (::setuid(0) == 0 || ::seteuid(0) == 0))
        throw PrivilegeError(what + "root could be regained after the switch; stopping");
}

}  // namespace capture
