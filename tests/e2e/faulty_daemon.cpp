// A daemon with a leak for LeakSanitizer to find, started like flow-capture
// starts one: the parent exits 0 once the daemon has written its pidfile,
// and the daemon leaks and exits on SIGTERM, its stderr on /dev/null.  The
// end-to-end tests use it to show that what a sanitizer reports in a daemon
// fails the test (sanitizer_log.hpp).
//
//   faulty_daemon PIDFILE

#include <fcntl.h>
#include <unistd.h>
#include <csignal>
#include <cstdio>
#include <fstream>

namespace {

// Out of line, so that no live frame still holds the pointer when
// LeakSanitizer looks at exit.
[[gnu::noinline]] void leak() {
    volatile char* block = new char[64];
    block[0] = 1;
    block = nullptr;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: faulty_daemon PIDFILE\n");
        return 2;
    }
    int ready[2];
    if (::pipe(ready) != 0) return 1;
    const pid_t child = ::fork();
    if (child < 0) return 1;
    if (child > 0) {
        ::close(ready[1]);
        char byte = 0;
        return ::read(ready[0], &byte, 1) == 1 ? 0 : 1;
    }
    ::close(ready[0]);
    ::setsid();
    const int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 2);
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_BLOCK, &term, nullptr);
    std::ofstream(argv[1]) << ::getpid() << "\n";
    if (::write(ready[1], "r", 1) != 1) return 1;
    int sig = 0;
    sigwait(&term, &sig);
    leak();
    return 0;
}
