// Runs a program in a mount namespace of its own whose /dev/log is a socket
// the test bound: what a daemon started from it sends to syslog reaches the
// test, and the machine's syslog (if it has one) sees nothing.
//
// glibc's syslog(3) always connects to /dev/log, and a /dev/log created in
// the shared /dev would be the machine's too.  So the namespace gets a /dev
// of its own: a tmpfs holding the machine's entries (bind mounts, so
// /dev/null is still /dev/null for the daemon's stdio) and the test's socket
// as log.  Nothing outside the namespace changes; the mounts go with its
// last process.
//
// usage: private_syslog SOCKET STAGING_DIR PROGRAM [ARG...]
// STAGING_DIR is an empty directory the new /dev is put together in.  Exits
// 125 with the reason on stderr when the namespace cannot be made (no
// CAP_SYS_ADMIN); otherwise it becomes PROGRAM.

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

constexpr int cannot_isolate = 125;

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "private_syslog: %s: %s\n", what.c_str(), std::strerror(errno));
    std::_Exit(cannot_isolate);
}

// An empty file to bind a non-directory onto.
void make_mount_point_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) fail("create " + path);
    ::close(fd);
}

// The machine's /dev entry `name`, as it is, under `staging`.
void carry_over(const std::string& name, const std::string& staging) {
    const std::string from = "/dev/" + name;
    const std::string to = staging + "/" + name;
    struct stat st {};
    if (::lstat(from.c_str(), &st) != 0) fail("lstat " + from);
    if (S_ISLNK(st.st_mode)) {
        char target[4096];
        const ssize_t n = ::readlink(from.c_str(), target, sizeof target - 1);
        if (n < 0) fail("readlink " + from);
        target[n] = '\0';
        if (::symlink(target, to.c_str()) != 0) fail("symlink " + to);
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        if (::mkdir(to.c_str(), st.st_mode & 07777) != 0) fail("mkdir " + to);
        // /dev/pts, /dev/shm, ...: with whatever is mounted below them.
        if (::mount(from.c_str(), to.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0)
            fail("bind " + from);
        return;
    }
    make_mount_point_file(to);
    if (::mount(from.c_str(), to.c_str(), nullptr, MS_BIND, nullptr) != 0) fail("bind " + from);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: private_syslog SOCKET STAGING_DIR PROGRAM [ARG...]\n");
        return 2;
    }
    const std::string socket = argv[1];
    const std::string staging = argv[2];

    if (::unshare(CLONE_NEWNS) != 0) fail("unshare(CLONE_NEWNS)");
    // Otherwise the mounts below would propagate back to the machine.
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) fail("make / private");
    if (::mount("tmpfs", staging.c_str(), "tmpfs", 0, "mode=0755") != 0)
        fail("mount a tmpfs on " + staging);

    DIR* dev = ::opendir("/dev");
    if (dev == nullptr) fail("opendir /dev");
    while (const dirent* e = ::readdir(dev)) {
        const std::string name = e->d_name;
        if (name == "." || name == ".." || name == "log") continue;
        carry_over(name, staging);
    }
    ::closedir(dev);

    make_mount_point_file(staging + "/log");
    if (::mount(socket.c_str(), (staging + "/log").c_str(), nullptr, MS_BIND, nullptr) != 0)
        fail("bind " + socket + " as /dev/log");
    if (::mount(staging.c_str(), "/dev", nullptr, MS_MOVE, nullptr) != 0)
        fail("move the new /dev into place");

    ::execv(argv[3], argv + 3);
    fail(std::string("exec ") + argv[3]);
}
