// flow-send: sends NetFlow v5 export packets of the ISP traffic model
// (isp_traffic.hpp) to a collector at a chosen rate, so that a setup can be
// checked end to end and a collector benchmarked with realistic records
// rather than constant or random ones.
//
// Each simulated router sends from its own socket, bound to its own source
// address (127.0.0.2, 127.0.0.3, ...), because collectors key exporters and
// sequence numbers by source address.  The rate is held by a token bucket on
// the steady clock; the sender sleeps between batches instead of spinning,
// because on a small machine the collector needs the other core.  Datagrams
// go out with sendmmsg() in batches, one system call per batch per exporter,
// which is what lets one core offer millions of flows per second.
//
// Only loopback destinations are accepted unless --allow-remote is given: the
// tool is for tests and benchmarks, and a mistyped address must not flood a
// real network.
//
// --version 9 or 10 sends the same flows as NetFlow v9 or IPFIX
// (template_wire.hpp): each router then holds its flows back until a datagram
// is full, as a router's export process does, so the last ones of a run go
// out when it ends.

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "flowfile/ipv4_text.hpp"
#include "isp_traffic.hpp"
#include "quantity.hpp"
#include "template_wire.hpp"
#include "v5_wire.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using Seconds = std::chrono::duration<double>;
using flowkeep::bench::ExporterProfile;
using flowkeep::bench::ExportPacket;
using flowkeep::bench::IspTraffic;
using flowkeep::bench::IspTrafficProfile;
using flowkeep::bench::TemplateExporter;
using flowkeep::bench::TemplateWireSettings;

constexpr int usage_exit_code = 2;
constexpr int failure_exit_code = 1;

// Most packets per sendmmsg() call: enough to make the system call cost
// small next to the per-datagram work, small enough to keep bursts short.
constexpr std::size_t max_batch_packets = 64;
// At a paced rate, one batch holds about this much time's worth of flows,
// so the collector sees a steady stream and not bursts.
constexpr double batch_seconds = 0.0005;
// Tokens saved while the sender was not scheduled may be spent at once up to
// this much time's worth; beyond it the offered rate simply fell short.
constexpr double burst_seconds = 0.02;
// Longest single sleep, so a signal, the deadline and progress lines are
// never late by more than this.
constexpr auto max_sleep = std::chrono::milliseconds(100);

// A command line that cannot be used.  what() is one line.
class UsageError : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

// What the command line says, as typed.
struct SendOptions {
    std::string destination;  // HOST:PORT
    std::string rate = "5k";  // the model's default: a small ISP edge
    std::string flows;        // empty: no flow limit
    double seconds = 0;       // 0: no time limit
    int exporters = 2;
    std::string source;  // first source address; empty: 127.0.0.2 for loopback
    bool allow_remote = false;
    std::uint64_t seed = 1;
    bool progress = false;
    int version = 5;
    std::uint32_t template_datagrams = TemplateWireSettings{}.refresh_datagrams;
    std::uint32_t template_seconds = TemplateWireSettings{}.refresh_seconds;
    std::string dump;
    std::int64_t start_time = -1;  // -1: now
};

// What the sender does, checked.
struct SendPlan {
    sockaddr_in destination{};
    std::string destination_text;
    double rate = 0;  // flows/s; 0 = as fast as possible
    std::optional<std::uint64_t> flows;
    std::optional<double> seconds;
    // Per exporter: the address its socket is bound to, or nullopt for the
    // kernel's choice (a remote destination without --source).
    std::vector<std::optional<std::uint32_t>> sources;
    std::uint64_t seed = 1;
    bool progress = false;
    // Export version on the wire: 5, or templated (9, 10) with these settings.
    TemplateWireSettings templated{.version = 5};
    std::string dump;  // directory for a copy of every datagram; empty: none
    std::uint32_t start_unix_secs = 0;
};

struct Totals {
    std::uint64_t datagrams = 0;
    std::uint64_t flows = 0;
    std::uint64_t refused = 0;  // ICMP port unreachable reported by a send
    std::uint64_t no_buffer = 0;
    double seconds = 0;
};

volatile std::sig_atomic_t stop_requested = 0;
extern "C" void on_stop(int) {
    stop_requested = 1;
}

