#pragma once

// Helpers of the fault tests: a sender of numbered flows running in its own
// thread at a steady rate, reading back what a capture left on disk, the
// status file, /proc figures of the daemon, and the faults themselves (a
// small tmpfs, the immutable flag).

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "capture/pdu_builder.hpp"
#include "flowfile/error.hpp"
#include "flowfile/reader.hpp"
#include "pdu_sender.hpp"

namespace flowkeep_e2e {

// The daemon's status file as key -> value.
inline std::map<std::string, std::string> read_status(const std::filesystem::path& p) {
    std::map<std::string, std::string> out;
    std::ifstream in(p);
    for (std::string line; std::getline(in, line);) {
        const auto eq = line.find('=');
        if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return out;
}

inline std::uint64_t status_number(const std::filesystem::path& p, const std::string& key) {
    const auto s = read_status(p);
    const auto it = s.find(key);
    if (it == s.end() || it->second.empty()) return 0;
    try {
        return std::stoull(it->second);
    } catch (const std::exception&) {
        return 0;
    }
}

// Polls until `done()` or the timeout; true when done.
template <typename Done>
bool poll_until(Done done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

inline bool wait_for_status(const std::filesystem::path& p, const std::string& key,
                            std::uint64_t value, std::chrono::milliseconds timeout) {
    return poll_until([&] { return status_number(p, key) == value; }, timeout);
}

// Polls until the status file accounts for `sent` flows, each decoded or
// dropped at the full queue.  Kernel drops make that sum unreachable: then
// it returns at once, and the caller's checks of the figures say what went
// wrong.
inline bool wait_for_flows_taken_in(const std::filesystem::path& p, std::uint64_t sent,
                                    std::chrono::milliseconds timeout) {
    return poll_until(
        [&] {
            return status_number(p, "flows") + status_number(p, "queue_dropped_flows") >= sent ||
                   status_number(p, "kernel_drops") > 0;
        },
        timeout);
}

// Bytes waiting to be read on the UDP socket bound to 127.0.0.1:port (the
// rx_queue column of /proc/net/udp); -1 when no such socket exists.
inline long long udp_receive_queue(std::uint16_t port) {
    std::ifstream in("/proc/net/udp");
    std::string line;
    std::getline(in, line);  // the column names
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string slot, local, remote, state, queues;
        fields >> slot >> local >> remote >> state >> queues;
        const auto colon = local.find(':');
        const auto split = queues.find(':');
        if (colon == std::string::npos || split == std::string::npos) continue;
        // The address is the kernel's network-order word printed as a number.
        if (std::stoul(local.substr(0, colon), nullptr, 16) != htonl(INADDR_LOOPBACK) ||
            std::stoul(local.substr(colon + 1), nullptr, 16) != port)
            continue;
        return std::stoll(queues.substr(split + 1), nullptr, 16);
    }
    return -1;
}

// Polls until the capture listening on 127.0.0.1:port has read every
// datagram sent to it so far: what it has read is stored or counted even if
// a stop signal follows at once.
inline bool wait_for_datagrams_read(std::uint16_t port, std::chrono::milliseconds timeout) {
    return poll_until([&] { return udp_receive_queue(port) == 0; }, timeout);
}

// One field of /proc/PID/status ("VmRSS", "Uid", ...), as text after the colon.
inline std::string proc_status_field(pid_t pid, const std::string& field) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind(field + ":", 0) == 0) {
            std::string v = line.substr(field.size() + 1);
            v.erase(0, v.find_first_not_of(" \t"));
            v.erase(v.find_last_not_of(" \t") + 1);
            return v;
        }
    return "";
}

inline std::uint64_t rss_kib(pid_t pid) {
    const std::string v = proc_status_field(pid, "VmRSS");
    return v.empty() ? 0 : std::stoull(v);
}

// One exporter sending v5 PDUs with consecutive flow sequence numbers from
// a thread, `flows_per_pdu` flows every `gap`.  Each flow carries its own
// number as source address, so the stored files show exactly which flows
// arrived; each PDU's send time is kept.
class LoadSender {
  public:
    using Clock = std::chrono::steady_clock;

