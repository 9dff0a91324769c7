// End to end with a real NetFlow v9 and IPFIX exporter (issue 12): pmacctd's
// nfprobe plugin meters tests/data/v9_ipfix/traffic.pcap and exports to a UDP
// tee in this test, which forwards every datagram to both the real
// flow-capture and nfdump's nfcapd, the reference collector.  Every IPv4 flow
// nfcapd stored must be in flow-capture's archive with the same addresses,
// ports, protocol, packets, octets, TCP flags and start and end times to the
// millisecond; the IPv6 flows, which a flow-tools record cannot hold, must be
// counted in the status file.
//
// The archive is read with libflowfile, which the compat tests prove
// byte-compatible with flow-tools 0.68.5.  That flow-tools is not packaged
// for Debian 12 and cannot be installed in CI; where a flow-export binary is
// found, its -f2 text of each file is also compared with ours.
//
// pmacctd runs under faketime, started just before the capture's first packet
// (2026-03-14 20:00:00.5 UTC), as tests/data/v9_ipfix/generate.sh ran it: the
// flows carry the pcap's absolute times, but a stored record places them by
// 32-bit milliseconds before the datagram's export time, which pmacctd takes
// from the clock.  With the real clock a flow months older than its export
// cannot be stored (flow-capture counts it in unplaceable_time_flows).

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <atomic>
#include <csignal>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>
#include <tuple>

#include "capture_process.hpp"
#include "command_output.hpp"
#include "fault_support.hpp"
#include "flowfile/ipv4_text.hpp"
#include "flowfile/reader.hpp"
#include "flowfile/record.hpp"
#include "output/flow_export_text.hpp"
#include "pdu_sender.hpp"
#include "support/nfdump_text.hpp"
#include "support/precondition.hpp"
#include "support/temp_dir.hpp"

extern char** environ;

using namespace std::chrono_literals;
using flowkeep_e2e::CaptureProcess;
using flowkeep_e2e::flow_files;
using flowkeep_e2e::free_udp_port;
using flowkeep_e2e::listen_arg;
using flowkeep_e2e::poll_until;
using flowkeep_e2e::read_text;
using flowkeep_e2e::status_number;
using flowkeep_test::TempDir;
namespace fs = std::filesystem;

namespace {

const fs::path data_dir = fs::path(FLOWKEEP_TEST_DATA) / "v9_ipfix";

// The absolute path of a program in PATH or in the sbin folders, which a
// user's PATH may lack (pmacctd is in /usr/sbin); empty when there is none.
std::string find_program(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(std::string(path != nullptr ? path : "") + ":/usr/sbin:/sbin");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        if (dir.empty()) continue;
        const fs::path p = fs::path(dir) / name;
        if (::access(p.c_str(), X_OK) == 0) return p.string();
    }
    return "";
}

// A program run in a process group of its own, stdout and stderr into a
// file.  The whole group is killed however the test ends: faketime runs
// pmacctd as its child, and pmacctd its plugin as another.
class ProcessGroup {
  public:
    ProcessGroup(std::vector<std::string> argv, const fs::path& log)
        : log_(log), argv_(std::move(argv)) {
        // Everything execve needs is made before the fork: the tee's thread
        // runs meanwhile, so the child must not allocate.
        for (auto& a : argv_) args_.push_back(a.data());
        args_.push_back(nullptr);
        // faketime reads its start date in the local zone.
        for (char** e = environ; *e != nullptr; ++e)
            if (std::string(*e).rfind("TZ=", 0) != 0) environment_.push_back(*e);
        environment_.push_back("TZ=UTC");
        for (auto& e : environment_) envp_.push_back(e.data());
        envp_.push_back(nullptr);
        const std::string log_path = log.string();
        pid_ = ::fork();
        if (pid_ == 0) {
            ::setpgid(0, 0);
            const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            ::execve(args_[0], args_.data(), envp_.data());
            ::_exit(127);
        }
        if (pid_ > 0) ::setpgid(pid_, pid_);  // also here: the child may not have run yet
    }
    ~ProcessGroup() {
        if (pid_ <= 0) return;
        ::kill(-pid_, SIGKILL);
        if (!exited_) ::waitpid(pid_, nullptr, 0);
    }
    ProcessGroup(const ProcessGroup&) = delete;
    ProcessGroup& operator=(const ProcessGroup&) = delete;

    bool started() const { return pid_ > 0; }
    void signal(int sig) const { ::kill(pid_, sig); }

