#include "filter/service_names.hpp"

#include <fstream>
#include <limits>

namespace flowquery {
namespace {

std::string lowercase(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// The whitespace-separated words of a line, up to its '#' comment.
std::vector<std::string_view> words_of(std::string_view line) {
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
        const std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
        if (i > start) words.push_back(line.substr(start, i - start));
    }
    return words;
}

std::optional<unsigned> small_number(std::string_view s, unsigned max) {
    if (s.empty() || s.size() > 5) return std::nullopt;
    unsigned value = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value > max) return std::nullopt;
    return value;
}

}  // namespace

ServiceNames ServiceNames::load(const std::filesystem::path& services,
                                const std::filesystem::path& protocols) {
    ServiceNames names;
    names.names_.emplace_back();
    names.read_services(services);
    names.read_protocols(protocols);
    return names;
}

std::uint16_t ServiceNames::intern(std::string name) {
    // A services file with more than 65535 entries is not a real one; its
    // excess names read as unknown rather than costing every table width.
    if (names_.size() > std::numeric_limits<std::uint16_t>::max()) return 0;
    names_.push_back(std::move(name));
    return static_cast<std::uint16_t>(names_.size() - 1);
}

void ServiceNames::read_services(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        const auto words = words_of(line);
        if (words.size() < 2) continue;
        const auto slash = words[1].find('/');
        if (slash == std::string_view::npos) continue;
        const auto port = small_number(words[1].substr(0, slash), 65535);
        const std::string transport = lowercase(words[1].substr(slash + 1));
        if (!port) continue;
        int index = -1;
        if (transport == "tcp")
            index = 0;
        else if (transport == "udp")
            index = 1;
        else if (transport == "sctp")
            index = 2;
        if (index < 0) continue;

        auto& table = port_names_[index];
        if (table.empty()) table.assign(65536, 0);
        if (table[*port] == 0) table[*port] = intern(std::string(words[0]));
        if (index == 2) continue;  // --port names mean tcp or udp services
        for (std::size_t i = 0; i < words.size(); ++i) {
            if (i == 1) continue;
            ports_by_name_.emplace(lowercase(words[i]), static_cast<std::uint16_t>(*port));
        }
    }
}

void ServiceNames::read_protocols(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        const auto words = words_of(line);
        if (words.size() < 2) continue;
        const auto number = small_number(words[1], 255);
        if (!number) continue;
        if (protocol_names_[*number] == 0) protocol_names_[*number] = intern(lowercase(words[0]));
        for (std::size_t i = 0; i < words.size(); ++i) {
            if (i == 1) continue;
            protocols_by_name_.emplace(lowercase(words[i]), static_cast<std::uint8_t>(*number));
        }
    }
}

std::optional<std::uint16_t> ServiceNames::port(std::string_view name) const {
    auto it = ports_by_name_.find(lowercase(name));
    if (it == ports_by_name_.end()) return std::nullopt;
    return it->second;
}

std::optional<std::uint8_t> ServiceNames::protocol(std::string_view name) const {
    auto it = protocols_by_name_.find(lowercase(name));
    if (it == protocols_by_name_.end()) return std::nullopt;
    return it->second;
}

}  // namespace flowquery
