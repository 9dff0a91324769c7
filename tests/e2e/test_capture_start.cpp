// Start-up, end to end: what flow-capture refuses before it starts, what a
// daemon that fails after the fork says on the terminal, and --config's all
// or nothing.  Each test looks at what the operator sees: the exit status,
// stderr, the pidfile, whether a capture runs.

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cstring>
#include <fstream>

#include "capture_process.hpp"
#include "fault_support.hpp"
#include "pdu_sender.hpp"
#include "support/precondition.hpp"
#include "support/temp_dir.hpp"

using namespace std::chrono_literals;
using flowkeep_e2e::CaptureProcess;
using flowkeep_e2e::free_udp_port;
using flowkeep_e2e::ImmutableGuard;
using flowkeep_e2e::listen_arg;
using flowkeep_e2e::poll_until;
using flowkeep_e2e::read_text;
using flowkeep_e2e::set_immutable;
using flowkeep_test::TempDir;
namespace fs = std::filesystem;

namespace {

// Binds 127.0.0.1:port as the process already using the port would.
class PortHolder {
  public:
    explicit PortHolder(std::uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(port);
        bound_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    }
    ~PortHolder() { ::close(fd_); }
    PortHolder(const PortHolder&) = delete;
    PortHolder& operator=(const PortHolder&) = delete;
    bool bound() const { return bound_; }

  private:
    int fd_ = -1;
    bool bound_ = false;
};

// Nobody listens on it: no capture was left running there.
bool port_free(std::uint16_t port) {
    return PortHolder(port).bound();
}

// Stops the daemon named by a pidfile, if any, which `starter` started.
void stop_daemon(CaptureProcess& starter, const fs::path& pidfile) {
    if (!fs::exists(pidfile)) return;
    const pid_t pid = std::atoi(read_text(pidfile).c_str());
    if (pid <= 0) return;
    starter.stop_daemon(pid);
}

}  // namespace

TEST_CASE(
    "flow-capture --config: a second capture line naming a missing -w starts nothing and names its "
    "line",
    "[e2e][start]") {
    TempDir dir;
    fs::create_directories(dir / "r1");
    const auto port1 = free_udp_port();
    const auto port2 = free_udp_port();
    const fs::path conf = dir / "flow-capture.conf";
    std::ofstream(conf) << "# two captures\n"
                        << "-w " << (dir / "r1").string() << " -p " << (dir / "pid").string() << " "
                        << listen_arg(port1) << "\n"
                        << "-w " << (dir / "missing").string() << " -p " << (dir / "pid").string()
                        << " " << listen_arg(port2) << "\n";
    CaptureProcess starter({"--config", conf.string()}, dir / "err");
    CHECK(starter.wait() == 1);
    CHECK(starter.stderr_text() == "flow-capture: " + conf.string() + ":3: chdir(" +
                                       (dir / "missing").string() +
                                       "): No such file or directory\n");
    // A negative, so a bounded wait: a capture of line 1 started anyway gets
    // this long to write its pidfile, hold the port or create a file.
    std::this_thread::sleep_for(300ms);
    CHECK_FALSE(fs::exists(dir / ("pid." + std::to_string(port1))));
    CHECK(port_free(port1));
    CHECK(fs::is_empty(dir / "r1"));
}

TEST_CASE(
    "flow-capture --config: a busy port, or two lines on one port, start nothing and name the line",
    "[e2e][start]") {
    TempDir dir;
    fs::create_directories(dir / "r1");
    fs::create_directories(dir / "r2");
    const auto port1 = free_udp_port();
    const auto port2 = free_udp_port();
    const fs::path conf = dir / "flow-capture.conf";
    const auto line = [&](const char* work, std::uint16_t port) {
        return "-D -w " + (dir / work).string() + " " + listen_arg(port) + "\n";
    };

    SECTION("the port of line 2 is taken by another program") {
        PortHolder other(port2);
        REQUIRE(other.bound());
        std::ofstream(conf) << line("r1", port1) << line("r2", port2);
        CaptureProcess starter({"--config", conf.string()}, dir / "err");
        CHECK(starter.wait() == 1);
        CHECK(starter.stderr_text() == "flow-capture: " + conf.string() +
                                           ":2: bind 127.0.0.1 port " + std::to_string(port2) +
                                           ": Address already in use\n");
    }
    SECTION("lines 1 and 2 on the same port") {
        std::ofstream(conf) << line("r1", port1) << line("r2", port1);
        CaptureProcess starter({"--config", conf.string()}, dir / "err");
        CHECK(starter.wait() == 1);
        CHECK(starter.stderr_text() == "flow-capture: " + conf.string() +
                                           ":2: bind 127.0.0.1 port " + std::to_string(port1) +
                                           ": Address already in use\n");
    }
    CHECK(port_free(port1));
    CHECK(fs::is_empty(dir / "r1"));
}

