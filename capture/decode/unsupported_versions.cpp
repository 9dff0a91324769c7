#include "unsupported_versions.hpp"

#include "flowfile/ipv4_text.hpp"

namespace capture {

const char* unsupported_version_name(std::uint16_t version) {
    switch (version) {
        case 9:
            return "NetFlow v9";
        case 10:
            return "IPFIX";
        default:
            return nullptr;
    }
}

UnsupportedVersionReport::UnsupportedVersionReport(std::size_t max_sources)
    : max_sources_(max_sources) {}

std::optional<std::string> UnsupportedVersionReport::count(std::uint32_t source_ip,
                                                           std::uint16_t version,
                                                           std::int64_t now) {
    ++total_;
    const std::string what = std::string(unsupported_version_name(version)) + " datagrams from " +
                             flowfile::ipv4_text(source_ip) + ": not supported yet";
    const auto key = std::make_pair(source_ip, version);
    auto it = sources_.find(key);
    if (it == sources_.end()) {
        if (sources_.size() >= max_sources_) {
            if (limit_logged_) return std::nullopt;
            limit_logged_ = true;
            return what + " (and from more exporters; counted only in the total, " +
                   std::to_string(total_) + " so far)";
        }
        it = sources_.emplace(key, Source{}).first;
        it->second.datagrams = 1;
        it->second.logged_at = now;
        return what + ", 1 so far";
    }
    Source& s = it->second;
    ++s.datagrams;
    // A clock stepped back must not silence the source until it catches up.
    if (now - s.logged_at < summary_interval_seconds && now >= s.logged_at) return std::nullopt;
    s.logged_at = now;
    return what + ", " + std::to_string(s.datagrams) + " so far";
}

}  // namespace capture