    LoadSender(std::uint16_t port, std::uint32_t source, std::uint16_t flows_per_pdu,
               std::chrono::microseconds gap)
        : sender_(port), source_(source), flows_per_pdu_(flows_per_pdu), gap_(gap) {}
    ~LoadSender() { stop(); }

    void start() {
        thread_ = std::thread([this] { run(); });
    }
    void stop() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }

    struct Sent {
        Clock::time_point when;
        std::uint32_t first = 0;  // numbers first .. first+count-1
        std::uint16_t count = 0;
    };

    std::vector<Sent> log() const {
        std::lock_guard lock(mutex_);
        return log_;
    }

    // The flow numbers sent in [from, to).
    std::set<std::uint32_t> numbers_between(Clock::time_point from, Clock::time_point to) const {
        std::set<std::uint32_t> out;
        for (const auto& s : log())
            if (s.when >= from && s.when < to)
                for (std::uint32_t n = s.first; n < s.first + s.count; ++n) out.insert(n);
        return out;
    }
    std::set<std::uint32_t> all_numbers() const {
        return numbers_between(Clock::time_point::min(), Clock::time_point::max());
    }
    std::size_t flows_sent() const {
        std::lock_guard lock(mutex_);
        return next_number_ - 1;
    }

  private:
    void run() {
        auto next = Clock::now();
        while (!stop_) {
            flowkeep_test::PduHeader h = flowkeep_test::example_header(5);
            h.flow_sequence = sequence_;
            h.unix_secs = static_cast<std::uint32_t>(std::time(nullptr));
            std::vector<flowkeep_test::PduFlow> flows(flows_per_pdu_,
                                                      flowkeep_test::example_flow());
            std::uint32_t first = 0;
            {
                std::lock_guard lock(mutex_);
                first = next_number_;
                next_number_ += flows_per_pdu_;
            }
            for (std::uint32_t i = 0; i < flows_per_pdu_; ++i) flows[i].srcaddr = first + i;
            const auto payload = flowkeep_test::build_pdu(h, flows);
            const auto when = Clock::now();
            sender_.send(source_, payload);
            sequence_ += flows_per_pdu_;
            {
                std::lock_guard lock(mutex_);
                log_.push_back({when, first, flows_per_pdu_});
            }
            next += gap_;
            std::this_thread::sleep_until(next);
            if (Clock::now() - next > std::chrono::milliseconds(200))
                next = Clock::now();  // descheduled: no catch-up burst
        }
    }

    PduSender sender_;
    std::uint32_t source_;
    std::uint16_t flows_per_pdu_;
    std::chrono::microseconds gap_;
    std::uint32_t sequence_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    mutable std::mutex mutex_;
    std::uint32_t next_number_ = 1;
    std::vector<Sent> log_;
};

// Everything a capture left below a directory.
struct StoredFlows {
    std::multiset<std::uint32_t> numbers;  // srcaddr of every record
    std::vector<std::filesystem::path> files;
    std::map<std::filesystem::path, std::multiset<std::uint32_t>> per_file;
    std::map<std::uint32_t, std::size_t> by_exporter;  // exaddr -> records
    std::size_t tmp_files = 0;
    std::uint64_t header_lost_flows = 0;
    std::uint64_t header_seq_resets = 0;
    std::uint64_t header_corrupt = 0;
    std::string problems;  // one line per unreadable, damaged or unfinished file

    std::set<std::uint32_t> distinct() const { return {numbers.begin(), numbers.end()}; }
    std::size_t missing_of(const std::set<std::uint32_t>& wanted) const {
        const auto have = distinct();
        std::size_t n = 0;
        for (const auto w : wanted) n += have.count(w) == 0 ? 1 : 0;
        return n;
    }
};