    // Exit status, or 128+signal; -1 when it did not end within the timeout.
    int wait(std::chrono::milliseconds timeout) {
        int result = -1;
        poll_until(
            [&] {
                int status = 0;
                if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
                exited_ = true;
                result = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                return true;
            },
            timeout);
        return result;
    }

    std::string log_text() const { return read_text(log_); }

  private:
    fs::path log_;
    std::vector<std::string> argv_;
    std::vector<char*> args_;
    std::vector<std::string> environment_;
    std::vector<char*> envp_;
    pid_t pid_ = -1;
    bool exited_ = false;
};

// Receives on 127.0.0.1 (a port of its own choosing) and forwards every
// datagram to each of the given ports, in the order received: both
// collectors see exactly the same datagrams.
class UdpTee {
  public:
    explicit UdpTee(std::vector<std::uint16_t> to) : to_(std::move(to)) {
        fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_in a = loopback(0);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { run(); });
    }
    ~UdpTee() {
        stop();
        ::close(fd_);
    }
    UdpTee(const UdpTee&) = delete;
    UdpTee& operator=(const UdpTee&) = delete;

    std::uint16_t port() const { return port_; }

    // Forwards what is still queued, then stops: once the exporter has
    // exited, everything it sent has been forwarded.
    void stop() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }
    std::uint64_t forwarded() const { return forwarded_; }

  private:
    static sockaddr_in loopback(std::uint16_t port) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(port);
        return a;
    }

    void run() {
        std::vector<std::uint8_t> buf(65536);
        for (;;) {
            pollfd p{fd_, POLLIN, 0};
            const bool stopping = stop_;
            if (::poll(&p, 1, stopping ? 0 : 50) <= 0) {
                if (stopping) return;
                continue;
            }
            const ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
            if (n < 0) continue;
            for (const std::uint16_t port : to_) {
                const sockaddr_in dst = loopback(port);
                ::sendto(fd_, buf.data(), static_cast<std::size_t>(n), 0,
                         reinterpret_cast<const sockaddr*>(&dst), sizeof dst);
            }
            ++forwarded_;
        }
    }

    std::vector<std::uint16_t> to_;
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<std::uint64_t> forwarded_{0};
    std::thread thread_;
};

// nfdump's view of a flow, the columns of tests/data/v9_ipfix/README.md that
// a flow-tools record holds.
const std::vector<std::string> columns = {"first",    "last",     "proto",    "src_addr",
                                          "dst_addr", "src_port", "dst_port", "tcp_flags",
                                          "tos",      "packets",  "bytes"};
const std::string nfdump_format = "fmt:%ts,%te,%pr,%sa,%da,%sp,%dp,%flg,%tos,%pkt,%byt";
using Row = std::map<std::string, std::string>;

std::vector<Row> nfdump_rows(const std::string& nfdump, const fs::path& file) {
    const auto out = flowkeep_e2e::run_command(
        "TZ=UTC " + nfdump, "-q -N -r '" + file.string() + "' -o '" + nfdump_format + "'");
    REQUIRE(out.exit_code == 0);
    std::vector<Row> rows;
    std::istringstream lines(out.out);
    for (std::string line; std::getline(lines, line);) {
        if (line.empty()) continue;
        std::istringstream values(line);
        Row r;
        std::size_t i = 0;
        for (std::string v; std::getline(values, v, ','); ++i) {
            v.erase(0, v.find_first_not_of(' '));
            v.erase(v.find_last_not_of(' ') + 1);
            REQUIRE(i < columns.size());
            r[columns[i]] = v;
        }
        REQUIRE(i == columns.size());
        rows.push_back(std::move(r));
    }
    return rows;
}

// A flow of this traffic is one per addresses, protocol and ports; ICMP
// flows are told apart without their type and code, which nfdump 1.7.1
// drops from v9 records (README.md there).
using FlowKey = std::tuple<std::string, std::string, std::string, std::uint16_t, std::uint16_t>;
FlowKey key_of(const Row& r) {
    const bool icmp = r.at("proto") == "1";
    return {r.at("src_addr"), r.at("dst_addr"), r.at("proto"),
            flowkeep_test::nfdump_port(r.at("src_port")),
            icmp ? 0 : flowkeep_test::nfdump_port(r.at("dst_port"))};
}
FlowKey key_of(const flowfile::Record& r) {
    return {flowfile::ipv4_text(r.srcaddr), flowfile::ipv4_text(r.dstaddr), std::to_string(r.prot),
            r.srcport, r.prot == 1 ? 0 : r.dstport};
}

