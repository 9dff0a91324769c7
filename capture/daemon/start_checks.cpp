#include "start_checks.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "flowfile/writer.hpp"

namespace capture {

namespace {

std::string errno_text() {
    return std::strerror(errno);
}

// Runs in the probing child: one line for the parent, or nothing.
std::string probe_as(const std::string& dir, const std::optional<UserSwitch>& user) {
    std::string by;
    if (user) {
        try {
            switch_user(*user);
        } catch (const PrivilegeError& e) {
            return e.what();
        }
        by = " by --user " + user->name;
    }
    if (::chdir(dir.c_str()) != 0)
        return user ? "work directory " + dir + " cannot be entered" + by + ": " + errno_text()
                    : "chdir(" + dir + "): " + errno_text();
    return work_dir_problem(".", dir, by);
}

}  // namespace

std::string work_dir_problem(const std::string& dir, const std::string& shown_as,
                             const std::string& by) {
    const std::string prefix = dir == "." ? "" : dir + "/";
    const std::string probe = prefix + ".flow-capture-probe." + std::to_string(::getpid());
    const std::string renamed = probe + ".renamed";
    const int fd =
        ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return "work directory " + shown_as + " is not writable" + by + ": " + errno_text();
    ::close(fd);
    // Every finished file is renamed (tmp- to ft-) and expiry removes them.
    if (::rename(probe.c_str(), renamed.c_str()) != 0) {
        const std::string problem = "work directory " + shown_as +
                                    " does not let files be renamed" + by + ": " + errno_text();
        ::unlink(probe.c_str());
        return problem;
    }
    if (::unlink(renamed.c_str()) != 0)
        return "work directory " + shown_as + " does not let files be removed" + by + ": " +
               errno_text() + " (left " + renamed + " behind)";
    return "";
}

void check_work_dir(const std::string& dir, const std::optional<UserSwitch>& user) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw StartRefused("cannot check the work directory " + dir + ": pipe: " + errno_text());
    const pid_t pid = ::fork();
    if (pid < 0) {
        const std::string err = errno_text();
        ::close(fds[0]);
        ::close(fds[1]);
        throw StartRefused("cannot check the work directory " + dir + ": fork: " + err);
    }
    if (pid == 0) {
        ::close(fds[0]);
        const std::string problem = probe_as(dir, user);
        const bool sent =
            ::write(fds[1], problem.data(), problem.size()) == static_cast<ssize_t>(problem.size());
        ::_exit(problem.empty() && sent ? 0 : 1);
    }
    ::close(fds[1]);
    std::string problem;
    char buf[512];
    for (;;) {
        const ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n > 0) {
            problem.append(buf, static_cast<std::size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            break;
        }
    }
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!problem.empty()) throw StartRefused(problem);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw StartRefused("cannot check the work directory " + dir +
                           ": the checking process ended abnormally");
}

CheckedStart check_start(const CaptureOptions& options) {
    CheckedStart checked;
    if (options.fast && options.compression_level != 0 && !flowfile::igzip_available())
        throw StartRefused(
            "--fast: this build has no ISA-L igzip (install libisal-dev and rebuild)");
    if (!options.user.empty()) {
        try {
            checked.user = resolve_user(options.user);
        } catch (const PrivilegeError& e) {
            throw StartRefused(e.what());
        }
    }
    check_work_dir(options.work_dir, checked.user);
    try {
        checked.socket = std::make_unique<UdpReceiver>(options.listen.bind_address().str(),
                                                       options.listen.port, options.receive_buffer);
    } catch (const std::system_error& e) {
        throw StartRefused(e.what());
    }
    return checked;
}

}  // namespace capture
