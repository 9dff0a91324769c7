#include "startup_report.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace capture {

namespace {

void write_line(int fd, const std::string& line) {
    const std::string text = line + "\n";
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // nobody listens any more
        done += static_cast<std::size_t>(n);
    }
}

std::string ended_how(int status) {
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return std::string("signal ") + ::strsignal(WTERMSIG(status));
    return "status " + std::to_string(status);
}

// A failed daemon's pidfile: only when it is empty or names that daemon, so
// a file of another, running capture is never touched.
void remove_leftover_pidfile(const std::string& path, pid_t daemon) {
    if (path.empty()) return;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
    std::ifstream in(path);
    long pid = 0;
    if (st.st_size == 0 || ((in >> pid) && pid == daemon)) ::unlink(path.c_str());
}

}  // namespace

std::string read_startup_word(int fd) {
    std::string line;
    char c = 0;
    for (;;) {
        const ssize_t n = ::read(fd, &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0 || c == '\n') return line;
        line.push_back(c);
    }
}

StartupReport::StartupReport() {
    const char* value = std::getenv(ready_fd_variable);
    if (value == nullptr) return;
    int fd = -1;
    const char* end = value + std::strlen(value);
    const auto [ptr, ec] = std::from_chars(value, end, fd);
    struct stat st {};
    // Only a pipe: a stray variable must not make us write into some file.
    if (ec == std::errc() && ptr == end && fd > 2 && ::fstat(fd, &st) == 0 &&
        S_ISFIFO(st.st_mode)) {
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
        config_fd_ = fd;
    }
    ::unsetenv(ready_fd_variable);
}

StartupReport::~StartupReport() {
    if (config_fd_ >= 0) ::close(config_fd_);
    if (daemon_fd_ >= 0) ::close(daemon_fd_);
}

void StartupReport::daemonise(const std::string& pidfile) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        std::perror("flow-capture: pipe");
        std::exit(1);
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        std::perror("flow-capture: fork");
        std::exit(1);
    }
    if (pid > 0) {
        ::close(fds[1]);
        std::string word = read_startup_word(fds[0]);
        if (word.rfind("ready ", 0) == 0) std::exit(0);
        int status = 0;
        if (word.empty()) {
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            word = "the daemon ended before it was ready (" + ended_how(status) + ")";
            // The daemon could not tell --config itself.
            if (config_fd_ >= 0) write_line(config_fd_, word);
        }
        remove_leftover_pidfile(pidfile, pid);
        // With --config waiting, the daemon told it already, and --config
        // prints it with the file and line.
        if (config_fd_ < 0) std::fprintf(stderr, "flow-capture: %s\n", word.c_str());
        std::exit(1);
    }
    ::close(fds[0]);
    daemon_fd_ = fds[1];
    ::setsid();
    const int null = ::open("/dev/null", O_RDWR);
    if (null >= 0) {
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::dup2(null, 2);
        if (null > 2) ::close(null);
    }
}

void StartupReport::send(const std::string& line) {
    for (int* fd : {&config_fd_, &daemon_fd_}) {
        if (*fd < 0) continue;
        write_line(*fd, line);
        ::close(*fd);
        *fd = -1;
    }
}

void StartupReport::ready() {
    send("ready " + std::to_string(::getpid()));
}

void StartupReport::failed(const std::string& message, const LogSink& log) {
    // In the foreground the log is stderr, where --config prints the line
    // itself; a daemon's log is syslog, which the terminal does not show.
    const bool log_too = daemon_fd_ >= 0 || config_fd_ < 0;
    send(message);
    if (log_too) log(message);
}

}  // namespace capture