struct Exporter {
    std::string pmacctd, faketime, nfcapd, nfdump;
};

// The tools, or a failure (CI) or skip naming the missing package.
bool find_exporter(Exporter& e) {
    e.pmacctd = find_program("pmacctd");
    e.faketime = find_program("faketime");
    e.nfcapd = find_program("nfcapd");
    e.nfdump = find_program("nfdump");
    return flowkeep_test::precondition(!e.pmacctd.empty(), "pmacctd (package pmacct)") &&
           flowkeep_test::precondition(!e.faketime.empty(), "faketime (package faketime)") &&
           flowkeep_test::precondition(!e.nfcapd.empty() && !e.nfdump.empty(),
                                       "nfcapd and nfdump (package nfdump)");
}

// The configuration generate.sh gave pmacctd (tests/data/v9_ipfix/v9/pmacctd.conf).
void write_pmacctd_conf(const fs::path& conf, int version, std::uint16_t receiver) {
    std::ofstream(conf) << "daemonize: false\n"
                        << "pcap_savefile: " << (data_dir / "traffic.pcap").string() << "\n"
                        << "aggregate: src_host, dst_host, src_port, dst_port, proto, tos, "
                           "tcpflags, src_as, dst_as, src_mask, dst_mask, in_iface, out_iface, "
                           "peer_dst_ip\n"
                        << "networks_file: " << (data_dir / "networks.lst").string() << "\n"
                        << "pmacctd_as: file\n"
                        << "pmacctd_net: file\n"
                        << "plugins: nfprobe[probe]\n"
                        << "nfprobe_receiver: 127.0.0.1:" << receiver << "\n"
                        << "nfprobe_version: " << version << "\n"
                        << "nfprobe_engine: 4242\n"
                        << "nfprobe_timeouts: "
                           "tcp=5:tcp.rst=5:tcp.fin=5:udp=5:icmp=5:general=5:maxlife=60:expint=1\n"
                        << "nfprobe_direction[probe]: in\n"
                        << "nfprobe_ifindex[probe]: 3\n";
}

std::vector<flowfile::Record> read_archive(const fs::path& dir, const std::string& flow_export) {
    std::vector<flowfile::Record> all;
    for (const auto& file : flow_files(dir)) {
        INFO(file);
        auto reader = flowfile::Reader::open(file);
        std::vector<flowfile::Record> records;
        for (auto b = reader->next_batch(); !b.empty(); b = reader->next_batch())
            records.insert(records.end(), b.begin(), b.end());
        CHECK(reader->status().ok());
        CHECK(reader->header().done());
        CHECK(reader->header().lost_flows.value_or(0) == 0);
        CHECK(reader->header().corrupt_packets.value_or(0) == 0);
        if (!flow_export.empty()) {
            const auto theirs =
                flowkeep_e2e::run_command(flow_export, "-f2 < '" + file.string() + "'");
            CHECK(theirs.exit_code == 0);
            CHECK(theirs.out == flowquery::render_export_f2(reader->header(), records));
        }
        all.insert(all.end(), records.begin(), records.end());
    }
    return all;
}