void declare_options(CLI::App& app, SendOptions& o) {
    app.description(
        "Sends NetFlow v5 export packets (up to 30 flows each) of a realistic ISP traffic model "
        "to a collector at a chosen rate, or the same flows as NetFlow v9 or IPFIX. Without "
        "--flows or --seconds it sends until interrupted.");
    app.add_option("destination", o.destination,
                   "HOST:PORT of the collector; a loopback address unless --allow-remote")
        ->required();
    app.add_option("-r,--rate", o.rate,
                   "flows per second, with an optional k or M suffix (400k, 1.2M); "
                   "max = as fast as possible")
        ->capture_default_str();
    app.add_option("-n,--flows", o.flows, "stop after this many flows (k or M suffix allowed)");
    app.add_option("-s,--seconds", o.seconds, "stop after this many seconds")
        ->check(CLI::PositiveNumber);
    app.add_option("-e,--exporters", o.exporters,
                   "simulated routers, each sending from its own address (1..250)")
        ->check(CLI::Range(1, 250))
        ->capture_default_str();
    app.add_option("--source", o.source,
                   "source address of the first router; the others use the next addresses "
                   "(default 127.0.0.2 for a loopback destination, the kernel's choice "
                   "otherwise; 'any' = the kernel's choice)");
    app.add_flag("--allow-remote", o.allow_remote,
                 "allow a destination outside 127.0.0.0/8 (never on a network you do not own)");
    app.add_option("--seed", o.seed, "seed of the traffic model")->capture_default_str();
    app.add_flag("--progress", o.progress, "print a line on stderr every second");
    app.add_option("--version", o.version,
                   "export version: 5 (NetFlow v5), 9 (NetFlow v9, RFC 3954) or 10 (IPFIX, "
                   "RFC 7011); v9 and IPFIX datagrams fill up to 1472 bytes")
        ->check(CLI::IsMember({5, 9, 10}))
        ->capture_default_str();
    app.add_option("--template-refresh", o.template_datagrams,
                   "v9/IPFIX: send the template again after this many datagrams")
        ->check(CLI::Range(1, 1000000))
        ->capture_default_str();
    app.add_option("--template-seconds", o.template_seconds,
                   "v9/IPFIX: and at least after this many seconds of export time")
        ->check(CLI::Range(1, 86400))
        ->capture_default_str();
    app.add_option("--dump", o.dump,
                   "also write every datagram to a file in this directory, named "
                   "NUMBER-SOURCE.bin in sending order per exporter (for tests)");
    app.add_option("--start-time", o.start_time,
                   "export time of the first flow, Unix seconds (default: now), so that a run "
                   "can be repeated flow for flow")
        ->check(
            CLI::Range(std::int64_t{0}, std::int64_t{std::numeric_limits<std::uint32_t>::max()}));
}

double parse_quantity(std::string_view option, const std::string& text) {
    try {
        return flowkeep::bench::parse_quantity(option, text);
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
}

std::uint32_t parse_ipv4(std::string_view option, const std::string& text) {
    in_addr a{};
    if (::inet_pton(AF_INET, text.c_str(), &a) != 1)
        throw UsageError(std::string(option) + ": expected an IPv4 address, got '" + text + "'");
    return ntohl(a.s_addr);
}

bool is_loopback(std::uint32_t address) {
    return (address >> 24) == 127;
}

sockaddr_in resolve_destination(const std::string& text) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
        throw UsageError("destination: expected HOST:PORT such as 127.0.0.1:9995, got '" + text +
                         "'");
    const std::string host = text.substr(0, colon);
    const std::string port_text = text.substr(colon + 1);
    char* end = nullptr;
    const unsigned long port = std::strtoul(port_text.c_str(), &end, 10);
    if (*end != '\0' || port == 0 || port > 65535 || port_text.front() == '-')
        throw UsageError("destination: port must be 1..65535, got '" + port_text + "'");

    addrinfo hints{};
    hints.ai_family = AF_INET;  // the model's exporters are IPv4 routers
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* found = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found);
    if (rc != 0 || found == nullptr)
        throw UsageError("destination: cannot resolve '" + host + "' to an IPv4 address (" +
                         ::gai_strerror(rc) + ")");
    sockaddr_in out{};
    std::memcpy(&out, found->ai_addr, sizeof out);
    ::freeaddrinfo(found);
    out.sin_port = htons(static_cast<std::uint16_t>(port));
    return out;
}

