// bench_capture: how fast a collector can receive NetFlow on loopback without
// losing flows, what CPU time it spends per million flows, and how many bytes
// a flow costs on disk.  flowkeep's flow-capture and nfdump's nfcapd are run
// on the same traffic (flow-send, the ISP traffic model) in the same run, so
// the comparison does not depend on the machine or on the day.
//
// For every collector and every rate of a ladder: start the collector in the
// foreground on a loopback port with a fresh directory, run flow-send at that
// rate for a few seconds, wait until the socket's queue is empty, stop the
// collector with SIGTERM, then read back every flow it stored.  Loss is
// 1 - stored/sent.  CPU time comes from the collector's rusage when it is
// reaped (every thread, including the work of finishing its files), which is
// the same count as utime+stime in /proc/PID/stat but to the microsecond and
// after the last write.
//
// The sender runs on the same machine.  Its achieved rate and CPU are shown
// next to each step, so a step where the sender, not the collector, was the
// limit is visible as such.  It never fails on speed: figures depend on the
// machine and on what else runs on it.
//
// Every collector receives the same flows as NetFlow v5, v9 and IPFIX
// (flow-send --version), so the cost of the templated formats is measured
// against the same collector's v5 on the same ladder.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "flowfile/error.hpp"
#include "flowfile/reader.hpp"
#include "quantity.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Seconds = std::chrono::duration<double>;
using flowkeep::bench::parse_quantity;
using flowkeep::bench::quantity_text;

constexpr int usage_exit_code = 2;
// Loss below this is "no loss" for the highest-rate figure (the issue's
// criterion).
constexpr double loss_threshold = 0.001;
// The sender reached the offered rate if it got this close.
constexpr double sender_reached = 0.98;
// What the benchmark raises net.core.rmem_max to, so a --socket-buffer up to
// it is granted in full.
constexpr long wanted_rmem_max = 33554432;

volatile std::sig_atomic_t interrupted = 0;
extern "C" void on_interrupt(int) {
    interrupted = 1;
}

struct Options {
    std::string rates = "100k,200k,400k,800k,1.2M,1.6M,2.4M,3.2M";
    double seconds = 6;
    std::string collectors = "flow-capture,flow-capture-z1,flow-capture-fast,nfcapd,nfcapd-lz4";
    int socket_buffer = 4 * 1024 * 1024;  // flow-tools' (and flow-capture's) default
    int exporters = 2;
    std::string versions = "5,9,10";
    bool quick = false;
    bool keep = false;
    bool no_sysctl = false;
    double quiet_wait = 60;
    int retries = 2;
    std::string dir;
    std::string flow_capture = FLOW_CAPTURE_BIN;
    std::string flow_send = FLOW_SEND_BIN;
    std::string nfcapd = "nfcapd";
    std::string nfdump = "nfdump";
};

void declare_options(CLI::App& app, Options& o) {
    app.description(
        "Highest NetFlow rate received with < 0.1% loss on loopback, CPU seconds per million "
        "flows and bytes per flow on disk, for flowkeep's flow-capture and nfdump's nfcapd on "
        "the same traffic.");
    app.add_option("--rates", o.rates, "comma-separated ladder of offered rates in flows/s")
        ->capture_default_str();
    app.add_option("--seconds", o.seconds, "sending time of each step")
        ->check(CLI::Range(1.0, 600.0))
        ->capture_default_str();
    app.add_option("--collectors", o.collectors,
                   "comma-separated: flow-capture (its default -z, level 6), flow-capture-zN "
                   "(N = 0..9), flow-capture-fast (--fast, igzip), flow-capture-client-order "
                   "(--client-networks 10.0.0.0/21), nfcapd (uncompressed, its "
                   "default), nfcapd-lz4, nfcapd-lzo")
        ->capture_default_str();
    app.add_option("--socket-buffer", o.socket_buffer,
                   "receive buffer in bytes asked by every collector (flow-capture "
                   "--receive-buffer, nfcapd -B)")
        ->check(CLI::Range(65536, 1 << 30))
        ->capture_default_str();
    app.add_option("--exporters", o.exporters, "routers simulated by flow-send")
        ->check(CLI::Range(1, 250))
        ->capture_default_str();
    app.add_option("--versions", o.versions,
                   "comma-separated export versions flow-send sends to every collector: 5 "
                   "(NetFlow v5), 9 (NetFlow v9), 10 (IPFIX)")
        ->capture_default_str();
    app.add_flag("--quick", o.quick, "a short run: rates 200k,800k,1.6M, 3 s each");
    app.add_option("--dir", o.dir,
                   "where the collectors write (default: a new directory under $TMPDIR or /tmp)");
    app.add_flag("--keep", o.keep, "keep every step's files (they are removed after counting)");
    app.add_flag("--no-sysctl", o.no_sysctl, "leave net.core.rmem_max alone");
    app.add_option("--quiet-wait", o.quiet_wait,
                   "before each step, wait up to this many seconds for other processes to leave "
                   "the CPUs idle (0 = do not wait)")
        ->check(CLI::Range(0.0, 3600.0))
        ->capture_default_str();
    app.add_option("--retries", o.retries,
                   "run a step again, up to this many times, when other processes used the CPUs "
                   "during it")
        ->check(CLI::Range(0, 10))
        ->capture_default_str();
    app.add_option("--flow-capture", o.flow_capture, "flow-capture binary")->capture_default_str();
    app.add_option("--flow-send", o.flow_send, "flow-send binary")->capture_default_str();
    app.add_option("--nfcapd", o.nfcapd, "nfcapd binary (Debian package nfdump)")
        ->capture_default_str();
    app.add_option("--nfdump", o.nfdump, "nfdump binary, to count what nfcapd stored")
        ->capture_default_str();
}

