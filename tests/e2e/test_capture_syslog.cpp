// End to end: flow-capture as a daemon (no -D) logs to syslog, facility
// LOCAL6, priority INFO, ident "flow-capture" with its pid (flow-capture(8),
// DIAGNOSTICS).  The daemon runs in a mount namespace whose /dev/log is a
// socket this test reads (private_syslog.cpp), so the machine's syslog is
// never touched and a machine without one can run the test.
//
// Making the namespace needs root (CAP_SYS_ADMIN): without it the test fails
// under CI and is skipped elsewhere (support/precondition.hpp).

#include <catch2/catch.hpp>

#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <regex>

#include "capture/pdu_builder.hpp"
#include "capture_process.hpp"
#include "fault_support.hpp"
#include "pdu_sender.hpp"
#include "support/precondition.hpp"
#include "support/temp_dir.hpp"

using namespace std::chrono_literals;
using flowkeep_e2e::CaptureProcess;
using flowkeep_e2e::free_udp_port;
using flowkeep_e2e::listen_arg;
using flowkeep_e2e::PduSender;
using flowkeep_e2e::read_text;
using flowkeep_test::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t router = 0x7f000002;  // 127.0.0.2

// What syslog(3) sends for facility LOCAL6 (22), priority INFO (6).
constexpr const char* local6_info = "<182>";

// Whether this process may make a mount namespace: tried in a child, so the
// test's own namespace stays as it is.  Empty when it may, else why not.
std::string namespace_problem() {
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) return std::string("pipe: ") + std::strerror(errno);
    const pid_t child = ::fork();
    if (child == 0) {
        ::close(pipe_fds[0]);
        const int err = ::unshare(CLONE_NEWNS) == 0 ? 0 : errno;
        (void)!::write(pipe_fds[1], &err, sizeof err);
        ::_exit(0);
    }
    ::close(pipe_fds[1]);
    int err = ECHILD;
    (void)!::read(pipe_fds[0], &err, sizeof err);
    ::close(pipe_fds[0]);
    ::waitpid(child, nullptr, 0);
    return err == 0 ? "" : std::string("unshare(CLONE_NEWNS): ") + std::strerror(err);
}

// The socket standing in for /dev/log: keeps every datagram it receives.
class SyslogSocket {
  public:
    explicit SyslogSocket(const fs::path& path) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        REQUIRE(path.string().size() < sizeof a.sun_path);
        std::strcpy(a.sun_path, path.c_str());
        bound_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    }
    ~SyslogSocket() { ::close(fd_); }
    SyslogSocket(const SyslogSocket&) = delete;
    SyslogSocket& operator=(const SyslogSocket&) = delete;

    bool bound() const { return bound_; }

    // Receives until a message contains `text` or the timeout; true when one does.
    bool wait_for(const std::string& text, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            for (const auto& m : messages_)
                if (m.find(text) != std::string::npos) return true;
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return false;
            receive(left);
        }
    }

    // The first message containing `text`, empty when none.
    std::string message_with(const std::string& text) const {
        for (const auto& m : messages_)
            if (m.find(text) != std::string::npos) return m;
        return "";
    }

    const std::vector<std::string>& messages() const { return messages_; }

    std::string all() const {
        std::string out;
        for (const auto& m : messages_) out += m + "\n";
        return out;
    }

  private:
    void receive(std::chrono::milliseconds timeout) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return;
        char buf[4096];
        const ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0) messages_.emplace_back(buf, static_cast<std::size_t>(n));
    }

    int fd_ = -1;
    bool bound_ = false;
    std::vector<std::string> messages_;
};

// A message as glibc's syslog(3) sends it to /dev/log: "<PRI>TIMESTAMP
// IDENT[PID]: TEXT", the timestamp as "Mmm dd hh:mm:ss".
std::regex syslog_line(const std::string& priority, pid_t pid, const std::string& text) {
    return std::regex(priority + "[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} " +
                      "flow-capture\\[" + std::to_string(pid) + "\\]: " + text);
}

}  // namespace

TEST_CASE(
    "a daemon logs to syslog as flow-capture with its pid, facility LOCAL6, priority INFO, from "
    "start-up to the stop",
    "[e2e][syslog]") {
    if (!flowkeep_test::running_as_root("the syslog test makes a mount namespace and")) return;
    const std::string problem = namespace_problem();
    if (!flowkeep_test::precondition(problem.empty(),
                                     problem + " (a container without CAP_SYS_ADMIN?)"))
        return;
    std::error_code ec;
    const bool machine_has_dev_log = fs::exists(fs::symlink_status("/dev/log", ec));

    TempDir dir;
    SyslogSocket syslog(dir / "log.sock");
    REQUIRE(syslog.bound());
    fs::create_directories(dir / "dev");
    fs::create_directories(dir / "data");
    const auto port = free_udp_port();
    const fs::path pidfile = dir / ("run.pid." + std::to_string(port));

    CaptureProcess starter(
        {(dir / "log.sock").string(), (dir / "dev").string(), FLOW_CAPTURE_BIN, "-w",
         (dir / "data").string(), "-p", (dir / "run.pid").string(), listen_arg(port)},
        dir / "err", PRIVATE_SYSLOG_BIN);
    const int started = starter.wait();
    INFO("stderr: " << starter.stderr_text());
    REQUIRE(started == 0);
    // A daemon says nothing on the terminal once it is ready.
    CHECK(starter.stderr_text().empty());
    REQUIRE(fs::exists(pidfile));
    const pid_t daemon = std::atoi(read_text(pidfile).c_str());
    REQUIRE(daemon > 0);
    // A failed REQUIRE leaves no daemon behind (its namespace goes with it).
    struct Stopper {
        pid_t pid;
        ~Stopper() {
            if (pid > 0) ::kill(pid, SIGKILL);
        }
    } left_running{daemon};

    // Waits for a message containing `text`; names what did arrive if none does.
    auto received = [&](const std::string& text) {
        if (syslog.wait_for(text, 10s)) return true;
        FAIL_CHECK("no syslog message with \"" << text << "\"; received:\n" << syslog.all());
        return false;
    };
    REQUIRE(received("setsockopt(size="));
    CHECK(std::regex_match(syslog.message_with("setsockopt(size="),
                           syslog_line(local6_info, daemon, "setsockopt\\(size=[0-9]+\\)")));

    PduSender sender(port);
    sender.send(router, flowkeep_test::build_pdu(flowkeep_test::example_header(5), 1));
    REQUIRE(received("New exporter"));
    CHECK(std::regex_match(
        syslog.message_with("New exporter"),
        syslog_line(local6_info, daemon,
                    "New exporter: time=[0-9]+ src_ip=127\\.0\\.0\\.2 dst_ip=127\\.0\\.0\\.1 "
                    "d_version=5")));

    starter.stop_daemon(daemon);
    left_running.pid = 0;
    REQUIRE(received("SIGTERM"));
    CHECK(std::regex_match(syslog.message_with("SIGTERM"),
                           syslog_line(local6_info, daemon, "SIGTERM")));
    // Every message, not only the three looked at: LOCAL6/INFO from the daemon.
    for (const auto& m : syslog.messages()) {
        INFO(m);
        CHECK(std::regex_match(m, syslog_line(local6_info, daemon, ".+")));
    }
    // The daemon's /dev was its own: the machine's /dev/log is as it was.
    CHECK(fs::exists(fs::symlink_status("/dev/log", ec)) == machine_has_dev_log);
}