SendPlan make_plan(const SendOptions& o) {
    SendPlan plan;
    plan.destination = resolve_destination(o.destination);
    const std::uint32_t dst = ntohl(plan.destination.sin_addr.s_addr);
    plan.destination_text =
        flowfile::ipv4_text(dst) + ":" + std::to_string(ntohs(plan.destination.sin_port));
    if (!is_loopback(dst) && !o.allow_remote)
        throw UsageError("destination " + flowfile::ipv4_text(dst) +
                         " is not a loopback address (127.0.0.0/8); pass --allow-remote to send "
                         "to another host");

    if (o.rate == "max") {
        plan.rate = 0;
    } else {
        plan.rate = parse_quantity("--rate", o.rate);
        if (plan.rate == 0)
            throw UsageError("--rate: must be more than 0 flows/s (or 'max' for unpaced)");
    }
    if (!o.flows.empty()) {
        const double n = parse_quantity("--flows", o.flows);
        if (n < 1 || n != std::floor(n) || n > 1e15)
            throw UsageError("--flows: expected a whole number of flows of at least 1, got '" +
                             o.flows + "'");
        plan.flows = static_cast<std::uint64_t>(n);
    }
    if (o.seconds > 0) plan.seconds = o.seconds;

    std::optional<std::uint32_t> first;
    if (o.source == "any") {
        first.reset();
    } else if (!o.source.empty()) {
        first = parse_ipv4("--source", o.source);
    } else if (is_loopback(dst)) {
        first = 0x7f000002;  // 127.0.0.2, where the model's first router lives
    }
    if (first && *first > std::numeric_limits<std::uint32_t>::max() -
                              static_cast<std::uint32_t>(o.exporters))
        throw UsageError("--source: " + o.source + " plus " + std::to_string(o.exporters) +
                         " exporters runs past 255.255.255.255");
    for (int i = 0; i < o.exporters; ++i)
        plan.sources.push_back(first ? std::optional(*first + static_cast<std::uint32_t>(i))
                                     : std::nullopt);
    plan.seed = o.seed;
    plan.progress = o.progress;
    plan.templated = {.version = static_cast<std::uint16_t>(o.version),
                      .refresh_datagrams = o.template_datagrams,
                      .refresh_seconds = o.template_seconds};
    plan.dump = o.dump;
    plan.start_unix_secs = o.start_time >= 0 ? static_cast<std::uint32_t>(o.start_time)
                                             : static_cast<std::uint32_t>(std::time(nullptr));
    return plan;
}

// The model's two routers for the default of two; otherwise K routers
// sharing the clients evenly, with their own engines and uptimes, so the
// collector sees K distinct exporters with their own sequence numbers.
std::vector<ExporterProfile> exporter_profiles(const SendPlan& plan) {
    constexpr std::uint32_t day_ms = 86400000;
    const std::vector<ExporterProfile> model = flowkeep::bench::default_exporters();
    const std::size_t k = plan.sources.size();
    std::vector<ExporterProfile> out;
    for (std::size_t i = 0; i < k; ++i) {
        ExporterProfile e;
        if (k == model.size()) {
            e = model[i];
        } else {
            e.engine_type = static_cast<std::uint8_t>(i % 2);
            e.engine_id = static_cast<std::uint8_t>(i);
            e.uptime_ms = static_cast<std::uint32_t>((3 + 11 * i) % 45 * day_ms + 977 * i);
            e.client_share = 1.0;
        }
        e.address = plan.sources[i].value_or(0x7f000002 + static_cast<std::uint32_t>(i));
        out.push_back(e);
    }
    return out;
}

[[noreturn]] void fail(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

// One connected UDP socket per exporter: connect() fixes the route once
// instead of per datagram, and lets the kernel report "port unreachable".
std::vector<int> open_sockets(const SendPlan& plan) {
    std::vector<int> fds;
    for (const auto& source : plan.sources) {
        const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) fail("socket");
        fds.push_back(fd);
        if (source) {
            sockaddr_in local{};
            local.sin_family = AF_INET;
            local.sin_addr.s_addr = htonl(*source);
            if (::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0)
                fail("bind source address " + flowfile::ipv4_text(*source));
        }
        if (::connect(fd, reinterpret_cast<const sockaddr*>(&plan.destination),
                      sizeof plan.destination) != 0)
            fail("connect " + plan.destination_text);
    }
    return fds;
}

// Token bucket in flows: tokens accrue at `rate` per second of the steady
// clock, up to `capacity`.  Spending may overdraw it (a batch is sent whole);
// the debt delays the next batch, so the long-run rate is exact.
class TokenBucket {
  public:
    TokenBucket(double rate, double capacity, double initial, Clock::time_point now)
        : rate_(rate), capacity_(capacity), tokens_(initial), last_(now) {}