// --- collectors -----------------------------------------------------------

struct Collector {
    enum class Kind { flow_capture, nfcapd };
    Kind kind = Kind::flow_capture;
    std::string name;                // as given in --collectors
    std::string label;               // for the table
    std::vector<std::string> extra;  // arguments that select compression
    // flow-capture drops to zlib level 1 while its writer is behind; only
    // worth a note when that changes the level.
    bool catch_up_changes_level = false;
};

Collector parse_collector(const std::string& name) {
    Collector c;
    c.name = name;
    if (name == "flow-capture") {
        c.label = "flow-capture (default -z, level 6)";
        c.catch_up_changes_level = true;
    } else if (name.size() == 15 && name.starts_with("flow-capture-z") && name[14] >= '0' &&
               name[14] <= '9') {
        c.extra = {"-z", std::string(1, name[14])};
        c.label = "flow-capture -z " + std::string(1, name[14]);
        c.catch_up_changes_level = name[14] > '1';
    } else if (name == "flow-capture-fast") {
        c.extra = {"--fast"};
        c.label = "flow-capture --fast (ISA-L igzip)";
    } else if (name == "flow-capture-client-order") {
        // The model's client range: each finished file is written again in
        // client order, which the CPU figure then includes.
        c.extra = {"--client-networks", "10.0.0.0/21"};
        c.label = "flow-capture --client-networks 10.0.0.0/21";
        c.catch_up_changes_level = true;
    } else if (name == "nfcapd") {
        c.kind = Collector::Kind::nfcapd;
        c.label = "nfcapd (uncompressed, its default)";
    } else if (name == "nfcapd-lz4") {
        c.kind = Collector::Kind::nfcapd;
        c.extra = {"-y"};
        c.label = "nfcapd -y (LZ4)";
    } else if (name == "nfcapd-lzo") {
        c.kind = Collector::Kind::nfcapd;
        c.extra = {"-z"};
        c.label = "nfcapd -z (LZO)";
    } else {
        throw std::invalid_argument("--collectors: unknown collector '" + name +
                                    "' (flow-capture, flow-capture-zN, flow-capture-fast, "
                                    "flow-capture-client-order, nfcapd, nfcapd-lz4, nfcapd-lzo)");
    }
    return c;
}

std::vector<std::string> split(const std::string& text, char sep) {
    std::vector<std::string> out;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, sep))
        if (!item.empty()) out.push_back(item);
    return out;
}

// --- child processes ------------------------------------------------------

struct ChildExit {
    int status = 0;
    double cpu_seconds = 0;  // user + system, every thread
};