inline StoredFlows read_stored(const std::filesystem::path& dir,
                               const std::set<std::string>& skip = {}) {
    StoredFlows c;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        const std::string name = e.path().filename().string();
        if (skip.count(name) != 0) continue;
        if (name.rfind("ft-", 0) != 0 && name.rfind("tmp-", 0) != 0) continue;
        c.files.push_back(e.path());
        if (name.rfind("tmp-", 0) == 0) ++c.tmp_files;
        std::unique_ptr<flowfile::Reader> r;
        try {
            r = flowfile::Reader::open(e.path());
        } catch (const flowfile::Error& err) {
            c.problems += std::string("unreadable: ") + err.what() + "\n";
            continue;
        }
        auto& mine = c.per_file[e.path()];
        for (auto b = r->next_batch(); !b.empty(); b = r->next_batch())
            for (const auto& rec : b) {
                c.numbers.insert(rec.srcaddr);
                mine.insert(rec.srcaddr);
                ++c.by_exporter[rec.exaddr];
            }
        if (!r->status().ok()) c.problems += r->status().message + "\n";
        if (!r->header().done()) c.problems += e.path().string() + ": not finished\n";
        c.header_lost_flows += r->header().lost_flows.value_or(0);
        c.header_seq_resets += r->header().seq_resets.value_or(0);
        c.header_corrupt += r->header().corrupt_packets.value_or(0);
    }
    std::sort(c.files.begin(), c.files.end());
    return c;
}

// The flow files (ft- and tmp-) below a directory, sorted by path.
inline std::vector<std::filesystem::path> flow_files(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
        if (e.is_regular_file() && (e.path().filename().string().rfind("ft-", 0) == 0 ||
                                    e.path().filename().string().rfind("tmp-", 0) == 0))
            out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

// A small tmpfs mounted for one test (as root) and unmounted however the test
// ends.
class Tmpfs {
  public:
    Tmpfs(const std::filesystem::path& target, std::size_t bytes)
        : target_(target), size_("size=" + std::to_string(bytes)) {
        std::filesystem::create_directories(target);
        mounted_ = ::mount("tmpfs", target.c_str(), "tmpfs", 0, size_.c_str()) == 0;
        if (!mounted_) error_ = std::strerror(errno);
    }
    ~Tmpfs() {
        if (!mounted_) return;
        ::mount(nullptr, target_.c_str(), nullptr, MS_REMOUNT, size_.c_str());
        // Lazily as a fallback: a daemon killed after a failed REQUIRE may
        // hold a descriptor for a moment longer.
        if (::umount(target_.c_str()) != 0) ::umount2(target_.c_str(), MNT_DETACH);
    }
    Tmpfs(const Tmpfs&) = delete;
    Tmpfs& operator=(const Tmpfs&) = delete;

    bool mounted() const { return mounted_; }
    const std::string& error() const { return error_; }
    // 0 or errno.
    int remount(bool read_only) const {
        const unsigned long flags = MS_REMOUNT | (read_only ? MS_RDONLY : 0);
        return ::mount(nullptr, target_.c_str(), nullptr, flags, size_.c_str()) == 0 ? 0 : errno;
    }

  private:
    std::filesystem::path target_;
    std::string size_;  // the mount option, "size=BYTES"
    bool mounted_ = false;
    std::string error_;
};

// chattr +i / -i on a directory; 0 or errno.
inline int set_immutable(const std::filesystem::path& p, bool on) {
    const int fd = ::open(p.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return errno;
    int flags = 0;
    int rc = ::ioctl(fd, FS_IOC_GETFLAGS, &flags);
    if (rc == 0) {
        flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
        rc = ::ioctl(fd, FS_IOC_SETFLAGS, &flags);
    }
    const int err = rc == 0 ? 0 : errno;
    ::close(fd);
    return err;
}

// Clears the immutable flag however the test ends, so TempDir can go.
struct ImmutableGuard {
    std::filesystem::path path;
    ~ImmutableGuard() { set_immutable(path, false); }
};

}  // namespace flowkeep_e2e