    // How long until `flows` tokens are there; zero if they are.
    Clock::duration wait_for(double flows, Clock::time_point now) {
        tokens_ = std::min(capacity_, tokens_ + Seconds(now - last_).count() * rate_);
        last_ = now;
        if (tokens_ >= flows) return Clock::duration::zero();
        return std::chrono::duration_cast<Clock::duration>(Seconds((flows - tokens_) / rate_));
    }
    void spend(double flows) { tokens_ -= flows; }

  private:
    double rate_;
    double capacity_;
    double tokens_;
    Clock::time_point last_;
};

void sleep_for(Clock::duration d) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
    timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
    // One try only: a signal ends the sleep early, and the loop checks it.
    ::clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, nullptr);
}

// A copy of every datagram sent, one file each, so that a test can decode
// exactly what a collector was given.
class DatagramDump {
  public:
    DatagramDump(const std::string& dir, const SendPlan& plan) : dir_(dir) {
        std::filesystem::create_directories(dir_);
        for (std::size_t k = 0; k < plan.sources.size(); ++k)
            sources_.push_back(plan.sources[k] ? flowfile::ipv4_text(*plan.sources[k])
                                               : "exporter" + std::to_string(k + 1));
    }

    void write(std::size_t exporter, std::span<const std::uint8_t> datagram) {
        char number[24];
        std::snprintf(number, sizeof number, "%08llu-",
                      static_cast<unsigned long long>(++written_));
        const std::filesystem::path path = dir_ / (number + sources_[exporter] + ".bin");
        std::ofstream out(path, std::ios::binary);
        out.write(reinterpret_cast<const char*>(datagram.data()),
                  static_cast<std::streamsize>(datagram.size()));
        if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
    }

  private:
    std::filesystem::path dir_;
    std::vector<std::string> sources_;
    std::uint64_t written_ = 0;
};

// Encoded datagrams of one batch, grouped by exporter because each exporter
// has its own socket; within an exporter they keep the model's order, so its
// sequence numbers arrive in order.  For v9 and IPFIX each exporter holds
// flows back until they fill a datagram; they count as taken when added.
class Batch {
  public:
    Batch(const SendPlan& plan, const std::vector<ExporterProfile>& exporters)
        : slot_bytes_(std::max(flowkeep::bench::v5_max_packet_bytes,
                               flowkeep::bench::template_max_datagram_bytes)),
          bytes_(max_batch_packets * slot_bytes_),
          iov_(max_batch_packets),
          messages_(exporters.size()),
          message_flows_(exporters.size()) {
        for (auto& m : messages_) m.reserve(max_batch_packets);
        if (plan.templated.version != 5) {
            for (const ExporterProfile& e : exporters)
                templated_.emplace_back(plan.templated,
                                        std::uint32_t{e.engine_type} << 8 | e.engine_id);
            held_back_.resize(exporters.size());
        }
        if (!plan.dump.empty()) dump_.emplace(plan.dump, plan);
    }

    bool full() const { return used_ == max_batch_packets; }
    std::uint64_t flows() const { return flows_; }
    bool holds_back() const {
        return std::any_of(held_back_.begin(), held_back_.end(),
                           [](const auto& flows) { return !flows.empty(); });
    }

    // Adds the first `flows` flows of `packet`.
    void add(const ExportPacket& packet, std::size_t flows) {
        if (templated_.empty()) {
            const std::span<std::uint8_t> slot = next_slot();
            const std::size_t len = flowkeep::bench::encode_v5(packet, flows, slot);
            const std::size_t n =
                (len - flowkeep::bench::v5_header_bytes) / flowkeep::bench::v5_record_bytes;
            queue(packet.exporter, slot.first(len), n);
            flows_ += n;
            return;
        }
        const std::size_t k = packet.exporter;
        const std::size_t n = std::min(flows, packet.flows.size());
        held_back_[k].insert(held_back_[k].end(), packet.flows.begin(), packet.flows.begin() + n);
        flows_ += n;
        while (!full() && held_back_[k].size() >= templated_[k].capacity()) encode_held_back(k);
    }

    // Puts the flows held back into datagrams, as many as the batch has room
    // for.
    void flush() {
        for (std::size_t k = 0; k < held_back_.size(); ++k)
            while (!full() && !held_back_[k].empty()) encode_held_back(k);
    }