TEST_CASE(
    "flow-capture --config: a line that fails after its start stops the captures started before it",
    "[e2e][start]") {
    TempDir dir;
    fs::create_directories(dir / "r1");
    fs::create_directories(dir / "r2");
    const auto port1 = free_udp_port();
    const auto port2 = free_udp_port();
    const fs::path conf = dir / "flow-capture.conf";
    // Only the daemon writes its pidfile, after the fork: this line passes
    // every check and fails once started.
    const fs::path bad_pid = dir / "no-such-dir" / "pid";
    std::ofstream(conf) << "-w " << (dir / "r1").string() << " -p " << (dir / "pid").string() << " "
                        << listen_arg(port1) << "\n"
                        << "-w " << (dir / "r2").string() << " -p " << bad_pid.string() << " "
                        << listen_arg(port2) << "\n";
    CaptureProcess starter({"--config", conf.string()}, dir / "err");
    CHECK(starter.wait() == 1);
    CHECK(starter.stderr_text() ==
          "flow-capture: " + conf.string() + ":2: pidfile " + bad_pid.string() + "." +
              std::to_string(port2) +
              ": No such file or directory\nflow-capture: " + conf.string() +
              ": stopped the 1 capture(s) of the lines before line 2 again; "
              "nothing runs\n");
    CHECK_FALSE(fs::exists(dir / ("pid." + std::to_string(port1))));
    CHECK(port_free(port1));
    CHECK(port_free(port2));
}

TEST_CASE("flow-capture --config: the captures of a good file are running when it exits 0",
          "[e2e][start]") {
    TempDir dir;
    fs::create_directories(dir / "r1");
    fs::create_directories(dir / "r2");
    const auto port1 = free_udp_port();
    const auto port2 = free_udp_port();
    const fs::path conf = dir / "flow-capture.conf";
    std::ofstream(conf) << "-w " << (dir / "r1").string() << " -p " << (dir / "pid").string() << " "
                        << listen_arg(port1) << "\n"
                        << "-w " << (dir / "r2").string() << " -p " << (dir / "pid").string() << " "
                        << listen_arg(port2) << "\n";
    CaptureProcess starter({"--config", conf.string()}, dir / "err");
    REQUIRE(starter.wait() == 0);
    const fs::path pid1 = dir / ("pid." + std::to_string(port1));
    const fs::path pid2 = dir / ("pid." + std::to_string(port2));
    // Ready means the pidfile is written: no waiting for it.
    CHECK(fs::exists(pid1));
    CHECK(fs::exists(pid2));
    CHECK_FALSE(port_free(port1));
    CHECK_FALSE(port_free(port2));
    CHECK(starter.stderr_text().empty());
    stop_daemon(starter, pid1);
    stop_daemon(starter, pid2);
}

TEST_CASE("a daemon on a busy port exits 1 with the reason and leaves no pidfile", "[e2e][start]") {
    TempDir dir;
    const auto port = free_udp_port();
    PortHolder other(port);
    REQUIRE(other.bound());
    CaptureProcess p(
        {"-w", dir.path().string(), "-p", (dir / "run.pid").string(), listen_arg(port)},
        dir / "err");
    CHECK(p.wait() == 1);
    CHECK(p.stderr_text() == "flow-capture: bind 127.0.0.1 port " + std::to_string(port) +
                                 ": Address already in use\n");
    CHECK_FALSE(fs::exists(dir / ("run.pid." + std::to_string(port))));
}

TEST_CASE("a daemon that fails after the fork: its parent exits 1 with the daemon's message",
          "[e2e][start]") {
    TempDir dir;
    const auto port = free_udp_port();
    const fs::path bad_pid = dir / "no-such-dir" / "run.pid";
    CaptureProcess p({"-w", dir.path().string(), "-p", bad_pid.string(), listen_arg(port)},
                     dir / "err");
    CHECK(p.wait() == 1);
    CHECK(p.stderr_text() == "flow-capture: pidfile " + bad_pid.string() + "." +
                                 std::to_string(port) + ": No such file or directory\n");
    // The daemon may still be on its way out when its parent has exited.
    CHECK(poll_until([&] { return port_free(port); }, 10s));
}

