#include "exporter_table.hpp"

#include "exporter_address.hpp"
#include "flowfile/ipv4_text.hpp"

namespace capture {

std::size_t ExporterKeyHash::operator()(const ExporterKey& k) const noexcept {
    // Spoofed floods choose source addresses freely; a multiply-xorshift mix
    // of all key bits keeps them spread over the buckets.
    std::uint64_t h = (std::uint64_t{k.source_ip} << 32) | k.local_ip;
    h ^= (std::uint64_t{k.source_port} << 32 | std::uint64_t{k.version} << 16 | k.local_port) *
         0x9E3779B97F4A7C15ull;
    h ^= ipv6_hash_bits(k.source_ipv6) * 0xD6E8FEB86659FD93ull;
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 33;
    return static_cast<std::size_t>(h);
}

ExporterTable::ExporterTable(std::size_t max_exporters, std::size_t max_engines_per_exporter)
    : max_exporters_(max_exporters), max_engines_(max_engines_per_exporter) {}

ExporterId ExporterTable::find(const ExporterKey& key) const {
    if (last_ != no_exporter && entries_[last_].key == key) return last_;
    const auto it = index_.find(key);
    return it == index_.end() ? no_exporter : it->second;
}

ExporterTable::Lookup ExporterTable::find_or_add(const ExporterKey& key, std::int64_t now) {
    Lookup result;
    result.id = find(key);
    if (result.id == no_exporter) {
        if (full()) return result;
        result.id = static_cast<ExporterId>(entries_.size());
        entries_.emplace_back(key, now, max_engines_);
        index_.emplace(key, result.id);
        result.created = true;
    }
    last_ = result.id;
    return result;
}

void ExporterTable::log_stat_lines(std::int64_t now, std::int64_t startup,
                                   const LogSink& log) const {
    if (!log) return;
    for (auto it = entries_.rbegin(); it != entries_.rend(); ++it)
        log(stat_line(*it, now, startup));
}

std::string source_text(const ExporterKey& key) {
    return exporter_text(key.source_ip, key.source_ipv6);
}

std::string new_exporter_line(const Exporter& e) {
    return "New exporter: time=" + std::to_string(e.first_seen) + " src_ip=" + source_text(e.key) +
           " dst_ip=" + flowfile::ipv4_text(e.key.local_ip) +
           " d_version=" + std::to_string(e.key.version) +
           (e.key.version == 9 || e.key.version == 10
                ? " src_port=" + std::to_string(e.key.source_port)
                : std::string());
}

std::string stat_line(const Exporter& e, std::int64_t now, std::int64_t startup) {
    const ExporterCounters& c = e.counters;
    return "STAT: now=" + std::to_string(now) + " startup=" + std::to_string(startup) +
           " src_ip=" + source_text(e.key) + " dst_ip=" + flowfile::ipv4_text(e.key.local_ip) +
           " d_ver=" + std::to_string(e.key.version) + " pkts=" + std::to_string(c.pkts) +
           " flows=" + std::to_string(c.flows) + " lost=" + std::to_string(c.lost) +
           " reset=" + std::to_string(c.reset) + " filter_drops=" + std::to_string(c.filter_drops) +
           // flow-tools' fields stay first and unchanged for parsers of v5
           // lines; only template-based exporters have these.
           (e.key.version == 9 || e.key.version == 10
                ? " no_template_sets=" + std::to_string(c.no_template_sets) +
                      " ipv6_flows=" + std::to_string(c.ipv6_flows) +
                      " src_port=" + std::to_string(e.key.source_port)
                : std::string());
}

}  // namespace capture
