#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "filter/port_set.hpp"
#include "tools/usage_error.hpp"

using flowquery::PortSet;
using flowquery::ServiceNames;
using flowquery::UsageError;

namespace {

const ServiceNames& names() {
    static const ServiceNames fixture =
        ServiceNames::load(std::filesystem::path(FLOWKEEP_TEST_DATA) / "query" / "services",
                           std::filesystem::path(FLOWKEEP_TEST_DATA) / "query" / "protocols");
    return fixture;
}

std::string parse_error(const std::string& list, const std::string& option = "--port") {
    try {
        PortSet::parse(list, option, names());
    } catch (const UsageError& e) {
        return e.what();
    }
    return "(accepted)";
}

std::vector<unsigned> members(const PortSet& set) {
    std::vector<unsigned> ports;
    for (unsigned p = 0; p <= 65535; ++p)
        if (set.contains(static_cast<std::uint16_t>(p))) ports.push_back(p);
    return ports;
}

}  // namespace

TEST_CASE("port numbers") {
    CHECK(members(PortSet::parse("25", "--port", names())) == std::vector<unsigned>{25});
    CHECK(members(PortSet::parse("0,65535, 80", "--port", names())) ==
          std::vector<unsigned>{0, 80, 65535});
    CHECK(members(PortSet::parse("00025", "--port", names())) == std::vector<unsigned>{25});
}

TEST_CASE("port ranges are inclusive") {
    const PortSet set = PortSet::parse("1024-65535", "--src-port", names());
    CHECK_FALSE(set.contains(1023));
    CHECK(set.contains(1024));
    CHECK(set.contains(40000));
    CHECK(set.contains(65535));
    CHECK(members(PortSet::parse("60-63,63-64,7-7", "--port", names())) ==
          std::vector<unsigned>{7, 60, 61, 62, 63, 64});
}

TEST_CASE("service names, aliases and names with dashes or leading digits") {
    CHECK(members(PortSet::parse("smtp,https", "--port", names())) ==
          std::vector<unsigned>{25, 443});
    CHECK(members(PortSet::parse("www", "--port", names())) == std::vector<unsigned>{80});
    CHECK(members(PortSet::parse("http-alt", "--port", names())) == std::vector<unsigned>{8080});
    CHECK(members(PortSet::parse("ftp-data", "--port", names())) == std::vector<unsigned>{20});
    CHECK(members(PortSet::parse("9pfs", "--port", names())) == std::vector<unsigned>{564});
    CHECK(members(PortSet::parse("SMTP,25,20-21", "--port", names())) ==
          std::vector<unsigned>{20, 21, 25});
}

TEST_CASE("bad ports, ranges and services name the option and the item") {
    CHECK(parse_error("70000") == "--port: bad port '70000'");
    CHECK(parse_error("65536") == "--port: bad port '65536'");
    CHECK(parse_error("99999999999999999999") == "--port: bad port '99999999999999999999'");
    CHECK(parse_error("90-80", "--dst-port") == "--dst-port: bad port range '90-80'");
    CHECK(parse_error("1-70000") == "--port: bad port range '1-70000'");
    CHECK(parse_error("1-") == "--port: bad port range '1-'");
    CHECK(parse_error("-1") == "--port: bad port range '-1'");
    CHECK(parse_error("1-2-3") == "--port: bad port range '1-2-3'");
    CHECK(parse_error("-") == "--port: bad port range '-'");
    CHECK(parse_error("smtpx") == "--port: unknown service 'smtpx'");
    CHECK(parse_error("25,smtpx", "--src-port") == "--src-port: unknown service 'smtpx'");
    CHECK(parse_error("smtp-https") == "--port: unknown service 'smtp-https'");
    CHECK(parse_error("sctp-only") == "--port: unknown service 'sctp-only'");
    CHECK(parse_error("25x") == "--port: unknown service '25x'");
    CHECK(parse_error("25,,80") == "--port: empty item in list '25,,80'");
    CHECK(parse_error("") == "--port: empty item in list ''");
}
