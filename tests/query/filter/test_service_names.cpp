#include <catch2/catch.hpp>

#include <filesystem>

#include "filter/service_names.hpp"
#include "support/precondition.hpp"

using flowquery::ServiceNames;

namespace {

ServiceNames fixture() {
    const std::filesystem::path dir = std::filesystem::path(FLOWKEEP_TEST_DATA) / "query";
    return ServiceNames::load(dir / "services", dir / "protocols");
}

}  // namespace

TEST_CASE("service names give tcp and udp ports, aliases included, in any case") {
    const ServiceNames names = fixture();
    CHECK(names.port("smtp") == 25);
    CHECK(names.port("SMTP") == 25);
    CHECK(names.port("mail") == 25);
    CHECK(names.port("domain") == 53);
    CHECK(names.port("www") == 80);
    CHECK(names.port("syslog") == 514);  // udp only
    CHECK(names.port("http-alt") == 8080);
    CHECK(names.port("webcache") == 8080);
    CHECK(names.port("9pfs") == 564);
    CHECK(names.port("kerberos") == 88);
    CHECK(names.port("krb5") == 88);
    CHECK(names.port("kerberos-dup") == 88);
}

TEST_CASE("names that are not tcp or udp services are unknown") {
    const ServiceNames names = fixture();
    CHECK_FALSE(names.port("smtpx"));
    CHECK_FALSE(names.port(""));
    CHECK_FALSE(names.port("25"));
    CHECK_FALSE(names.port("sctp-only"));  // sctp only
    CHECK_FALSE(names.port("rtmp"));       // ddp
    CHECK_FALSE(names.port("broken"));     // port 70000
    CHECK_FALSE(names.port("broken2"));
    CHECK_FALSE(names.port("broken4"));
    CHECK_FALSE(names.port("tcp/25"));
}

TEST_CASE("the first line of a name wins") {
    const ServiceNames names = fixture();
    // mail-dup lists smtp as an alias for 26; smtp stays 25.
    CHECK(names.port("smtp") == 25);
    CHECK(names.port("mail-dup") == 26);
}

TEST_CASE("port names are the official name of the first line for that port and transport") {
    const ServiceNames names = fixture();
    CHECK(names.port_name(25, 6) == "smtp");
    CHECK(names.port_name(80, 6) == "http");
    CHECK(names.port_name(443, 17) == "https");
    CHECK(names.port_name(514, 6) == "shell");
    CHECK(names.port_name(514, 17) == "syslog");
    CHECK(names.port_name(88, 6) == "Kerberos");  // as written; transport case ignored
    CHECK(names.port_name(26, 6) == "mail-dup");
    CHECK(names.port_name(9999, 132) == "sctp-only");
    CHECK(names.port_name(4569, 132) == "iax");
}

TEST_CASE("port names are empty for unknown ports and non-port protocols") {
    const ServiceNames names = fixture();
    CHECK(names.port_name(80, 17) == "");   // http is tcp only here
    CHECK(names.port_name(4569, 6) == "");  // iax is sctp only
    CHECK(names.port_name(1, 6) == "");     // ddp line ignored
    CHECK(names.port_name(25, 1) == "");    // icmp has no ports
    CHECK(names.port_name(25, 0) == "");
    CHECK(names.port_name(65535, 6) == "");
    CHECK(names.port_name(0, 17) == "");
}

TEST_CASE("protocol names in any case, aliases included") {
    const ServiceNames names = fixture();
    CHECK(names.protocol("tcp") == 6);
    CHECK(names.protocol("TCP") == 6);
    CHECK(names.protocol("Udp") == 17);
    CHECK(names.protocol("ip") == 0);
    CHECK(names.protocol("icmpv6") == 58);
    CHECK(names.protocol("ipv6-icmp") == 58);
    CHECK(names.protocol("sctp") == 132);
    CHECK(names.protocol("tcp-again") == 6);
    CHECK_FALSE(names.protocol("bogus"));  // 256
    CHECK_FALSE(names.protocol("nonumber"));
    CHECK_FALSE(names.protocol("6"));
    CHECK_FALSE(names.protocol("tcpx"));
}

TEST_CASE("protocol numbers give the lowercase official name of the first line") {
    const ServiceNames names = fixture();
    CHECK(names.protocol_name(0) == "ip");
    CHECK(names.protocol_name(1) == "icmp");
    CHECK(names.protocol_name(6) == "tcp");
    CHECK(names.protocol_name(17) == "udp");
    CHECK(names.protocol_name(58) == "ipv6-icmp");
    CHECK(names.protocol_name(132) == "sctp");
    CHECK(names.protocol_name(2) == "");
    CHECK(names.protocol_name(255) == "");
}

TEST_CASE("missing files give an empty table") {
    for (const ServiceNames& names :
         {ServiceNames(), ServiceNames::load("/nonexistent/services", "/nonexistent/protocols")}) {
        CHECK_FALSE(names.port("smtp"));
        CHECK_FALSE(names.protocol("tcp"));
        CHECK(names.port_name(25, 6) == "");
        CHECK(names.protocol_name(6) == "");
    }
}

TEST_CASE("one missing file leaves the other half usable") {
    const std::filesystem::path dir = std::filesystem::path(FLOWKEEP_TEST_DATA) / "query";
    const ServiceNames names = ServiceNames::load("/nonexistent/services", dir / "protocols");
    CHECK_FALSE(names.port("smtp"));
    CHECK(names.port_name(25, 6) == "");
    CHECK(names.protocol("tcp") == 6);
    CHECK(names.protocol_name(17) == "udp");
}

TEST_CASE("a moved table keeps its names") {
    ServiceNames moved = fixture();
    const ServiceNames names = std::move(moved);
    CHECK(names.port_name(25, 6) == "smtp");
    CHECK(names.protocol_name(6) == "tcp");
}

TEST_CASE("the system's /etc/services and /etc/protocols (netbase)") {
    if (!flowkeep_test::precondition(
            std::filesystem::exists("/etc/services") && std::filesystem::exists("/etc/protocols"),
            "/etc/services or /etc/protocols missing: install netbase"))
        return;
    const ServiceNames names = ServiceNames::load();
    CHECK(names.port("smtp") == 25);
    CHECK(names.port("https") == 443);
    CHECK(names.port("domain") == 53);
    CHECK(names.port_name(22, 6) == "ssh");
    CHECK(names.port_name(53, 17) == "domain");
    CHECK(names.protocol("TCP") == 6);
    CHECK(names.protocol("icmp") == 1);
    CHECK(names.protocol_name(17) == "udp");
}
