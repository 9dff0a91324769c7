#pragma once

// NetFlow v9 and IPFIX datagrams: export versions flowkeep recognises but
// cannot decode yet (their records need per-exporter templates).  They are
// not damage, so they are counted apart from corrupt packets, and an
// exporter sending thousands a minute gets a few log lines, not flow-tools'
// two lines per datagram ("ftpdu version not set." and ftpdu_verify()).

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace capture {

// "NetFlow v9" (version 9) or "IPFIX" (version 10); nullptr for any other
// version field.
const char* unsupported_version_name(std::uint16_t version);

class UnsupportedVersionReport {
  public:
    static constexpr std::int64_t summary_interval_seconds = 60;

    // At most `max_sources` exporter/version pairs are counted one by one, so
    // a flood of spoofed sources cannot grow memory.
    explicit UnsupportedVersionReport(std::size_t max_sources);

    // Counts one datagram of an unsupported `version` from `source_ip` (host
    // order) received at `now` (Unix seconds).  Returns the line to log when
    // one is due: the first datagram of a source and version, then at most
    // one line a minute with the count so far, e.g.
    //   "NetFlow v9 datagrams from 10.0.0.1: not supported yet, 500 so far".
    std::optional<std::string> count(std::uint32_t source_ip, std::uint16_t version,
                                     std::int64_t now);

    // Datagrams counted since start-up, all sources.
    std::uint64_t total() const { return total_; }

  private:
    struct Source {
        std::uint64_t datagrams = 0;
        std::int64_t logged_at = 0;
    };

    std::size_t max_sources_;
    std::map<std::pair<std::uint32_t, std::uint16_t>, Source> sources_;
    std::uint64_t total_ = 0;
    bool limit_logged_ = false;
};

}  // namespace capture