class Child {
  public:
    // Starts argv[0] (searched in PATH) with stdin from /dev/null and
    // stdout/stderr into files.  It gets SIGTERM if the benchmark dies, so
    // no collector outlives an interrupted run.
    Child(const std::vector<std::string>& argv, const fs::path& out, const fs::path& err) {
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
        if (pid_ == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGTERM);
            const int in = ::open("/dev/null", O_RDONLY);
            const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(in, 0);
            ::dup2(o, 1);
            ::dup2(e, 2);
            std::vector<char*> args;
            for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
            args.push_back(nullptr);
            ::execvp(args[0], args.data());
            std::fprintf(stderr, "cannot run %s: %s\n", args[0], std::strerror(errno));
            ::_exit(127);
        }
    }
    ~Child() {
        if (!exit_) {
            ::kill(pid_, SIGKILL);
            wait_for(std::chrono::seconds(5));
        }
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    pid_t pid() const { return pid_; }
    void signal(int sig) const {
        if (!exit_) ::kill(pid_, sig);
    }
    // Reaps the child if it has exited.
    bool exited() {
        if (exit_) return true;
        int status = 0;
        rusage ru{};
        if (::wait4(pid_, &status, WNOHANG, &ru) == pid_) {
            exit_ = ChildExit{status, static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                                          (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6};
            return true;
        }
        return false;
    }
    std::optional<ChildExit> wait_for(Clock::duration timeout) {
        const auto until = Clock::now() + timeout;
        while (!exited() && Clock::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        return exit_;
    }
    const std::optional<ChildExit>& exit() const { return exit_; }

  private:
    pid_t pid_ = -1;
    std::optional<ChildExit> exit_;
};

std::string exit_text(int status) {
    if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return std::string("killed by ") + ::strsignal(WTERMSIG(status));
    return "status " + std::to_string(status);
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string last_line(const std::string& text) {
    std::string t = text;
    while (!t.empty() && t.back() == '\n') t.pop_back();
    const auto nl = t.rfind('\n');
    return nl == std::string::npos ? t : t.substr(nl + 1);
}

// key=value pairs of a flow-send SUMMARY line or a flow-capture status file.
std::map<std::string, std::string> key_values(const std::string& text) {
    std::map<std::string, std::string> out;
    std::stringstream in(text);
    std::string word;
    while (in >> word) {
        const auto eq = word.find('=');
        if (eq != std::string::npos) out[word.substr(0, eq)] = word.substr(eq + 1);
    }
    return out;
}

double number(const std::map<std::string, std::string>& kv, const std::string& key) {
    const auto it = kv.find(key);
    return it == kv.end() ? 0 : std::strtod(it->second.c_str(), nullptr);
}

// --- the collector's socket, as the kernel sees it -------------------------

struct SocketState {
    bool bound = false;
    std::uint64_t queued_bytes = 0;  // rx_queue
    std::uint64_t drops = 0;         // datagrams dropped: receive buffer full
};

// The IPv4 UDP socket bound to `port` (/proc/net/udp).  Both collectors
// are told to bind 127.0.0.1, so there is exactly one.
SocketState udp_socket(std::uint16_t port) {
    SocketState s;
    std::ifstream in("/proc/net/udp");
    std::string line;
    std::getline(in, line);  // column names
    while (std::getline(in, line)) {
        std::stringstream f(line);
        std::string slot, local, remote, state, queues;
        f >> slot >> local >> remote >> state >> queues;
        const auto colon = local.find(':');
        if (colon == std::string::npos) continue;
        if (std::stoul(local.substr(colon + 1), nullptr, 16) != port) continue;
        s.bound = true;
        const auto qc = queues.find(':');
        if (qc != std::string::npos)
            s.queued_bytes = std::stoull(queues.substr(qc + 1), nullptr, 16);
        std::string last, w;
        while (f >> w) last = w;
        s.drops = std::stoull(last);
        return s;
    }
    return s;
}

std::uint16_t free_udp_port() {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        throw std::runtime_error(std::string("cannot find a free UDP port: ") +
                                 std::strerror(errno));
    ::close(fd);
    return ntohs(a.sin_port);
}

// --- other load on the machine ---------------------------------------------

// CPU seconds the whole machine has spent busy since boot (/proc/stat),
// without softirq time: on loopback the softirq work is the delivery of our
// own datagrams, not somebody else's load.  Steal time counts as busy: the
// hypervisor gave our cores to someone else.
double machine_busy_seconds() {
    std::ifstream in("/proc/stat");
    std::string cpu;
    in >> cpu;
    // user nice system idle iowait irq softirq steal
    unsigned long long v[8] = {};
    for (auto& x : v) in >> x;
    const unsigned long long busy = v[0] + v[1] + v[2] + v[5] + v[7];
    return static_cast<double>(busy) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double own_cpu_seconds() {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// The figures are only meaningful when the collector and the sender have
// the cores to themselves.  Other load (a build, another benchmark) is
// measured around each step and reported; before a step the benchmark waits
// a while for it to go away.
constexpr double quiet_load = 0.10;  // cores busy with something else
// Above this, a step's figures are marked unreliable and the step is run again.
constexpr double disturbed_load = 2 * quiet_load;

double other_load_now(std::chrono::milliseconds window) {
    const double busy = machine_busy_seconds(), own = own_cpu_seconds();
    std::this_thread::sleep_for(window);
    const double seconds = std::chrono::duration<double>(window).count();
    return std::max(0.0, (machine_busy_seconds() - busy) - (own_cpu_seconds() - own)) / seconds;
}

// Returns the load that was left when it stopped waiting.
double wait_for_quiet(double max_seconds) {
    const auto until =
        Clock::now() + std::chrono::duration_cast<Clock::duration>(Seconds(max_seconds));
    double load = other_load_now(std::chrono::milliseconds(500));
    while (load > quiet_load && Clock::now() < until && !interrupted)
        load = other_load_now(std::chrono::milliseconds(1000));
    return load;
}

// --- net.core.rmem_max ----------------------------------------------------

// Raises net.core.rmem_max for the run if it is lower than wanted and the
// benchmark may write it; puts the old value back when the run ends.
class RmemMax {
  public:
    explicit RmemMax(bool leave_alone) {
        original_ = read();
        if (original_ < 0) {
            note_ = "net.core.rmem_max: unreadable, left alone";
        } else if (leave_alone) {
            note_ =
                "net.core.rmem_max = " + std::to_string(original_) + " (left alone: --no-sysctl)";
        } else if (original_ >= wanted_rmem_max) {
            note_ = "net.core.rmem_max = " + std::to_string(original_) + " (already high enough)";
        } else if (write(wanted_rmem_max)) {
            raised_ = true;
            note_ = "net.core.rmem_max raised from " + std::to_string(original_) + " to " +
                    std::to_string(wanted_rmem_max) + " for this run (restored at the end)";
        } else {
            note_ = "net.core.rmem_max = " + std::to_string(original_) +
                    " (could not raise it: not permitted here)";
        }
    }
    ~RmemMax() {
        if (raised_) write(original_);
    }
    RmemMax(const RmemMax&) = delete;
    RmemMax& operator=(const RmemMax&) = delete;
    const std::string& note() const { return note_; }
    long value() const { return raised_ ? wanted_rmem_max : original_; }

  private:
    static constexpr const char* path = "/proc/sys/net/core/rmem_max";
    static long read() {
        std::ifstream in(path);
        long v = -1;
        in >> v;
        return in ? v : -1;
    }
    static bool write(long v) {
        std::ofstream out(path);
        out << v << '\n';
        out.flush();
        return static_cast<bool>(out) && read() == v;
    }
    long original_ = -1;
    bool raised_ = false;
    std::string note_;
};

// --- counting what was stored ---------------------------------------------

struct Stored {
    std::uint64_t flows = 0;
    std::uint64_t bytes = 0;  // apparent size of the files, headers included
    std::uint64_t files = 0;
    std::string problem;  // non-empty when a file did not read cleanly
};

// Every flow-tools file flow-capture left (ft- and, after a crash, tmp-),
// read to the last record with libflowfile's Reader.
Stored count_flow_capture(const fs::path& dir) {
    Stored s;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        const std::string name = e.path().filename().string();
        if (!name.starts_with("ft-") && !name.starts_with("tmp-")) continue;
        ++s.files;
        s.bytes += e.file_size();
        try {
            auto reader = flowfile::Reader::open(e.path());
            for (auto batch = reader->next_batch(); !batch.empty(); batch = reader->next_batch())
                s.flows += batch.size();
            if (!reader->status().ok()) s.problem = reader->status().message;
        } catch (const flowfile::Error& err) {
            s.problem = err.what();
        }
    }
    return s;
}

// nfcapd's files, read back by nfdump: one short line per stored flow.
Stored count_nfcapd(const fs::path& dir, const std::string& nfdump) {
    Stored s;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (!e.is_regular_file() || !e.path().filename().string().starts_with("nfcapd.")) continue;
        ++s.files;
        s.bytes += e.file_size();
    }
    if (s.files == 0) return s;
    const std::string command = nfdump + " -R '" + dir.string() + "' -q -o 'fmt:%pr' 2>&1";
    FILE* p = ::popen(command.c_str(), "r");
    if (!p) {
        s.problem = "cannot run " + nfdump;
        return s;
    }
    char buf[1 << 16];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) s.flows += std::count(buf, buf + n, '\n');
    const int status = ::pclose(p);
    if (status != 0) s.problem = nfdump + " " + exit_text(status);
    return s;
}

// --- one step -------------------------------------------------------------

struct Step {
    double offered = 0;
    // flow-send
    std::uint64_t sent = 0;
    double sent_rate = 0;
    double send_seconds = 0;
    double sender_cpu = 0;  // seconds
    // collector
    Stored stored;
    double cpu = 0;  // seconds
    std::uint64_t socket_drops = 0;
    std::map<std::string, std::string> status;  // flow-capture's status file at exit
    // Cores kept busy by other processes during the step, on average.
    double other_load = 0;
    std::string note;

    double loss() const {
        return sent == 0 ? 0 : 1.0 - static_cast<double>(stored.flows) / static_cast<double>(sent);
    }
    bool sender_short() const { return sent_rate < sender_reached * offered; }
    double cpu_per_mflow() const {
        const double mflows = static_cast<double>(stored.flows) / 1e6;
        return mflows > 0 ? cpu / mflows : 0.0;
    }
};

std::string tail_of(const fs::path& path) {
    return last_line(read_text(path));
}

Step run_step(const Options& o, const Collector& c, int version, double rate, std::uint16_t port,
              const fs::path& dir) {
    Step step;
    step.offered = rate;
    const fs::path flows = dir / "flows";
    fs::create_directories(flows);
    const fs::path status_file = dir / "status";

    std::vector<std::string> argv;
    if (c.kind == Collector::Kind::flow_capture) {
        argv = {o.flow_capture,
                "-D",
                "-w",
                flows.string(),
                "--status-file",
                status_file.string(),
                "--receive-buffer",
                std::to_string(o.socket_buffer)};
        argv.insert(argv.end(), c.extra.begin(), c.extra.end());
        argv.push_back("127.0.0.1/0/" + std::to_string(port));
    } else {
        argv = {o.nfcapd,
                "-w",
                flows.string(),
                "-p",
                std::to_string(port),
                "-b",
                "127.0.0.1",
                "-B",
                std::to_string(o.socket_buffer)};
        argv.insert(argv.end(), c.extra.begin(), c.extra.end());
    }
    const double busy_before = machine_busy_seconds(), own_before = own_cpu_seconds();
    const auto started = Clock::now();
    Child collector(argv, dir / "collector.out", dir / "collector.err");

    const auto ready_by = Clock::now() + std::chrono::seconds(10);
    while (!udp_socket(port).bound) {
        if (collector.exited() || Clock::now() > ready_by) {
            step.note = "collector did not start: " + tail_of(dir / "collector.err");
            return step;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }

    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%g", o.seconds);
    char rate_text[32];
    std::snprintf(rate_text, sizeof rate_text, "%.0f", rate);
    {
        Child sender({o.flow_send, "127.0.0.1:" + std::to_string(port), "--rate", rate_text,
                      "--seconds", seconds, "--exporters", std::to_string(o.exporters), "--version",
                      std::to_string(version)},
                     dir / "send.out", dir / "send.err");
        while (!sender.wait_for(std::chrono::milliseconds(100))) {
            if (interrupted) sender.signal(SIGINT);
        }
        const auto summary = key_values(last_line(read_text(dir / "send.out")));
        step.sent = static_cast<std::uint64_t>(number(summary, "flows"));
        step.sent_rate = number(summary, "rate");
        step.send_seconds = number(summary, "seconds");
        step.sender_cpu = sender.exit()->cpu_seconds;
        if (summary.empty())
            step.note = "flow-send failed (" + exit_text(sender.exit()->status) +
                        "): " + tail_of(dir / "send.err");
    }

    // Whatever is still in the socket's queue is the collector's to read, not
    // lost: wait until it has been read (or the collector stopped reading).
    SocketState socket = udp_socket(port);
    const auto settle_by = Clock::now() + std::chrono::seconds(30);
    for (int empty = 0; empty < 3 && Clock::now() < settle_by && !collector.exited();) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        socket = udp_socket(port);
        empty = socket.queued_bytes == 0 ? empty + 1 : 0;
    }
    step.socket_drops = socket.drops;

    collector.signal(SIGTERM);
    // A writer that fell behind finishes its queue before exiting.
    if (!collector.wait_for(std::chrono::seconds(120))) {
        collector.signal(SIGKILL);
        collector.wait_for(std::chrono::seconds(5));
        step.note = "collector did not stop within 120 s of SIGTERM; killed";
    }
    if (collector.exit()) {
        step.cpu = collector.exit()->cpu_seconds;
        const double elapsed = Seconds(Clock::now() - started).count();
        step.other_load =
            std::max(0.0, (machine_busy_seconds() - busy_before) -
                              (own_cpu_seconds() - own_before) - step.cpu - step.sender_cpu) /
            elapsed;
        const int st = collector.exit()->status;
        if (step.note.empty() && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
            step.note = "collector " + exit_text(st) + ": " + tail_of(dir / "collector.err");
    }

    step.stored = c.kind == Collector::Kind::flow_capture ? count_flow_capture(flows)
                                                          : count_nfcapd(flows, o.nfdump);
    if (c.kind == Collector::Kind::flow_capture) step.status = key_values(read_text(status_file));
    if (!step.stored.problem.empty() && step.note.empty()) step.note = step.stored.problem;
    if (!o.keep) fs::remove_all(flows);
    return step;
}

// --- report ---------------------------------------------------------------

std::string step_notes(const Collector& c, const Step& s) {
    std::vector<std::string> notes;
    if (s.sent > 0 && s.sender_short())
        notes.push_back("sender reached only " + quantity_text(s.sent_rate) + ": sender-limited");
    if (c.kind == Collector::Kind::flow_capture) {
        if (number(s.status, "queue_dropped_flows") > 0)
            notes.push_back("queue drops " + s.status.at("queue_dropped_flows") + " flows");
        if (number(s.status, "catch_up_episodes") > 0)
            notes.push_back(c.catch_up_changes_level ? "writer fell behind: -z 1 until caught up"
                                                     : "writer fell behind");
    }
    if (s.socket_drops > 0)
        notes.push_back("socket full: " + std::to_string(s.socket_drops) + " datagrams dropped");
    if (s.other_load > disturbed_load) {
        char busy[96];
        std::snprintf(busy, sizeof busy, "other processes kept %.0f%% of a core busy: unreliable",
                      100 * s.other_load);
        notes.push_back(busy);
    }
    if (!s.note.empty()) notes.push_back(s.note);
    std::string out;
    for (const auto& n : notes) out += (out.empty() ? "" : "; ") + n;
    return out;
}

void print_header_row() {
    std::printf("%8s %9s %6s %11s %8s %8s %6s %8s  %s\n", "offered", "sent/s", "snd%", "stored",
                "loss %", "CPU s/M", "cpu%", "B/flow", "notes");
}

void print_step(const Collector& c, const Step& s) {
    const double mflows = static_cast<double>(s.stored.flows) / 1e6;
    const double secs = s.send_seconds > 0 ? s.send_seconds : 1;
    std::printf("%8s %9s %4.0f%% %11llu %8.3f %8.3f %4.0f%% %7.2f %5.0f%%  %s\n",
                quantity_text(s.offered).c_str(), quantity_text(s.sent_rate).c_str(),
                100 * s.sender_cpu / secs, static_cast<unsigned long long>(s.stored.flows),
                100 * s.loss(), mflows > 0 ? s.cpu / mflows : 0.0, 100 * s.cpu / secs,
                s.stored.flows > 0
                    ? static_cast<double>(s.stored.bytes) / static_cast<double>(s.stored.flows)
                    : 0.0,
                100 * s.other_load, step_notes(c, s).c_str());
    std::fflush(stdout);
}

struct Verdict {
    std::optional<Step> best;   // highest sent rate with loss < threshold
    std::optional<Step> above;  // the first step above it that lost more
};

Verdict judge(const std::vector<Step>& steps) {
    Verdict v;
    for (const Step& s : steps) {
        // A step disturbed by other load judges nothing.
        if (s.sent == 0 || s.other_load > disturbed_load) continue;
        if (s.loss() < loss_threshold) {
            if (!v.best || s.sent_rate > v.best->sent_rate) {
                v.best = s;
                v.above.reset();
            }
        } else if (!v.above && (!v.best || s.offered > v.best->offered)) {
            v.above = s;
        }
    }
    return v;
}

const char* version_name(int version) {
    return version == 9 ? "NetFlow v9" : version == 10 ? "IPFIX" : "NetFlow v5";
}

// One collector on one export version, over the whole ladder.
struct Run {
    Collector collector;
    int version = 5;
    std::vector<Step> steps;
};

// v9 and IPFIX against the same collector's v5: the highest loss-free rates,
// and CPU per million flows at the highest offered rate that both received
// without loss (the same rate, so the daemon's fixed costs weigh the same).
void print_against_v5(const std::vector<Run>& runs) {
    bool header = false;
    for (const Run& run : runs) {
        if (run.version == 5) continue;
        const auto v5 = std::find_if(runs.begin(), runs.end(), [&](const Run& r) {
            return r.version == 5 && r.collector.name == run.collector.name;
        });
        if (v5 == runs.end()) continue;
        if (!header) {
            std::printf(
                "\nagainst the same collector's v5 (rate: highest loss-free rate over v5's; "
                "CPU: CPU s/M over v5's\nat the highest offered rate both held without loss):\n");
            header = true;
        }
        const Verdict a = judge(run.steps), b = judge(v5->steps);
        std::string line = "rate ";
        char buf[128];
        if (a.best && b.best) {
            std::snprintf(buf, sizeof buf, "%.2fx (%s / %s)", a.best->sent_rate / b.best->sent_rate,
                          quantity_text(a.best->sent_rate).c_str(),
                          quantity_text(b.best->sent_rate).c_str());
            line += buf;
        } else {
            line += "n/a";
        }
        const Step* common = nullptr;
        const Step* common_v5 = nullptr;
        for (const Step& s : run.steps) {
            if (s.sent == 0 || s.loss() >= loss_threshold || s.other_load > disturbed_load)
                continue;
            for (const Step& t : v5->steps)
                if (t.offered == s.offered && t.sent > 0 && t.loss() < loss_threshold &&
                    t.other_load <= disturbed_load && (!common || s.offered > common->offered)) {
                    common = &s;
                    common_v5 = &t;
                }
        }
        if (common && common_v5->cpu_per_mflow() > 0) {
            std::snprintf(buf, sizeof buf, ", CPU %.2fx at %s (%.3f / %.3f s/M)",
                          common->cpu_per_mflow() / common_v5->cpu_per_mflow(),
                          quantity_text(common->offered).c_str(), common->cpu_per_mflow(),
                          common_v5->cpu_per_mflow());
            line += buf;
        } else {
            line += ", CPU n/a (no rate both held)";
        }
        std::printf("  %-36s %-10s %s\n", run.collector.label.c_str(), version_name(run.version),
                    line.c_str());
    }
}

std::string first_line_of_command(const std::string& command) {
    FILE* p = ::popen((command + " 2>&1").c_str(), "r");
    if (!p) return "";
    char buf[512] = {};
    const bool got = std::fgets(buf, sizeof buf, p) != nullptr;
    ::pclose(p);
    std::string s = got ? buf : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
        if (line.starts_with("model name")) return line.substr(line.find(':') + 2);
    return "unknown CPU";
}

bool on_path(const std::string& program) {
    if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0;
    const char* path = std::getenv("PATH");
    for (const auto& d : split(path ? path : "/usr/bin:/bin", ':'))
        if (::access((fs::path(d) / program).c_str(), X_OK) == 0) return true;
    return false;
}

int run(Options o) {
    if (o.quick) {
        o.rates = "200k,800k,1.6M";
        o.seconds = 3;
    }
    std::vector<double> rates;
    for (const auto& r : split(o.rates, ',')) {
        const double v = parse_quantity("--rates", r);
        if (v < 1) throw std::invalid_argument("--rates: every rate must be at least 1 flow/s");
        rates.push_back(v);
    }
    if (rates.empty()) throw std::invalid_argument("--rates: no rate given");
    std::vector<int> versions;
    for (const auto& v : split(o.versions, ',')) {
        if (v != "5" && v != "9" && v != "10")
            throw std::invalid_argument("--versions: expected 5, 9 or 10, got '" + v + "'");
        versions.push_back(std::stoi(v));
    }
    if (versions.empty()) throw std::invalid_argument("--versions: no version given");
    std::vector<Collector> collectors;
    for (const auto& name : split(o.collectors, ',')) collectors.push_back(parse_collector(name));
    if (collectors.empty()) throw std::invalid_argument("--collectors: no collector given");

    for (const auto* bin : {&o.flow_capture, &o.flow_send})
        if (!on_path(*bin)) throw std::runtime_error("cannot run " + *bin + " (build it first)");
    const bool want_nfcapd = std::any_of(collectors.begin(), collectors.end(), [](const auto& c) {
        return c.kind == Collector::Kind::nfcapd;
    });
    if (want_nfcapd && !(on_path(o.nfcapd) && on_path(o.nfdump))) {
        std::printf(
            "nfcapd or nfdump not found: its rows are left out "
            "(Debian: apt-get install nfdump)\n");
        std::erase_if(collectors, [](const auto& c) { return c.kind == Collector::Kind::nfcapd; });
    }

    fs::path base = o.dir;
    bool remove_base = false;
    if (base.empty()) {
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/bench_capture.XXXXXX";
        if (!::mkdtemp(pattern.data()))
            throw std::runtime_error("mkdtemp " + pattern + ": " + std::strerror(errno));
        base = pattern;
        remove_base = !o.keep;
    }
    fs::create_directories(base);

    RmemMax rmem(o.no_sysctl);
    const std::uint16_t port = free_udp_port();

    std::printf("bench_capture: %u CPUs (%s), kernel %s\n", std::thread::hardware_concurrency(),
                cpu_model().c_str(), first_line_of_command("uname -r").c_str());
    std::printf("%s\n", rmem.note().c_str());
    std::printf("socket receive buffer asked by each collector: %d bytes%s\n", o.socket_buffer,
                rmem.value() >= 0 && o.socket_buffer > rmem.value()
                    ? " (more than rmem_max: the kernel grants less)"
                    : "");
    std::string version_list;
    for (int v : versions)
        version_list += (version_list.empty() ? "" : ", ") + std::string(version_name(v));
    std::printf(
        "traffic: flow-send, ISP traffic model, %d exporters, %g s per step, loopback port %u; "
        "%s\n(v5: packets of up to 30 flows; v9/IPFIX: datagrams filled to 1472 bytes, 32 / 20 "
        "flows, template every 20)\n",
        o.exporters, o.seconds, port, version_list.c_str());
    if (want_nfcapd && !collectors.empty())
        std::printf("nfcapd: %s\n", first_line_of_command(o.nfcapd + " -V").c_str());
    std::printf("files in %s%s\n", base.c_str(), o.keep ? " (kept)" : " (removed after counting)");
    std::printf(
        "\ncolumns: offered and sent/s in flows/s; snd%% = sender CPU (one core = 100%%); "
        "stored = flows read back\nfrom the files; loss %% = 1 - stored/sent; CPU s/M = "
        "collector CPU seconds per million flows stored;\ncpu%% = collector CPU over the "
        "sending time; B/flow = bytes of files per flow stored; other%% = CPU\nused by other "
        "processes meanwhile (near 0 on a quiet machine)\n");

    std::vector<Run> results;
    int step_number = 0;
    for (const Collector& c : collectors) {
        for (int version : versions) {
            std::printf("\n%s, %s\n", c.label.c_str(), version_name(version));
            print_header_row();
            std::vector<Step> steps;
            for (double rate : rates) {
                // A step that other processes disturbed says nothing about the
                // collector: run it again once the machine is quiet.
                Step step;
                int disturbed = 0;
                for (int attempt = 0; attempt <= o.retries && !interrupted; ++attempt) {
                    if (o.quiet_wait > 0) wait_for_quiet(o.quiet_wait);
                    const fs::path dir =
                        base / (std::to_string(++step_number) + "-" + c.name + "-v" +
                                std::to_string(version) + "-" + quantity_text(rate));
                    step = run_step(o, c, version, rate, port, dir);
                    if (!o.keep) fs::remove_all(dir);
                    if (step.other_load <= disturbed_load) break;
                    ++disturbed;
                }
                if (disturbed > 0 && step.other_load <= disturbed_load)
                    step.note += (step.note.empty() ? "" : "; ") + std::string("run again after ") +
                                 std::to_string(disturbed) + " disturbed tr" +
                                 (disturbed == 1 ? "y" : "ies");
                if (interrupted && step.sent == 0) break;
                steps.push_back(step);
                print_step(c, steps.back());
            }
            results.push_back({c, version, std::move(steps)});
            if (interrupted) break;
        }
        if (interrupted) break;
    }

    std::printf("\nhighest rate received with < %.1f%% loss (flows/s sent and stored):\n",
                100 * loss_threshold);
    for (const Run& run : results) {
        const Verdict v = judge(run.steps);
        std::string line;
        if (!v.best) {
            line = "none: every step lost 0.1% or more";
        } else {
            line = quantity_text(v.best->sent_rate);
            char cpu[64];
            std::snprintf(
                cpu, sizeof cpu, ", %.3f CPU s/M flows, %.2f bytes/flow there",
                v.best->cpu_per_mflow(),
                static_cast<double>(v.best->stored.bytes) /
                    static_cast<double>(std::max<std::uint64_t>(1, v.best->stored.flows)));
            line += cpu;
            if (v.above) {
                char next[96];
                std::snprintf(next, sizeof next, "; at %s offered it lost %.2f%%",
                              quantity_text(v.above->offered).c_str(), 100 * v.above->loss());
                line += next;
            } else {
                line += "; no step lost more (the ladder or the sender ended first)";
            }
            if (v.best->sender_short()) line += "; the sender was the limit there";
        }
        std::printf("  %-36s %-10s %s\n", run.collector.label.c_str(), version_name(run.version),
                    line.c_str());
    }
    print_against_v5(results);
    // One line per collector and version for scripts.
    for (const Run& run : results) {
        const Verdict v = judge(run.steps);
        std::printf("SUMMARY bench_capture collector=%s version=%d max_rate=%.0f sender_limited=%d",
                    run.collector.name.c_str(), run.version, v.best ? v.best->sent_rate : 0.0,
                    v.best && v.best->sender_short() ? 1 : 0);
        for (const Step& s : run.steps)
            std::printf(" loss@%s=%.5f cpu@%s=%.3f", quantity_text(s.offered).c_str(), s.loss(),
                        quantity_text(s.offered).c_str(), s.cpu_per_mflow());
        std::printf("\n");
    }
    if (remove_base) fs::remove_all(base);
    return interrupted ? 130 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"bench_capture"};
    Options options;
    declare_options(app, options);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);
        std::fprintf(stderr, "bench_capture: %s\n", e.what());
        return usage_exit_code;
    }
    struct sigaction sa {};
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_interrupt;
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
    try {
        return run(options);
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "bench_capture: %s\n", e.what());
        return usage_exit_code;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_capture: %s\n", e.what());
        return 1;
    }
}
