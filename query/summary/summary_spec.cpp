#include "summary/summary_spec.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "time/time_spec.hpp"
#include "tools/usage_error.hpp"

namespace flowquery {

namespace {

struct KeyWord {
    std::string_view word;
    SummaryKey key;
};

// The accepted spellings, in the order the error message lists them.
constexpr std::array<KeyWord, 13> key_words{{
    {"protocol", SummaryKey::protocol},
    {"proto", SummaryKey::protocol},
    {"service", SummaryKey::service},
    {"src-port", SummaryKey::src_port},
    {"dst-port", SummaryKey::dst_port},
    {"port", SummaryKey::port},
    {"src-ip", SummaryKey::src_ip},
    {"dst-ip", SummaryKey::dst_ip},
    {"ip", SummaryKey::ip},
    {"exporter", SummaryKey::exporter},
    {"account", SummaryKey::account},
    {"connection", SummaryKey::connection},
    {"interval", SummaryKey::interval},
}};

constexpr std::string_view accepted_keys =
    "protocol, service, src-port, dst-port, port, src-ip, dst-ip, ip, exporter, account, "
    "connection, interval";

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

SummaryKey parse_key(std::string_view word) {
    std::string normal(word);
    std::replace(normal.begin(), normal.end(), '_', '-');
    std::transform(normal.begin(), normal.end(), normal.begin(), [](char c) {
        return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    });
    for (const KeyWord& known : key_words)
        if (known.word == normal) return known.key;
    throw UsageError("--by: unknown key '" + std::string(word) + "' (expected " +
                     std::string(accepted_keys) + ")");
}

std::vector<SummaryKey> parse_keys(std::string_view by) {
    std::vector<SummaryKey> keys;
    if (trim(by).empty()) return keys;
    std::string_view rest = by;
    while (true) {
        const std::size_t comma = rest.find(',');
        const std::string_view word = trim(rest.substr(0, comma));
        if (word.empty())
            throw UsageError("--by: empty key in '" + std::string(by) + "' (expected " +
                             std::string(accepted_keys) + ")");
        const SummaryKey key = parse_key(word);
        if (std::find(keys.begin(), keys.end(), key) != keys.end())
            throw UsageError("--by: key '" + std::string(word) + "' given twice in '" +
                             std::string(by) + "'");
        keys.push_back(key);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return keys;
}

SummaryMetric parse_metric(std::string_view sort) {
    const std::string_view word = trim(sort);
    if (word.empty() || word == "octets" || word == "bytes") return SummaryMetric::octets;
    if (word == "flows") return SummaryMetric::flows;
    if (word == "packets") return SummaryMetric::packets;
    throw UsageError("--sort: unknown metric '" + std::string(sort) +
                     "' (expected flows, packets, octets or bytes)");
}

}  // namespace

SummarySpec parse_summary_spec(std::string_view by, std::string_view interval,
                               std::string_view sort, std::size_t top) {
    SummarySpec spec;
    spec.by = parse_keys(by);
    const bool by_interval =
        std::find(spec.by.begin(), spec.by.end(), SummaryKey::interval) != spec.by.end();
    if (!trim(interval).empty()) {
        spec.interval_seconds = parse_duration(trim(interval), "--interval");
        if (!by_interval) spec.by.insert(spec.by.begin(), SummaryKey::interval);
    } else if (by_interval) {
        throw UsageError("--by interval needs --interval DURATION (e.g. 1h or 1d)");
    }
    spec.sort = parse_metric(sort);
    spec.top = top;
    return spec;
}

std::size_t parse_top(std::string_view text) {
    const std::string_view digits = trim(text);
    std::size_t rows = 0;
    bool ok = !digits.empty() && digits.size() <= 18;
    for (char c : digits) {
        if (c < '0' || c > '9') ok = false;
        if (ok) rows = rows * 10 + static_cast<std::size_t>(c - '0');
    }
    if (!ok || rows == 0)
        throw UsageError("--top: expected a number of rows of at least 1, not '" +
                         std::string(text) + "'");
    return rows;
}

std::string_view summary_key_name(SummaryKey key) {
    switch (key) {
        case SummaryKey::protocol:
            return "protocol";
        case SummaryKey::service:
            return "service";
        case SummaryKey::src_port:
            return "src_port";
        case SummaryKey::dst_port:
            return "dst_port";
        case SummaryKey::port:
            return "port";
        case SummaryKey::src_ip:
            return "src_ip";
        case SummaryKey::dst_ip:
            return "dst_ip";
        case SummaryKey::ip:
            return "ip";
        case SummaryKey::exporter:
            return "exporter";
        case SummaryKey::account:
            return "account";
        case SummaryKey::connection:
            return "connection";
        case SummaryKey::interval:
            return "interval";
    }
    return "?";
}

}  // namespace flowquery