    // Sends everything; on return the batch is empty.  Throws on an error
    // other than a transient one.
    void send(const std::vector<int>& fds, Totals& totals) {
        for (std::size_t k = 0; k < messages_.size(); ++k) {
            auto& msgs = messages_[k];
            std::size_t done = 0;
            while (done < msgs.size()) {
                const int n = ::sendmmsg(fds[k], msgs.data() + done,
                                         static_cast<unsigned>(msgs.size() - done), 0);
                if (n < 0) {
                    if (errno == EINTR) continue;
                    // A datagram sent earlier found nothing listening (ICMP
                    // port unreachable).  This one was not sent: try again,
                    // the error has been consumed.
                    if (errno == ECONNREFUSED) {
                        ++totals.refused;
                        continue;
                    }
                    if (errno == ENOBUFS || errno == EAGAIN) {
                        ++totals.no_buffer;
                        sleep_for(std::chrono::microseconds(100));
                        continue;
                    }
                    fail("send to socket of exporter " + std::to_string(k + 1));
                }
                for (int i = 0; i < n; ++i)
                    totals.flows += message_flows_[k][done + static_cast<std::size_t>(i)];
                totals.datagrams += static_cast<std::uint64_t>(n);
                done += static_cast<std::size_t>(n);
            }
            msgs.clear();
            message_flows_[k].clear();
        }
        used_ = 0;
        flows_ = 0;
    }

  private:
    std::span<std::uint8_t> next_slot() {
        return {bytes_.data() + used_ * slot_bytes_, slot_bytes_};
    }

    void queue(std::size_t exporter, std::span<std::uint8_t> datagram, std::size_t flows) {
        iov_[used_] = {datagram.data(), datagram.size()};
        mmsghdr m{};
        m.msg_hdr.msg_iov = &iov_[used_];
        m.msg_hdr.msg_iovlen = 1;
        messages_[exporter].push_back(m);
        message_flows_[exporter].push_back(flows);
        if (dump_) dump_->write(exporter, datagram);
        ++used_;
    }

    void encode_held_back(std::size_t k) {
        std::vector<flowfile::Record>& held = held_back_[k];
        const std::size_t n = std::min(held.size(), templated_[k].capacity());
        const std::span<std::uint8_t> slot = next_slot();
        const std::size_t len = templated_[k].encode(std::span(held).first(n), slot);
        queue(k, slot.first(len), n);
        held.erase(held.begin(), held.begin() + static_cast<std::ptrdiff_t>(n));
    }

    std::size_t slot_bytes_;
    std::vector<std::uint8_t> bytes_;
    std::vector<iovec> iov_;
    std::vector<std::vector<mmsghdr>> messages_;
    std::vector<std::vector<std::size_t>> message_flows_;
    std::vector<TemplateExporter> templated_;  // empty for v5
    std::vector<std::vector<flowfile::Record>> held_back_;
    std::optional<DatagramDump> dump_;
    std::size_t used_ = 0;
    std::uint64_t flows_ = 0;
};

