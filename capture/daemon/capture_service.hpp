#pragma once

// flow-capture at run time: a receiving thread (socket -> decoder -> batches)
// and the writing thread (batches -> archiver), joined by a bounded queue, so
// compression and disk stalls never block the socket.  Signals only set flags
// that the writing loop reads.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "config/options.hpp"
#include "daemon_log.hpp"
#include "privileges.hpp"
#include "startup_report.hpp"

namespace capture {

// What the daemon counts beyond the file headers; shown by the status file.
struct CaptureCounters {
    std::atomic<std::uint64_t> datagrams{0};
    std::atomic<std::uint64_t> flows{0};
    std::atomic<std::uint64_t> corrupt_packets{0};
    // NetFlow v9 and IPFIX: the decoder's TemplateStats and the number of
    // templates it knows, copied after each such datagram.
    std::atomic<std::uint64_t> template_datagrams{0};
    std::atomic<std::uint64_t> templates{0};
    std::atomic<std::uint64_t> templates_refused{0};
    std::atomic<std::uint64_t> no_template_sets{0};
    std::atomic<std::uint64_t> malformed_sets{0};
    std::atomic<std::uint64_t> ipv6_flows{0};  // stored in the IPv6 series (also in flows)
    std::atomic<std::uint64_t> unplaceable_time_flows{0};
    std::atomic<std::uint64_t> oversized_flows{0};
    std::atomic<std::uint64_t> no_address_flows{0};
    std::atomic<std::uint64_t> untimed_flows{0};
    std::atomic<std::uint64_t> split_flows{0};
    std::atomic<std::uint64_t> ifindex_clamped_flows{0};
    std::atomic<std::uint64_t> as_trans_flows{0};
    // Datagrams (and the flows they announced) dropped because the writer was
    // behind and every batch was in flight.
    std::atomic<std::uint64_t> queue_dropped_datagrams{0};
    std::atomic<std::uint64_t> queue_dropped_flows{0};
    std::atomic<std::uint64_t> kernel_drops{0};
    // Times the writer fell behind and switched to zlib level 1 for a while.
    std::atomic<std::uint64_t> catch_up_episodes{0};
    // Exporter entries, and datagrams refused because the table was full (a
    // flood of spoofed sources cannot grow memory past the cap).
    std::atomic<std::uint64_t> exporters{0};
    std::atomic<std::uint64_t> exporter_limit_datagrams{0};
    std::atomic<std::uint64_t> exporter_limit_flows{0};
    std::atomic<std::int64_t> last_datagram_time{0};
    std::atomic<std::int64_t> last_flow_time{0};
};

class CaptureService {
  public:
    // `user`: --user, resolved; the switch happens once the socket is bound
    // and the pidfile written.  `report`, when given, hears "ready" or why
    // the start failed.
    CaptureService(CaptureOptions options, DaemonLog& log,
                   std::optional<UserSwitch> user = std::nullopt, StartupReport* report = nullptr);
    // Runs until SIGTERM/SIGQUIT (or SIGINT); returns the exit status.
    int run();

  private:
    CaptureOptions options_;
    DaemonLog& log_;
    std::optional<UserSwitch> user_;
    StartupReport* report_;
    CaptureCounters counters_;
};

// Installs the handlers that turn SIGHUP/SIGTERM/SIGQUIT/SIGINT into flags.
void install_signal_flags();

}  // namespace capture