// One run of pmacctd exporting `version` (9 or 10) to both collectors.
void compare_with_nfdump(int version) {
    Exporter tools;
    if (!find_exporter(tools)) return;
    TempDir dir;
    fs::create_directories(dir / "archive");
    fs::create_directories(dir / "nfcapd");
    const fs::path status = dir / "status";

    const auto capture_port = free_udp_port();
    auto capture = flowkeep_e2e::start_foreground_capture(
        {"-V", "5", "-N", "0", "-n", "0", "--flush-interval", "1", "--status-file", status.string(),
         "-w", (dir / "archive").string(), listen_arg(capture_port)},
        dir / "capture.stderr", 20s);

    const auto nfcapd_port = free_udp_port();
    ProcessGroup nfcapd({tools.nfcapd, "-w", (dir / "nfcapd").string(), "-b", "127.0.0.1", "-p",
                         std::to_string(nfcapd_port), "-t", "3600"},
                        dir / "nfcapd.log");
    REQUIRE(nfcapd.started());
    // nfcapd logs this once its socket is bound.
    REQUIRE(
        poll_until([&] { return nfcapd.log_text().find("Startup") != std::string::npos; }, 10s));

    UdpTee tee({capture_port, nfcapd_port});
    write_pmacctd_conf(dir / "pmacctd.conf", version, tee.port());
    {
        // pmacctd reads the savefile at once and exits, its plugin
        // exporting every flow it still holds.  pmacctd 1.7.7 exits 1 now
        // and then when that plugin ends before the core has stopped it
        // ("connection lost to 'probe-nfprobe'"); it has exported by then,
        // and the flow counts below would show it if not.
        ProcessGroup pmacctd({tools.faketime, "2026-03-14 19:59:59", tools.pmacctd, "-f",
                              (dir / "pmacctd.conf").string()},
                             dir / "pmacctd.log");
        REQUIRE(pmacctd.started());
        const int exit_status = pmacctd.wait(30s);
        INFO(pmacctd.log_text());
        REQUIRE((exit_status == 0 || exit_status == 1));
    }
    tee.stop();
    const std::uint64_t datagrams = tee.forwarded();
    REQUIRE(datagrams > 0);

    // Both have read every datagram, so what they store at the stop is all.
    REQUIRE(poll_until([&] { return status_number(status, "datagrams") == datagrams; }, 10s));
    REQUIRE(poll_until([&] { return flowkeep_e2e::udp_receive_queue(nfcapd_port) == 0; }, 10s));
    const std::uint64_t ipv6_not_stored = status_number(status, "ipv6_flows_not_stored");
    CHECK(status_number(status, "corrupt_packets") == 0);
    CHECK(status_number(status, "no_template_sets") == 0);
    CHECK(status_number(status, "unplaceable_time_flows") == 0);
    CHECK(status_number(status, "oversized_flows") == 0);
    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);
    nfcapd.signal(SIGTERM);
    {
        const int exit_status = nfcapd.wait(10s);
        INFO(nfcapd.log_text());
        REQUIRE(exit_status == 0);
    }
    CHECK_THAT(nfcapd.log_text(), Catch::Contains("Sequence Errors: 0, Bad Packets: 0"));

    std::vector<fs::path> stored;
    for (const auto& e : fs::directory_iterator(dir / "nfcapd"))
        if (e.path().filename().string().rfind("nfcapd.2", 0) == 0) stored.push_back(e.path());
    REQUIRE(stored.size() == 1);
    const std::vector<Row> rows = nfdump_rows(tools.nfdump, stored[0]);
    // pmacct's flows of traffic.pcap (tests/data/v9_ipfix/v9/nfdump.csv).
    CHECK(rows.size() == 24);

    std::map<FlowKey, flowfile::Record> ours;
    const auto records = read_archive(dir / "archive", find_program("flow-export"));
    for (const auto& r : records) CHECK(ours.emplace(key_of(r), r).second);

    std::size_t ipv4 = 0, ipv6 = 0;
    for (const Row& g : rows) {
        if (g.at("src_addr").find(':') != std::string::npos) {
            ++ipv6;
            continue;
        }
        ++ipv4;
        INFO(g.at("src_addr") << ":" << g.at("src_port") << " -> " << g.at("dst_addr") << ":"
                              << g.at("dst_port") << " proto " << g.at("proto"));
        const auto it = ours.find(key_of(g));
        REQUIRE(it != ours.end());
        const flowfile::Record& r = it->second;
        const flowfile::FlowTimes times = flowfile::flow_times(r);
        CHECK(times.start_ms == flowkeep_test::nfdump_utc_ms(g.at("first")));
        CHECK(times.end_ms == flowkeep_test::nfdump_utc_ms(g.at("last")));
        CHECK(r.tcp_flags == flowkeep_test::nfdump_tcp_flags(g.at("tcp_flags")));
        CHECK(std::to_string(r.tos) == g.at("tos"));
        CHECK(std::to_string(r.dpkts) == g.at("packets"));
        CHECK(std::to_string(r.doctets) == g.at("bytes"));
        if (r.prot == 1) {
            if (version == 9)
                CHECK(g.at("dst_port") == "0.0");  // nfdump's v9 loss, not the exporter's
            else
                CHECK(r.dstport == flowkeep_test::nfdump_port(g.at("dst_port")));
        }
    }
    CHECK(records.size() == ipv4);
    CHECK(ipv6 > 0);
    CHECK(ipv6_not_stored == ipv6);
}

}  // namespace

TEST_CASE("pmacctd NetFlow v9 through a tee: flow-capture stores each IPv4 flow as nfcapd does",
          "[e2e][v9]") {
    compare_with_nfdump(9);
}

TEST_CASE("pmacctd IPFIX through a tee: flow-capture stores each IPv4 flow as nfcapd does",
          "[e2e][ipfix]") {
    compare_with_nfdump(10);
}