Totals send_traffic(const SendPlan& plan) {
    IspTrafficProfile profile;
    profile.seed = plan.seed;
    profile.exporters = exporter_profiles(plan);
    // Export times in the packets follow the wall clock at the offered rate,
    // as a router's would, so a collector files them under today (or from
    // --start-time on, for a run that must be repeatable).
    profile.start_unix_secs = plan.start_unix_secs;
    profile.flows_per_second = plan.rate > 0 ? plan.rate : 1e6;
    IspTraffic traffic(profile);

    const std::vector<int> fds = open_sockets(plan);
    Batch batch(plan, profile.exporters);
    Totals totals;

    const bool paced = plan.rate > 0;
    constexpr double max_batch_flows =
        static_cast<double>(max_batch_packets * IspTraffic::max_flows_per_packet);
    const double batch_flows =
        paced ? std::clamp(plan.rate * batch_seconds,
                           static_cast<double>(IspTraffic::max_flows_per_packet), max_batch_flows)
              : max_batch_flows;
    const auto start = Clock::now();
    TokenBucket bucket(plan.rate, std::max(plan.rate * burst_seconds, 2 * batch_flows), batch_flows,
                       start);
    const auto deadline =
        plan.seconds ? start + std::chrono::duration_cast<Clock::duration>(Seconds(*plan.seconds))
                     : Clock::time_point::max();
    std::uint64_t remaining = plan.flows.value_or(std::numeric_limits<std::uint64_t>::max());
    auto last_progress = start;
    std::uint64_t flows_at_last_progress = 0;

    while (stop_requested == 0 && remaining > 0) {
        const auto now = Clock::now();
        if (now >= deadline) break;
        if (plan.progress && now - last_progress >= std::chrono::seconds(1)) {
            std::fprintf(stderr, "flow-send: %.0f s: %llu flows, %.0f flows/s\n",
                         Seconds(now - start).count(),
                         static_cast<unsigned long long>(totals.flows),
                         static_cast<double>(totals.flows - flows_at_last_progress) /
                             Seconds(now - last_progress).count());
            flows_at_last_progress = totals.flows;
            last_progress = now;
        }
        const double want = std::min(batch_flows, static_cast<double>(remaining));
        if (paced) {
            const auto wait = bucket.wait_for(want, now);
            if (wait > Clock::duration::zero()) {
                sleep_for(std::min({wait, deadline - now,
                                    std::chrono::duration_cast<Clock::duration>(max_sleep)}));
                continue;
            }
        }
        while (!batch.full() && static_cast<double>(batch.flows()) < want) {
            const ExportPacket packet = traffic.next_packet();
            // Only the very last packet of a --flows run is cut short.
            batch.add(packet, static_cast<std::size_t>(std::min<std::uint64_t>(
                                  packet.flows.size(), remaining - batch.flows())));
        }
        const std::uint64_t flows = batch.flows();
        batch.send(fds, totals);
        remaining -= flows;
        if (paced) bucket.spend(static_cast<double>(flows));
    }
    // What the routers held back for a fuller datagram goes out at the end.
    while (batch.holds_back()) {
        batch.flush();
        batch.send(fds, totals);
    }
    totals.seconds = Seconds(Clock::now() - start).count();
    for (int fd : fds) ::close(fd);
    return totals;
}

void report(const SendPlan& plan, const Totals& t) {
    const double achieved = t.seconds > 0 ? static_cast<double>(t.flows) / t.seconds : 0;
    std::printf(
        "flow-send: sent %llu%s datagrams, %llu flows to %s from %zu exporters in %.3f s: "
        "%.0f flows/s",
        static_cast<unsigned long long>(t.datagrams),
        plan.templated.version == 9    ? " NetFlow v9"
        : plan.templated.version == 10 ? " IPFIX"
                                       : "",
        static_cast<unsigned long long>(t.flows), plan.destination_text.c_str(),
        plan.sources.size(), t.seconds, achieved);
    if (plan.rate > 0) {
        std::printf(" (asked %.0f)", plan.rate);
        // Only a timed run says anything about keeping up: a --flows run
        // ends with a partial batch.
        if (achieved < 0.98 * plan.rate && t.seconds > 1)
            std::printf("; below the asked rate: the sender (or its CPU) was the limit");
    } else {
        std::printf(" (unpaced)");
    }
    std::printf("\n");
    if (t.refused > 0)
        std::fprintf(stderr,
                     "flow-send: warning: %llu sends reported 'port unreachable': nothing was "
                     "listening at %s for at least part of the run\n",
                     static_cast<unsigned long long>(t.refused), plan.destination_text.c_str());
    // One line of key=value for scripts (bench_capture reads it).
    std::printf(
        "SUMMARY flow-send datagrams=%llu flows=%llu seconds=%.6f rate=%.0f asked=%.0f "
        "exporters=%zu refused=%llu no_buffer=%llu\n",
        static_cast<unsigned long long>(t.datagrams), static_cast<unsigned long long>(t.flows),
        t.seconds, achieved, plan.rate, plan.sources.size(),
        static_cast<unsigned long long>(t.refused), static_cast<unsigned long long>(t.no_buffer));
    std::fflush(stdout);
}

void install_stop_handlers() {
    struct sigaction sa {};
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop;  // no SA_RESTART: a sleep ends at once
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"flow-send"};
    SendOptions options;
    declare_options(app, options);
    SendPlan plan;
    try {
        app.parse(argc, argv);
        plan = make_plan(options);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);  // --help
        std::fprintf(stderr, "flow-send: %s\n", e.what());
        return usage_exit_code;
    } catch (const UsageError& e) {
        std::fprintf(stderr, "flow-send: %s\n", e.what());
        return usage_exit_code;
    }

    install_stop_handlers();
    try {
        report(plan, send_traffic(plan));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "flow-send: %s\n", e.what());
        return failure_exit_code;
    }
    return 0;
}
