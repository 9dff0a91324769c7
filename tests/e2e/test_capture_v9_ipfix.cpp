// End to end with a real NetFlow v9 and IPFIX exporter (issue 12): pmacctd's
// nfprobe plugin meters tests/data/v9_ipfix/traffic.pcap and exports to a UDP
// tee in this test, which forwards every datagram to both the real
// flow-capture and nfdump's nfcapd, the reference collector.  Every IPv4 flow
// nfcapd stored must be in flow-capture's archive with the same addresses,
// ports, protocol, packets, octets, TCP flags and start and end times to the
// millisecond; every IPv6 flow must be in the IPv6 series beside it (issue
// 13) with the same fields, and nothing more.  flow-select on that archive
// must then print, for an IPv6 prefix and for a list mixing both families,
// exactly the flows nfdump's own filter picks from nfcapd's file.
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
#include "flowfile/ipv6_text.hpp"
#include "flowfile/reader.hpp"
#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"
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
    // -6: whole IPv6 addresses; without it nfdump shortens the long ones.
    const auto out = flowkeep_e2e::run_command(
        "TZ=UTC " + nfdump, "-q -N -6 -r '" + file.string() + "' -o '" + nfdump_format + "'");
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
// and ICMPv6 flows are told apart without their type and code, which nfdump
// 1.7.1 drops from v9 records (README.md there).
using FlowKey = std::tuple<std::string, std::string, std::string, std::uint16_t, std::uint16_t>;
bool is_icmp(std::uint8_t protocol) {
    return protocol == 1 || protocol == 58;
}
FlowKey key_of(const Row& r) {
    const bool icmp = r.at("proto") == "1" || r.at("proto") == "58";
    return {r.at("src_addr"), r.at("dst_addr"), r.at("proto"),
            flowkeep_test::nfdump_port(r.at("src_port")),
            icmp ? 0 : flowkeep_test::nfdump_port(r.at("dst_port"))};
}
FlowKey key_of(const flowfile::Record& r) {
    return {flowfile::ipv4_text(r.srcaddr), flowfile::ipv4_text(r.dstaddr), std::to_string(r.prot),
            r.srcport, r.prot == 1 ? 0 : r.dstport};
}
// nfdump prints IPv6 addresses as inet_ntop does; read back and printed as
// RFC 5952 text they compare with ours whatever its spelling.
std::string canonical_ipv6(const std::string& text) {
    const auto prefix = flowfile::parse_ipv6_prefix(text);
    REQUIRE(prefix.has_value());
    return flowfile::ipv6_text(prefix->address);
}
FlowKey key_of(const flowfile::Record6& r) {
    return {flowfile::ipv6_text(r.srcaddr), flowfile::ipv6_text(r.dstaddr), std::to_string(r.prot),
            r.srcport, is_icmp(r.prot) ? std::uint16_t{0} : r.dstport};
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

// The IPv6 series beside the archive's flow-tools files (archive.hpp's
// names: "ip6." once finished, "tmp-ip6." while open), sorted by path.
std::vector<fs::path> ipv6_files(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        if (e.is_regular_file() && (name.rfind("ip6.", 0) == 0 || name.rfind("tmp-ip6.", 0) == 0))
            out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<flowfile::Record6> read_ipv6_archive(const fs::path& dir) {
    std::vector<flowfile::Record6> all;
    for (const auto& file : ipv6_files(dir)) {
        INFO(file);
        auto any = flowfile::open_any(file);
        REQUIRE(any.ipv6);
        auto& reader = *any.ipv6;
        for (auto b = reader.next_batch(); !b.empty(); b = reader.next_batch())
            all.insert(all.end(), b.begin(), b.end());
        CHECK(reader.status().ok());
        CHECK(reader.header().done());
        CHECK(reader.header().lost_flows.value_or(0) == 0);
        CHECK(reader.header().corrupt_packets.value_or(0) == 0);
    }
    return all;
}

// One flow as both flow-select's table and nfdump's CSV can say it, in the
// same units: whole seconds for the start and end (nfdump's CSV has no
// milliseconds there), ms for the duration, numbers for the protocol,
// ports (ICMP type * 256 + code) and flags.
using SelectedFlow =
    std::tuple<std::int64_t, std::int64_t, std::int64_t, std::string, std::string, int, unsigned,
               unsigned, unsigned, std::uint64_t, std::uint64_t, std::uint32_t, std::uint32_t,
               std::uint32_t, std::uint32_t, unsigned, unsigned>;

// An address before ":port", bracketed when it is IPv6 (RFC 3986 style).
std::string with_port(const std::string& address, unsigned port) {
    const bool ipv6 = address.find(':') != std::string::npos;
    return (ipv6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

std::string describe(const SelectedFlow& f) {
    std::ostringstream o;
    o << std::get<0>(f) << " " << std::get<1>(f) << " " << std::get<2>(f) << "ms "
      << with_port(std::get<3>(f), std::get<6>(f)) << " -> "
      << with_port(std::get<4>(f), std::get<7>(f)) << " proto " << std::get<5>(f) << " flags "
      << std::get<8>(f) << " " << std::get<9>(f) << " pkts " << std::get<10>(f) << " bytes if "
      << std::get<11>(f) << "/" << std::get<12>(f) << " as " << std::get<13>(f) << "/"
      << std::get<14>(f) << " masks " << std::get<15>(f) << "/" << std::get<16>(f);
    return o.str();
}

std::string canonical_address(const std::string& text) {
    return text.find(':') != std::string::npos ? canonical_ipv6(text) : text;
}

// nfdump's v9 records lose the ICMP type and code (README.md there); ours
// keep them, so for v9 both sides compare without.
unsigned icmp_port(int protocol, unsigned port, int version) {
    return is_icmp(static_cast<std::uint8_t>(protocol)) && version == 9 ? 0 : port;
}

std::int64_t duration_ms(const std::string& seconds) {
    const auto dot = seconds.find('.');
    REQUIRE(dot != std::string::npos);
    return std::stoll(seconds.substr(0, dot)) * 1000 + std::stoll(seconds.substr(dot + 1));
}

// `nfdump -o csv FILTER`: its header line names the columns; the rows end
// where its "Summary" begins.  Times are TZ=UTC, to the second.
std::vector<SelectedFlow> nfdump_selection(const std::string& nfdump, const fs::path& file,
                                           const std::string& filter, int version) {
    const auto out = flowkeep_e2e::run_command(
        "TZ=UTC " + nfdump, "-r '" + file.string() + "' -o csv '" + filter + "'");
    REQUIRE(out.exit_code == 0);
    std::istringstream lines(out.out);
    const auto split = [](const std::string& line) {
        std::vector<std::string> v;
        std::istringstream values(line);
        for (std::string x; std::getline(values, x, ',');) {
            x.erase(0, x.find_first_not_of(' '));
            v.push_back(x);
        }
        return v;
    };
    std::string line;
    REQUIRE(std::getline(lines, line));
    const std::vector<std::string> names = split(line);
    const std::map<std::string, int> protocols = {
        {"ICMP", 1}, {"TCP", 6}, {"UDP", 17}, {"ICMP6", 58}};
    std::vector<SelectedFlow> flows;
    while (std::getline(lines, line) && line != "Summary") {
        INFO(line);
        const std::vector<std::string> values = split(line);
        REQUIRE(values.size() == names.size());
        std::map<std::string, std::string> c;
        for (std::size_t i = 0; i < names.size(); ++i) c[names[i]] = values[i];
        const auto seconds = [](const std::string& t) {
            return flowkeep_test::nfdump_utc_ms(t + ".000") / 1000;
        };
        REQUIRE(protocols.count(c.at("pr")) == 1);
        const int protocol = protocols.at(c.at("pr"));
        flows.emplace_back(
            seconds(c.at("ts")), seconds(c.at("te")), duration_ms(c.at("td")),
            canonical_address(c.at("sa")), canonical_address(c.at("da")), protocol,
            std::stoul(c.at("sp")), icmp_port(protocol, std::stoul(c.at("dp")), version),
            flowkeep_test::nfdump_tcp_flags(c.at("flg")), std::stoull(c.at("ipkt")),
            std::stoull(c.at("ibyt")), std::stoul(c.at("in")), std::stoul(c.at("out")),
            std::stoul(c.at("sas")), std::stoul(c.at("das")), std::stoul(c.at("smk")),
            std::stoul(c.at("dmk")));
    }
    std::sort(flows.begin(), flows.end());
    return flows;
}

// flow-select's table columns for the comparison.  The table leaves a
// cell blank for an ICMP source port of 0 and for the flags of a flow that
// is not TCP, and never a cell ahead of them: those two come last, so a
// row's words say which are missing (flags never without a port).
const std::string select_fields =
    "start,end,duration,protocol,src_ip,dst_ip,packets,bytes,input,output,src_as,dst_as,"
    "src_mask,dst_mask,dst_port,src_port,tcp_flags";

// "3/4" (ICMP type/code) or a number.
unsigned select_port(const std::string& text) {
    const auto slash = text.find('/');
    if (slash == std::string::npos) return static_cast<unsigned>(std::stoul(text));
    return static_cast<unsigned>(std::stoul(text.substr(0, slash)) * 256 +
                                 std::stoul(text.substr(slash + 1)));
}

std::vector<SelectedFlow> flow_select(const fs::path& archive, const std::string& ip_list,
                                      int version) {
    const auto out = flowkeep_e2e::run_command(
        FLOW_SELECT_BIN,
        "--utc --ip '" + ip_list + "' --fields " + select_fields + " '" + archive.string() + "'");
    REQUIRE(out.exit_code == 0);
    std::istringstream lines(out.out);
    std::string line;
    REQUIRE(std::getline(lines, line));  // the title
    const auto utc_seconds = [](std::string t) {
        // 2026-03-14T20:00:45.000Z
        REQUIRE(t.size() == 24);
        t[10] = ' ';
        return flowkeep_test::nfdump_utc_ms(t.substr(0, 23)) / 1000;
    };
    std::vector<SelectedFlow> flows;
    while (std::getline(lines, line)) {
        INFO(line);
        std::istringstream words(line);
        std::vector<std::string> w;
        for (std::string x; words >> x;) w.push_back(x);
        REQUIRE(w.size() >= 15);
        REQUIRE(w.size() <= 17);
        const int protocol = std::stoi(w[3]);
        const unsigned src_port = w.size() > 15 ? select_port(w[15]) : 0;
        const unsigned flags = w.size() > 16 ? flowkeep_test::nfdump_tcp_flags(".." + w[16]) : 0;
        flows.emplace_back(utc_seconds(w[0]), utc_seconds(w[1]), duration_ms(w[2]), w[4], w[5],
                           protocol, src_port, icmp_port(protocol, select_port(w[14]), version),
                           flags, std::stoull(w[6]), std::stoull(w[7]), std::stoul(w[8]),
                           std::stoul(w[9]), std::stoul(w[10]), std::stoul(w[11]),
                           std::stoul(w[12]), std::stoul(w[13]));
    }
    std::sort(flows.begin(), flows.end());
    return flows;
}

// flow-select lists file by file as stored (v5 files and the IPv6 series
// each in arrival order), nfdump in its file's arrival order: the two are
// compared as sets, sorted.
void compare_selection(const std::vector<SelectedFlow>& ours,
                       const std::vector<SelectedFlow>& theirs) {
    std::string mine, reference;
    for (const auto& f : ours) mine += describe(f) + "\n";
    for (const auto& f : theirs) reference += describe(f) + "\n";
    INFO("flow-select:\n" << mine << "nfdump:\n" << reference);
    CHECK(ours == theirs);
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
    const auto status_values = flowkeep_e2e::read_status(status);
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
    CHECK(rows.size() == 30);

    std::map<FlowKey, flowfile::Record> ours;
    const auto records = read_archive(dir / "archive", find_program("flow-export"));
    for (const auto& r : records) CHECK(ours.emplace(key_of(r), r).second);

    std::map<FlowKey, flowfile::Record6> ours6;
    const auto records6 = read_ipv6_archive(dir / "archive");
    for (const auto& r : records6) CHECK(ours6.emplace(key_of(r), r).second);

    std::size_t ipv4 = 0, ipv6 = 0;
    for (Row g : rows) {
        if (g.at("src_addr").find(':') != std::string::npos) {
            ++ipv6;
            g["src_addr"] = canonical_ipv6(g.at("src_addr"));
            g["dst_addr"] = canonical_ipv6(g.at("dst_addr"));
            INFO(g.at("src_addr") << "." << g.at("src_port") << " -> " << g.at("dst_addr") << "."
                                  << g.at("dst_port") << " proto " << g.at("proto"));
            const auto it = ours6.find(key_of(g));
            REQUIRE(it != ours6.end());
            const flowfile::Record6& r = it->second;
            CHECK(r.start_ms == flowkeep_test::nfdump_utc_ms(g.at("first")));
            CHECK(r.end_ms == flowkeep_test::nfdump_utc_ms(g.at("last")));
            CHECK(r.tcp_flags == flowkeep_test::nfdump_tcp_flags(g.at("tcp_flags")));
            CHECK(std::to_string(r.traffic_class) == g.at("tos"));
            CHECK(std::to_string(r.dpkts) == g.at("packets"));
            CHECK(std::to_string(r.doctets) == g.at("bytes"));
            if (r.prot == 58) {
                if (version == 9)
                    CHECK(g.at("dst_port") == "0.0");
                else
                    CHECK(r.dstport == flowkeep_test::nfdump_port(g.at("dst_port")));
            }
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
    // traffic.py's IPv6 conversations, each way a flow.
    CHECK(ipv6 == 11);
    CHECK(records6.size() == ipv6);
    CHECK(status_number(status, "ipv6_flows_not_stored") == 0);
    if (status_values.count("ipv6_flows") != 0)
        CHECK(status_values.at("ipv6_flows") == std::to_string(ipv6));

    // The prefix holds flows at both its ends (2001:db8:1::10,
    // 2001:db8:1:ffff::7); traffic.py also has IPv6 flows outside it, and
    // flows of 10.1.1.10.
    {
        INFO("--ip 2001:db8:1::/48");
        const auto theirs =
            nfdump_selection(tools.nfdump, stored[0], "net 2001:db8:1::/48", version);
        CHECK(theirs.size() == 8);
        compare_selection(flow_select(dir / "archive", "2001:db8:1::/48", version), theirs);
    }
    {
        INFO("--ip 10.1.1.10,2001:db8:1::/48");
        const auto theirs = nfdump_selection(tools.nfdump, stored[0],
                                             "host 10.1.1.10 or net 2001:db8:1::/48", version);
        CHECK(theirs.size() == 15);
        compare_selection(flow_select(dir / "archive", "10.1.1.10,2001:db8:1::/48", version),
                          theirs);
    }
}

}  // namespace

TEST_CASE("pmacctd NetFlow v9 through a tee: flow-capture stores each flow as nfcapd does",
          "[e2e][v9]") {
    compare_with_nfdump(9);
}

TEST_CASE("pmacctd IPFIX through a tee: flow-capture stores each flow as nfcapd does",
          "[e2e][ipfix]") {
    compare_with_nfdump(10);
}