TEST_CASE("a daemon's parent exits 0 once the daemon is ready, its pidfile written",
          "[e2e][start]") {
    TempDir dir;
    const auto port = free_udp_port();
    const fs::path pidfile = dir / ("run.pid." + std::to_string(port));
    CaptureProcess p(
        {"-w", dir.path().string(), "-p", (dir / "run.pid").string(), listen_arg(port)},
        dir / "err");
    REQUIRE(p.wait() == 0);
    CHECK(p.stderr_text().empty());
    REQUIRE(fs::exists(pidfile));
    const pid_t daemon = std::atoi(read_text(pidfile).c_str());
    CHECK(daemon > 0);
    CHECK(::kill(daemon, 0) == 0);
    stop_daemon(p, pidfile);
}

TEST_CASE(
    "the option --user nobody with a work directory nobody cannot write: refused on the terminal, "
    "no pidfile",
    "[e2e][start][privileges]") {
    if (!flowkeep_test::running_as_root("--user")) return;
    const passwd* nobody = ::getpwnam("nobody");
    if (!flowkeep_test::precondition(nobody != nullptr, "a user nobody")) return;
    TempDir dir;  // root's, 0755: nobody may enter it, not write
    const fs::path work = dir / "data";
    fs::create_directories(work);
    const auto port = free_udp_port();
    const std::string expected = "flow-capture: work directory " + work.string() +
                                 " is not writable by --user nobody: Permission denied\n";
    SECTION("as a daemon") {
        CaptureProcess p({"--user", "nobody", "-p", (dir / "run.pid").string(), "-w", work.string(),
                          listen_arg(port)},
                         dir / "err");
        CHECK(p.wait() == 1);
        CHECK(p.stderr_text() == expected);
        CHECK_FALSE(fs::exists(dir / ("run.pid." + std::to_string(port))));
    }
    SECTION("in the foreground") {
        CaptureProcess p({"-D", "--user", "nobody", "-w", work.string(), listen_arg(port)},
                         dir / "err");
        CHECK(p.wait() == 1);
        CHECK(p.stderr_text() == expected);
    }
    SECTION("from a --config line") {
        std::ofstream(dir / "c.conf") << "--user nobody -p " << (dir / "run.pid").string() << " -w "
                                      << work.string() << " " << listen_arg(port) << "\n";
        CaptureProcess p({"--config", (dir / "c.conf").string()}, dir / "err");
        CHECK(p.wait() == 1);
        CHECK(p.stderr_text() == "flow-capture: " + (dir / "c.conf").string() +
                                     ":1: " + expected.substr(std::strlen("flow-capture: ")));
        CHECK_FALSE(fs::exists(dir / ("run.pid." + std::to_string(port))));
    }
    CHECK(port_free(port));
}

TEST_CASE("an immutable work directory is refused at start, with and without -D", "[e2e][start]") {
    if (!flowkeep_test::running_as_root("chattr +i")) return;
    TempDir dir;
    const fs::path work = dir / "data";
    fs::create_directories(work);
    const int err = set_immutable(work, true);
    if (err != 0) {
        fs::remove_all(dir.path());
        flowkeep_test::precondition(
            false, std::string("chattr +i (CAP_LINUX_IMMUTABLE): ") + std::strerror(err));
        return;
    }
    const ImmutableGuard unset{work};
    const auto port = free_udp_port();
    const std::string expected = "flow-capture: work directory " + work.string() +
                                 " is not writable: Operation not permitted\n";
    for (const bool foreground : {true, false}) {
        INFO((foreground ? "-D" : "daemon"));
        std::vector<std::string> args = {"-p", (dir / "run.pid").string(), "-w", work.string(),
                                         listen_arg(port)};
        if (foreground) args.insert(args.begin(), "-D");
        CaptureProcess p(args, dir / "err");
        CHECK(p.wait(10s) == 1);
        CHECK(p.stderr_text() == expected);
        CHECK_FALSE(fs::exists(dir / ("run.pid." + std::to_string(port))));
        CHECK(port_free(port));
    }
}
