#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "filter/filter_options.hpp"
#include "tools/usage_error.hpp"

using flowquery::FilterOptionText;
using flowquery::ServiceNames;
using flowquery::UsageError;

namespace {

const ServiceNames& names() {
    static const ServiceNames fixture =
        ServiceNames::load(std::filesystem::path(FLOWKEEP_TEST_DATA) / "query" / "services",
                           std::filesystem::path(FLOWKEEP_TEST_DATA) / "query" / "protocols");
    return fixture;
}

struct Parsed {
    FilterOptionText text;
    std::vector<std::string> files;
};

Parsed parse(std::vector<std::string> args) {
    CLI::App app{"test"};
    Parsed parsed;
    flowquery::add_filter_options(app, parsed.text);
    app.add_option("files", parsed.files);
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    app.parse(reversed);  // CLI11 takes the vector last argument first
    return parsed;
}

std::string spec_error(const FilterOptionText& text) {
    try {
        flowquery::build_filter_spec(text, names());
    } catch (const UsageError& e) {
        return e.what();
    }
    return "(accepted)";
}

constexpr std::uint32_t ip(unsigned a, unsigned b, unsigned c, unsigned d) {
    return a << 24 | b << 16 | c << 8 | d;
}

}  // namespace

TEST_CASE("each occurrence takes one value and leaves the file arguments alone") {
    const Parsed p = parse({"--ip", "10.0.0.1", "/archive/a", "--port", "smtp,80", "/archive/b",
                            "--ip=10.0.0.2,10.0.0.3", "--proto", "tcp"});
    CHECK(p.text.ip == std::vector<std::string>{"10.0.0.1", "10.0.0.2,10.0.0.3"});
    CHECK(p.text.port == std::vector<std::string>{"smtp,80"});
    CHECK(p.text.protocol == std::vector<std::string>{"tcp"});
    CHECK(p.files == std::vector<std::string>{"/archive/a", "/archive/b"});
}

TEST_CASE("every filter option is recognised") {
    const Parsed p = parse({"--src-ip", "a", "--dst-ip", "b", "--src-port", "c", "--dst-port", "d",
                            "--exporter", "e"});
    CHECK(p.text.src_ip == std::vector<std::string>{"a"});
    CHECK(p.text.dst_ip == std::vector<std::string>{"b"});
    CHECK(p.text.src_port == std::vector<std::string>{"c"});
    CHECK(p.text.dst_port == std::vector<std::string>{"d"});
    CHECK(p.text.exporter == std::vector<std::string>{"e"});
    CHECK_THROWS_AS(parse({"--ip"}), CLI::ParseError);
}

TEST_CASE("help lists the options under Filters with an example each") {
    CLI::App app{"test"};
    FilterOptionText text;
    flowquery::add_filter_options(app, text);
    const std::string help = app.help();
    CHECK(help.find("Filters:") != std::string::npos);
    for (const char* example :
         {"--ip 10.0.3.7,192.0.2.0/24", "--src-ip 10.0.0.0/8", "--dst-ip 203.0.113.10",
          "--proto tcp,udp,47", "--port smtp,465,8000-8099", "--src-port 1024-65535",
          "--dst-port https,80", "--exporter 192.0.2.1"}) {
        INFO(example);
        CHECK(help.find(example) != std::string::npos);
    }
}

TEST_CASE("no option text gives an empty spec") {
    const flowquery::FilterSpec spec = flowquery::build_filter_spec({}, names());
    CHECK_FALSE(spec.ip);
    CHECK_FALSE(spec.src_ip);
    CHECK_FALSE(spec.dst_ip);
    CHECK_FALSE(spec.exporter);
    CHECK_FALSE(spec.port);
    CHECK_FALSE(spec.src_port);
    CHECK_FALSE(spec.dst_port);
    CHECK_FALSE(spec.protocol);
    CHECK_FALSE(spec.window);
    CHECK(flowquery::FlowFilter(spec).accepts_everything());
}

TEST_CASE("repeated options are one list") {
    const Parsed p = parse({"--ip", "10.0.0.1", "--ip", "10.0.0.9", "--proto", "udp", "--proto",
                            "6", "--dst-port", "smtp", "--dst-port", "8000-8001"});
    const flowquery::FilterSpec spec = flowquery::build_filter_spec(p.text, names());
    REQUIRE(spec.ip);
    CHECK(spec.ip->contains(ip(10, 0, 0, 1)));
    CHECK(spec.ip->contains(ip(10, 0, 0, 9)));
    CHECK_FALSE(spec.ip->contains(ip(10, 0, 0, 5)));
    REQUIRE(spec.protocol);
    CHECK(spec.protocol->contains(6));
    CHECK(spec.protocol->contains(17));
    CHECK_FALSE(spec.protocol->contains(1));
    REQUIRE(spec.dst_port);
    CHECK(spec.dst_port->contains(25));
    CHECK(spec.dst_port->contains(8001));
    CHECK_FALSE(spec.dst_port->contains(8002));
    CHECK_FALSE(spec.port);
}

TEST_CASE("errors name the option that holds the bad item") {
    FilterOptionText t;
    t.src_ip = {"10.0.0.1", "256.1.1.1"};
    CHECK(spec_error(t) == "--src-ip: bad address '256.1.1.1'");
    t = {};
    t.dst_ip = {"10.0.3.7/16"};
    CHECK(spec_error(t) == "--dst-ip: '10.0.3.7/16' has host bits set (did you mean 10.0.0.0/16?)");
    t = {};
    t.ip = {"1.2.3"};
    CHECK(spec_error(t) == "--ip: bad address '1.2.3'");
    t = {};
    t.exporter = {"10.0.0.0/33"};
    CHECK(spec_error(t) == "--exporter: bad prefix length in '10.0.0.0/33' (expected 0 to 32)");
    t = {};
    t.port = {"smtpx"};
    CHECK(spec_error(t) == "--port: unknown service 'smtpx'");
    t = {};
    t.src_port = {"70000"};
    CHECK(spec_error(t) == "--src-port: bad port '70000'");
    t = {};
    t.dst_port = {"90-80"};
    CHECK(spec_error(t) == "--dst-port: bad port range '90-80'");
    t = {};
    t.protocol = {"tcpx"};
    CHECK(spec_error(t) == "--proto: unknown protocol 'tcpx'");
    t = {};
    t.ip = {"10.0.0.1", ""};
    CHECK(spec_error(t) == "--ip: empty item in list '10.0.0.1,'");
}
