#pragma once

// Hand-made flows and the name tables the summary tests share.

#include <cstdint>
#include <filesystem>
#include <sstream>
#include <string>

#include "filter/service_names.hpp"
#include "flowfile/record.hpp"
#include "summary/summary.hpp"

namespace summary_test {

inline flowquery::ServiceNames test_names() {
    const std::filesystem::path dir = std::filesystem::path(FLOWKEEP_TEST_DATA) / "summary";
    return flowquery::ServiceNames::load(dir / "services", dir / "protocols");
}

inline std::uint32_t ip(unsigned a, unsigned b, unsigned c, unsigned d) {
    return a << 24 | b << 16 | c << 8 | d;
}

// A flow that started at `start` (Unix seconds) and lasted one second.
struct Flow {
    flowfile::Record r;

    Flow() {
        r.sysuptime = 1000000;
        r.first = 1000000;
        r.last = 1001000;
        r.prot = 6;
        r.dpkts = 1;
        r.doctets = 100;
    }
    Flow& proto(std::uint8_t p) { return r.prot = p, *this; }
    Flow& src(std::uint32_t a, std::uint16_t port = 0) {
        r.srcaddr = a;
        r.srcport = port;
        return *this;
    }
    Flow& dst(std::uint32_t a, std::uint16_t port = 0) {
        r.dstaddr = a;
        r.dstport = port;
        return *this;
    }
    Flow& exporter(std::uint32_t a) { return r.exaddr = a, *this; }
    Flow& size(std::uint32_t packets, std::uint32_t octets) {
        r.dpkts = packets;
        r.doctets = octets;
        return *this;
    }
    Flow& start(std::int64_t unix_seconds) {
        r.unix_secs = static_cast<std::uint32_t>(unix_seconds);
        return *this;
    }
    operator flowfile::Record() const { return r; }
};

inline std::string write(const flowquery::Summary& s,
                         flowquery::SummaryFormat format = flowquery::SummaryFormat::csv,
                         flowquery::TimeZoneStyle zone = flowquery::TimeZoneStyle::utc) {
    std::ostringstream out;
    s.write(out, format, zone);
    return out.str();
}

// A summary's CSV with '\n' line ends, which reads better in expectations.
inline std::string csv(const flowquery::Summary& s,
                       flowquery::TimeZoneStyle zone = flowquery::TimeZoneStyle::utc) {
    std::string text = write(s, flowquery::SummaryFormat::csv, zone);
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i)
        if (!(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) out += text[i];
    return out;
}

}  // namespace summary_test
