#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "config/listen_address.hpp"
#include "config/options.hpp"

using capture::CaptureOptions;
using capture::IpAddress;
using capture::OptionError;
using capture::parse_arguments;
using Args = std::vector<std::string>;

namespace {

// The message of the OptionError the arguments raise; fails the test when
// they are accepted or the exit code is not flow-capture's 1.
std::string error_of(const Args& args) {
    try {
        parse_arguments(args);
    } catch (const OptionError& e) {
        CHECK(e.exit_code() == 1);
        return e.what();
    }
    FAIL("accepted: " << Catch::Detail::stringify(args));
    return {};
}

// A valid command line with `extra` in front.
CaptureOptions with(const Args& extra) {
    Args args = extra;
    args.insert(args.end(), {"-w", "/flows", "0/0/9995"});
    return parse_arguments(args);
}

std::string error_with(const Args& extra) {
    Args args = extra;
    args.insert(args.end(), {"-w", "/flows", "0/0/9995"});
    return error_of(args);
}

IpAddress v4(const char* dotted) {
    return capture::parse_listen_address(std::string(dotted) + "/0/1").local;
}

}  // namespace

TEST_CASE("defaults are flow-tools' defaults", "[capture][options]") {
    const CaptureOptions o = parse_arguments({"-w", "/flows", "0/0/9995"});
    CHECK(o.request == CaptureOptions::Request::capture);
    CHECK(o.work_dir == "/flows");
    CHECK(o.listen.port == 9995);
    CHECK(o.listen.local.is_unspecified());
    CHECK(o.listen.remote.is_unspecified());
    CHECK(o.byte_order == flowfile::host_byte_order());
    CHECK_FALSE(o.comment.has_value());
    CHECK(o.debug_level == 0);
    CHECK_FALSE(o.foreground);
    CHECK(o.expire_count == 0);
    CHECK(o.expire_size == 0);
    CHECK(o.rotations == 95);
    CHECK(o.nesting == 3);  // the manual says 0; flow-capture 0.68.5 uses 3
    CHECK(o.pid_file == std::optional<std::string>("/var/run/flow-capture.pid"));
    CHECK_FALSE(o.post_rotate_program.has_value());
    CHECK(o.stat_interval == 0);
    CHECK_FALSE(o.keep_umask);
    CHECK(o.export_version == 0);
    CHECK(o.compression_level == -1);
    CHECK(o.flush_interval == std::chrono::seconds(5));
    CHECK(o.status_file.empty());
    CHECK(o.receive_buffer == 4194304);
}

TEST_CASE("the ISP's command line", "[capture][options]") {
    const CaptureOptions o = parse_arguments(
        {"-w", "/data/support/flow/default", "-n", "100", "-V", "5", "-N", "3", "0/0/30123"});
    CHECK(o.work_dir == "/data/support/flow/default");
    CHECK(o.rotations == 100);
    CHECK(o.export_version == 5);
    CHECK(o.nesting == 3);
    CHECK(o.listen.port == 30123);
    CHECK(o.listen.bind_address() == IpAddress{});
    CHECK_FALSE(o.listen.required_exporter().has_value());
    CHECK_FALSE(o.listen.multicast());
    CHECK_FALSE(o.foreground);
}

TEST_CASE("argv[0] is the program name, not an argument", "[capture][options]") {
    const char* argv[] = {"flow-capture", "-D", "-w", "/flows", "0/0/9995"};
    const CaptureOptions o = capture::parse_command_line(5, argv);
    CHECK(o.foreground);
    CHECK(o.work_dir == "/flows");
}

TEST_CASE("every value option takes its value attached or as the next word", "[capture][options]") {
    struct Case {
        std::string option;
        std::string value;
        std::function<void(const CaptureOptions&)> check;
    };
    const std::vector<Case> cases = {
        {"-b", "big", [](auto& o) { CHECK(o.byte_order == flowfile::ByteOrder::big); }},
        {"-b", "little", [](auto& o) { CHECK(o.byte_order == flowfile::ByteOrder::little); }},
        {"-b", "BIG", [](auto& o) { CHECK(o.byte_order == flowfile::ByteOrder::big); }},
        {"-b", "Little", [](auto& o) { CHECK(o.byte_order == flowfile::ByteOrder::little); }},
        {"-C", "core router 1", [](auto& o) { CHECK(o.comment == "core router 1"); }},
        {"-C", "", [](auto& o) { CHECK(o.comment == ""); }},
        {"-d", "2", [](auto& o) { CHECK(o.debug_level == 2); }},
        {"-e", "100", [](auto& o) { CHECK(o.expire_count == 100); }},
        {"-E", "5G", [](auto& o) { CHECK(o.expire_size == 5ull << 30); }},
        {"-E", "300M", [](auto& o) { CHECK(o.expire_size == 300ull << 20); }},
        {"-E", "0x10K", [](auto& o) { CHECK(o.expire_size == 16ull * 1024); }},
        {"-E", "010", [](auto& o) { CHECK(o.expire_size == 8); }},
        {"-E", "3b", [](auto& o) { CHECK(o.expire_size == 1536); }},
        {"-n", "100", [](auto& o) { CHECK(o.rotations == 100); }},
        {"-n", "0", [](auto& o) { CHECK(o.rotations == 0); }},
        {"-n", "1439", [](auto& o) { CHECK(o.rotations == 1439); }},
        {"-N", "0", [](auto& o) { CHECK(o.nesting == 0); }},
        {"-N", "-1", [](auto& o) { CHECK(o.nesting == -1); }},
        {"-N", "-3", [](auto& o) { CHECK(o.nesting == -3); }},
        {"-N", "+2", [](auto& o) { CHECK(o.nesting == 2); }},
        {"-p", "/run/fc.pid", [](auto& o) { CHECK(o.pid_file == "/run/fc.pid"); }},
        {"-p", "-", [](auto& o) { CHECK_FALSE(o.pid_file.has_value()); }},
        {"-p", "", [](auto& o) { CHECK_FALSE(o.pid_file.has_value()); }},
        {"-R", "/usr/local/bin/post rotate",
         [](auto& o) { CHECK(o.post_rotate_program == "/usr/local/bin/post rotate"); }},
        {"-S", "0", [](auto& o) { CHECK(o.stat_interval == 0); }},
        {"-S", "5", [](auto& o) { CHECK(o.stat_interval == 5); }},
        {"-S", "60", [](auto& o) { CHECK(o.stat_interval == 60); }},
        {"-V", "1", [](auto& o) { CHECK(o.export_version == 1); }},
        {"-V", "5", [](auto& o) { CHECK(o.export_version == 5); }},
        {"-V", "6", [](auto& o) { CHECK(o.export_version == 6); }},
        {"-V", "7", [](auto& o) { CHECK(o.export_version == 7); }},
        {"-V", "1005", [](auto& o) { CHECK(o.export_version == 1005); }},
        {"-z", "0", [](auto& o) { CHECK(o.compression_level == 0); }},
        {"-z", "6", [](auto& o) { CHECK(o.compression_level == 6); }},
        {"-z", "9", [](auto& o) { CHECK(o.compression_level == 9); }},
        {"-c", "0", [](auto&) {}},
        {"-f", "/etc/flow-tools/cfg/filter.cfg", [](auto&) {}},
        {"-t", "/etc/flow-tools/cfg/tag.cfg", [](auto&) {}},
        {"-x", "/etc/flow-tools/cfg/xlate.cfg", [](auto&) {}},
        {"-v", "ROUTER=10.0.0.1", [](auto&) {}},
    };
    for (const Case& c : cases) {
        INFO(c.option << " " << c.value);
        c.check(with({c.option, c.value}));
        // An empty value cannot be attached: "-C" alone takes the next word.
        if (!c.value.empty()) c.check(with({c.option + c.value}));
    }
}

TEST_CASE("the work directory and the address come in any order, also attached",
          "[capture][options]") {
    CHECK(parse_arguments({"0/0/9995", "-w", "/flows"}).work_dir == "/flows");
    CHECK(parse_arguments({"-w/flows", "0/0/9995"}).work_dir == "/flows");
    CHECK(parse_arguments({"-w", "/flows", "-n", "23", "0/0/9995", "-V5"}).export_version == 5);
    // "--" ends the options, as with getopt.
    const CaptureOptions o = parse_arguments({"-w", "/flows", "--", "0/0/9995"});
    CHECK(o.listen.port == 9995);
}

TEST_CASE("switches, also grouped as getopt allows", "[capture][options]") {
    CHECK(with({"-D"}).foreground);
    CHECK(with({"-u"}).keep_umask);
    const CaptureOptions du = with({"-Du"});
    CHECK(du.foreground);
    CHECK(du.keep_umask);
    const CaptureOptions due = with({"-uDE5G"});
    CHECK(due.foreground);
    CHECK(due.keep_umask);
    CHECK(due.expire_size == 5ull << 30);
    const CaptureOptions dn = with({"-DN", "-2"});
    CHECK(dn.foreground);
    CHECK(dn.nesting == -2);
}

TEST_CASE("a value starting with '-' is the value, never an option", "[capture][options]") {
    CHECK(with({"-N", "-3"}).nesting == -3);
    CHECK(with({"-N-3"}).nesting == -3);
    const CaptureOptions c = with({"-C", "-D"});
    CHECK(c.comment == "-D");
    CHECK_FALSE(c.foreground);
    CHECK(with({"-C", "-w elsewhere"}).work_dir == "/flows");
    CHECK(with({"-C", "--help"}).request == CaptureOptions::Request::capture);
}

TEST_CASE("a repeated option: the last one wins, as with getopt", "[capture][options]") {
    CHECK(with({"-n", "10", "-n", "20"}).rotations == 20);
    CHECK(with({"-V", "1", "-V5"}).export_version == 5);
    CHECK(parse_arguments({"-w", "/a", "-w", "/b", "0/0/1"}).work_dir == "/b");
}

TEST_CASE("flowkeep's long options", "[capture][options]") {
    CHECK(with({"--flush-interval", "10"}).flush_interval == std::chrono::seconds(10));
    CHECK(with({"--flush-interval=1"}).flush_interval == std::chrono::seconds(1));
    CHECK(with({"--flush-interval", "3600"}).flush_interval == std::chrono::seconds(3600));
    CHECK(with({"--status-file", "/run/flowkeep/9995.status"}).status_file ==
          "/run/flowkeep/9995.status");
    CHECK(with({"--status-file=/tmp/s"}).status_file == "/tmp/s");
    CHECK(with({"--receive-buffer", "16M"}).receive_buffer == 16 * 1024 * 1024);
    CHECK(with({"--receive-buffer=65536"}).receive_buffer == 65536);
    CHECK(with({}).template_lifetime == 1800);
    CHECK(with({"--template-lifetime", "600"}).template_lifetime == 600);
    CHECK(with({"--template-lifetime=0"}).template_lifetime == 0);
    CHECK(with({}).index_block == 1024);
    CHECK(with({"--index-block", "512"}).index_block == 512);
    CHECK(with({"--index-block=0"}).index_block == 0);
    CHECK(with({"--index-block", "64"}).index_block == 64);
    CHECK(with({"--index-block", "1048576"}).index_block == 1048576);
    CHECK(with({}).client_networks.empty());
    const auto networks = with({"--client-networks", "10.0.0.0/21,2001:db8::/32"}).client_networks;
    CHECK(networks.contains(0x0a0007ffu));
    CHECK_FALSE(networks.contains(0x0a000800u));
    CHECK(networks.text() == "10.0.0.0/21,2001:db8::/32");
}

TEST_CASE("help and version stop the parse where they stand", "[capture][options]") {
    using R = CaptureOptions::Request;
    CHECK(parse_arguments({"-h"}).request == R::usage_on_stderr);
    CHECK(parse_arguments({"--help"}).request == R::usage_on_stdout);
    CHECK(parse_arguments({"--version"}).request == R::version);
    CHECK(parse_arguments({"-Dh"}).request == R::usage_on_stderr);
    // getopt exits at -h before it reaches a bad value after it ...
    CHECK(parse_arguments({"-h", "-n", "99999"}).request == R::usage_on_stderr);
    // ... but not before one in front of it.
    CHECK(error_of({"-n", "99999", "-h"}) ==
          "-n 99999: rotations limited to every 1 minute (accepted: 0..1439 rotations per day)");
}

TEST_CASE("localip/remoteip/port", "[capture][options][address]") {
    using capture::parse_listen_address;

    SECTION("0 means any, the port is the third field") {
        const auto a = parse_listen_address("0/0/30123");
        CHECK(a.local == IpAddress{});
        CHECK(a.remote == IpAddress{});
        CHECK(a.port == 30123);
        CHECK_FALSE(a.ttl.has_value());
        CHECK(a.bind_address().str() == "0.0.0.0");
    }
    SECTION("later fields may be left out") {
        const auto a = parse_listen_address("127.0.0.1/0");
        CHECK(a.local.str() == "127.0.0.1");
        CHECK(a.port == 9991);
        CHECK(parse_listen_address("10.1.2.3").port == 9991);
        CHECK(parse_listen_address("10.1.2.3").remote.is_unspecified());
    }
    SECTION("the fourth field is a ttl, kept and unused") {
        CHECK(parse_listen_address("0/0/9995/16").ttl == std::optional<unsigned>(16));
    }
    SECTION("flow-tools' dotted decimal: missing octets are trailing zeros") {
        CHECK(v4("10").str() == "10.0.0.0");
        CHECK(v4("127.1").str() == "127.1.0.0");
        CHECK(v4("192.168.7").str() == "192.168.7.0");
        CHECK(v4("255.255.255.255").str() == "255.255.255.255");
        CHECK(v4("0").is_unspecified());
        CHECK(v4("010.1").str() == "10.1.0.0");  // decimal, not inet_aton's octal
        CHECK(v4("10.0.0.1").ipv4() == 0x0a000001u);
    }
    SECTION("a remote address filters exporters") {
        const auto a = parse_listen_address("10.0.0.1/192.0.2.7/9995");
        CHECK(a.bind_address().str() == "10.0.0.1");
        REQUIRE(a.required_exporter().has_value());
        CHECK(a.required_exporter()->str() == "192.0.2.7");
        CHECK_FALSE(a.multicast());
    }
    SECTION("IPv6 local and remote addresses") {
        const auto loopback = parse_listen_address("::1/0/9995");
        CHECK_FALSE(loopback.local.is_ipv4());
        CHECK(loopback.bind_address().str() == "::1");
        CHECK(parse_listen_address("::/0/9995").bind_address().str() == "::");
        const auto pair = parse_listen_address("2001:db8::1/2001:db8::2/9995");
        CHECK(pair.required_exporter()->str() == "2001:db8::2");
        // "0" with an IPv6 exporter binds the IPv6 wildcard.
        CHECK(parse_listen_address("0/2001:db8::2/9995").bind_address().str() == "::");
        CHECK(parse_listen_address("fe80::1%1/0/9995").local.str() == "fe80::1%1");
    }
    SECTION("a multicast remote field is a group to join") {
        const auto any_source = parse_listen_address("0/239.1.2.3/9995");
        CHECK(any_source.multicast());
        CHECK_FALSE(any_source.remote.is_source_specific_multicast());
        CHECK(any_source.bind_address().str() == "0.0.0.0");
        CHECK_FALSE(any_source.required_exporter().has_value());
        const auto ssm = parse_listen_address("192.0.2.1/232.1.1.1/9995");
        CHECK(ssm.remote.is_source_specific_multicast());
        CHECK(ssm.local.str() == "192.0.2.1");  // the source
        CHECK(ssm.bind_address().str() == "0.0.0.0");
        const auto v6 = parse_listen_address("::/ff3e::1234/9995");
        CHECK(v6.multicast());
        CHECK(v6.remote.is_source_specific_multicast());
        CHECK(v6.bind_address().str() == "::");
    }
    SECTION("a host name is resolved to its first IPv4 address") {
        CHECK(parse_listen_address("localhost/0/9995").local.str() == "127.0.0.1");
    }
    SECTION("on the command line, an IPv6 local address") {
        const auto o = parse_arguments({"-w", "/flows", "::1/0/2055"});
        CHECK(o.listen.port == 2055);
        CHECK(o.listen.bind_address().str() == "::1");
        CHECK_FALSE(o.listen.required_exporter());
    }
    SECTION("the daemon refuses what it would not honour: multicast, IPv6 exporter filters") {
        CHECK_THROWS_WITH(parse_arguments({"-w", "/flows", "0/239.1.2.3/9995"}),
                          "0/239.1.2.3/9995: multicast capture is not supported by flowkeep; "
                          "give a unicast address");
        CHECK_THROWS_WITH(parse_arguments({"-w", "/flows", "::/2001:db8::9/2055"}),
                          "::/2001:db8::9/2055: an IPv6 remoteip filter is not supported "
                          "(NetFlow v1/v5/v7 records hold IPv4 exporter addresses only)");
    }
}

TEST_CASE("a bad localip/remoteip/port says what is wrong", "[capture][options][address]") {
    const std::string form =
        " (accepted: localip/remoteip/port[/ttl], e.g. 0/0/9995, 10.0.0.1/10.0.0.2/9995 or "
        "::/0/9995)";
    auto message = [](const std::string& text) { return error_of({"-w", "/flows", text}); };
    CHECK(message("0/0/0") ==
          "localip/remoteip/port \"0/0/0\": port 0 is out of range 1..65535" + form);
    CHECK(message("0/0/65536") ==
          "localip/remoteip/port \"0/0/65536\": port 65536 is out of range 1..65535" + form);
    CHECK(message("0/0/x") ==
          "localip/remoteip/port \"0/0/x\": port \"x\" is not a number 1..65535" + form);
    CHECK(message("0/0/9995/300") ==
          "localip/remoteip/port \"0/0/9995/300\": ttl 300 is out of range 0..255" + form);
    CHECK(message("0/0/1/2/3") ==
          "localip/remoteip/port \"0/0/1/2/3\": more than four fields" + form);
    CHECK(message("/0/9995") ==
          "localip/remoteip/port \"/0/9995\": empty local address (write 0 for any)" + form);
    CHECK(message("1.2.3.4.5/0/1") ==
          "localip/remoteip/port \"1.2.3.4.5/0/1\": local address \"1.2.3.4.5\" is not an "
          "address" +
              form);
    CHECK(message("1..2/0/1") ==
          "localip/remoteip/port \"1..2/0/1\": local address \"1..2\" is not an address" + form);
    CHECK(message("0/10.0.0.-1/1") ==
          "localip/remoteip/port \"0/10.0.0.-1/1\": remote address \"10.0.0.-1\" is not an "
          "address" +
              form);
    // flow-tools took octets modulo 256: 300.1.1.1 listened on 44.1.1.1.
    CHECK(message("300.1.1.1/0/9995") ==
          "localip/remoteip/port \"300.1.1.1/0/9995\": local address \"300.1.1.1\": octet 300 is "
          "out of range 0..255" +
              form);
    CHECK(message("0/10.0.0.300/9995") ==
          "localip/remoteip/port \"0/10.0.0.300/9995\": remote address \"10.0.0.300\": octet "
          "300 is out of range 0..255" +
              form);
    CHECK(message("256/0/9995") ==
          "localip/remoteip/port \"256/0/9995\": local address \"256\": octet 256 is out of "
          "range 0..255" +
              form);
    CHECK(message("0/1.99999999999/9995") ==
          "localip/remoteip/port \"0/1.99999999999/9995\": remote address \"1.99999999999\": "
          "octet 99999999999 is out of range 0..255" +
              form);
    CHECK(message("10./0/9995") ==
          "localip/remoteip/port \"10./0/9995\": local address \"10.\" is not an address" + form);
    // Hex would reach the resolver, which reads it as inet_aton does.
    CHECK(message("0x7f.1/0/9995") ==
          "localip/remoteip/port \"0x7f.1/0/9995\": local address \"0x7f.1\" is not an address "
          "(octets are decimal 0..255)" +
              form);
    CHECK(message("0/0x0a000001/9995") ==
          "localip/remoteip/port \"0/0x0a000001/9995\": remote address \"0x0a000001\" is not an "
          "address (octets are decimal 0..255)" +
              form);
    CHECK(message("1::zz/0/1") ==
          "localip/remoteip/port \"1::zz/0/1\": local address \"1::zz\" is not an IPv6 address" +
              form);
    CHECK(message("::1/10.0.0.1/9995") ==
          "localip/remoteip/port \"::1/10.0.0.1/9995\": local and remote addresses must both be "
          "IPv4 or both IPv6" +
              form);
    CHECK(message("239.0.0.1/239.0.0.2/9995") ==
          "localip/remoteip/port \"239.0.0.1/239.0.0.2/9995\": the local field of a multicast "
          "capture is the source, not a group" +
              form);
}

TEST_CASE("every option error names the option and the accepted form", "[capture][options]") {
    // Missing pieces, in flow-capture's order: the address first, then -w.
    CHECK(error_of({}) == "Specify localip/remoteip/port.");
    CHECK(error_of({"-w", "/flows"}) == "Specify localip/remoteip/port.");
    CHECK(error_of({"0/0/9995"}) == "Specify workdir with -w.");
    CHECK(error_of({"-w", "/flows", "0/0/9995", "0/0/9996"}) ==
          "Specify localip/remoteip/port. (only one; also got 0/0/9996)");
    CHECK(error_of({"-w", "", "0/0/9995"}) == "-w \"\": Specify workdir with -w.");

    // Values flow-capture checks, with its own words kept.
    CHECK(error_with({"-b", "middle"}) == "-b middle: expecting \"big\" or \"little\" at -b");
    CHECK(error_with({"-n", "1440"}) ==
          "-n 1440: rotations limited to every 1 minute (accepted: 0..1439 rotations per day)");
    CHECK(error_with({"-n", "-1"}) ==
          "-n -1: rotations per day cannot be negative (accepted: 0..1439 rotations per day)");
    CHECK(error_with({"-N", "4"}) == "-N 4: -3 <= nesting level <= 3");
    CHECK(error_with({"-N", "-4"}) == "-N -4: -3 <= nesting level <= 3");
    CHECK(error_with({"-N", "99999999999"}) == "-N 99999999999: -3 <= nesting level <= 3");
    CHECK(error_with({"-S", "61"}) == "-S 61: Stat interval must be between 0 and 60.");
    CHECK(error_with({"-S", "-1"}) == "-S -1: Stat interval must be between 0 and 60.");
    CHECK(error_with({"-z", "10"}) == "-z 10: Compression level must be between 0 and 9");
    CHECK(error_with({"-E", "5X"}) ==
          "-E: scan_size(): failed: invalid size \"5X\": unknown suffix (expected a number, "
          "decimal, 0x hex or 0 octal, optionally followed by b (x512), K, M or G)");
    CHECK(error_with({"-E", "-5G"}) ==
          "-E: scan_size(): failed: invalid size \"-5G\": no number (expected a number, "
          "decimal, 0x hex or 0 octal, optionally followed by b (x512), K, M or G)");
    const std::string versions = " (accepted: 1, 5, 6, 7 or 1005)";
    CHECK(error_with({"-V", "five"}) == "-V five: Version scan failed" + versions);
    CHECK(error_with({"-V", "5."}) == "-V 5.: Version scan failed" + versions);
    CHECK(error_with({"-V", "9"}) == "-V 9: Unsupported d_version 9" + versions);
    CHECK(error_with({"-V", "0"}) == "-V 0: Unsupported d_version 0" + versions);
    CHECK(error_with({"-V", "8.1"}) ==
          "-V 8.1: version 8 aggregation files are not supported by flowkeep" + versions);
    CHECK(error_with({"-V", "8"}) ==
          "-V 8: version 8 aggregation files are not supported by flowkeep" + versions);
    CHECK(error_with({"-V", "5.1"}) ==
          "-V 5.1: only version 8 takes an aggregation method" + versions);

    // Numbers flow-capture would have read with atoi() are checked strictly.
    CHECK(error_with({"-n", "abc"}) ==
          "-n abc: not a whole number (accepted: 0..1439 rotations per day)");
    CHECK(error_with({"-n", "95x"}) ==
          "-n 95x: not a whole number (accepted: 0..1439 rotations per day)");
    CHECK(error_with({"-n", ""}) ==
          "-n \"\": not a whole number (accepted: 0..1439 rotations per day)");
    CHECK(error_with({"-N", "x"}) == "-N x: not a whole number (accepted: -3..3)");
    CHECK(error_with({"-S", "5m"}) == "-S 5m: not a whole number (accepted: 0..60 minutes)");
    CHECK(error_with({"-z", "max"}) == "-z max: not a whole number (accepted: 0..9)");
    CHECK(error_with({"-e", "-1"}) ==
          "-e -1: not a whole number (accepted: a number of files, 0 for no limit)");
    CHECK(error_with({"-d", "-1"}) == "-d -1: out of range (accepted: a whole number, 0 or more)");
    CHECK(error_with({"-R", ""}) == "-R \"\": expecting a program path");

    // flowkeep's own options.
    CHECK(error_with({"--flush-interval", "0"}) ==
          "--flush-interval 0: out of range (accepted: 1..3600 seconds)");
    CHECK(error_with({"--flush-interval", "5s"}) ==
          "--flush-interval 5s: not a whole number (accepted: 1..3600 seconds)");
    CHECK(error_with({"--receive-buffer", "1K"}) ==
          "--receive-buffer 1K: out of range (accepted: 65536..1073741824 bytes, e.g. 8M)");
    CHECK(error_with({"--receive-buffer", "lots"}) ==
          "--receive-buffer lots: not a size (accepted: 65536..1073741824 bytes, e.g. 8M)");
    CHECK(error_with({"--template-lifetime", "86401"}) ==
          "--template-lifetime 86401: out of range (accepted: 0..86400 seconds)");
    CHECK(error_with({"--template-lifetime", "30m"}) ==
          "--template-lifetime 30m: not a whole number (accepted: 0..86400 seconds)");
    CHECK(error_with({"--client-networks", "10.0.3.7/16"}) ==
          "--client-networks 10.0.3.7/16: '10.0.3.7/16' has host bits set (did you mean "
          "10.0.0.0/16?)");
    CHECK(error_with({"--client-networks", "10.0.0.0/33"}) ==
          "--client-networks 10.0.0.0/33: bad prefix '10.0.0.0/33'");
    CHECK(error_with({"--client-networks", " , "}) ==
          "--client-networks \" , \": expecting IPv4 or IPv6 prefixes");
    CHECK(error_with({"--index-block", "63"}) ==
          "--index-block 63: out of range (accepted: 0 (off) or 64..1048576 records)");
    CHECK(error_with({"--index-block", "1048577"}) ==
          "--index-block 1048577: out of range (accepted: 0 (off) or 64..1048576 records)");
    CHECK(error_with({"--index-block", "-1"}) ==
          "--index-block -1: out of range (accepted: 0 (off) or 64..1048576 records)");
    CHECK(error_with({"--index-block", "1k"}) ==
          "--index-block 1k: not a whole number (accepted: 0 (off) or 64..1048576 records)");
    CHECK(error_with({"--status-file="}) ==
          "option --status-file needs a value after '=': --status-file=PATH");
    CHECK(error_with({"--help=yes"}) == "option --help takes no value");

    // Syntax.
    const std::string see = " (see --help for the accepted options)";
    CHECK(error_with({"-q"}) == "unknown option -q" + see);
    CHECK(error_with({"-Dq"}) == "unknown option -q" + see);
    CHECK(error_with({"-m", "0xffffff00"}) == "unknown option -m" + see);  // not in 0.68.5
    CHECK(error_with({"-A", "0"}) == "unknown option -A" + see);
    CHECK(error_with({"--foo"}) == "unknown option --foo" + see);
    CHECK(error_with({"--flush", "5"}) == "unknown option --flush" + see);  // no guessing
    CHECK(error_of({"0/0/9995", "-w"}) == "option -w needs a value: -w workdir");
    CHECK(error_of({"-w", "/flows", "0/0/9995", "-n"}) == "option -n needs a value: -n rotations");
    CHECK(error_of({"-w", "/flows", "0/0/9995", "--status-file"}) ==
          "option --status-file needs a value: --status-file PATH");
}

TEST_CASE("features flowkeep does not carry stop the start", "[capture][options]") {
    const std::string remove = " is not supported by flowkeep; remove it from the command line";
    CHECK(error_with({"-F", "default"}) == "option -F (filter)" + remove);
    CHECK(error_with({"-f", "filter.cfg", "-F", "default"}) == "option -F (filter)" + remove);
    CHECK(error_with({"-T", "tag1,tag2"}) == "option -T (tagging)" + remove);
    CHECK(error_with({"-X", "xl"}) == "option -X (translation)" + remove);
    CHECK(error_with({"-c", "5"}) ==
          "option -c (TCP flow clients)" + remove + " (-c 0 is accepted)");
    CHECK(error_with({"-c5"}) == "option -c (TCP flow clients)" + remove + " (-c 0 is accepted)");
    CHECK(error_with({"-c", "many"}) ==
          "-c many: not a whole number (accepted: 0; flowkeep has no TCP clients)");
    // Refused even where getopt would have stopped later for another reason:
    // the first problem in command-line order is the one reported.
    CHECK(error_of({"-F", "x", "-n", "5000"}) == "option -F (filter)" + remove);
}

TEST_CASE("the usage text lists every option", "[capture][options][usage]") {
    const std::string usage = capture::usage_text();
    CHECK(usage.rfind("Usage: flow-capture [-hu] [-b big|little]", 0) == 0);
    // getopt's letters in flow-capture 0.68.5.
    for (char letter : std::string("bcCdDeEfFhnNpStTuvVwxXzR")) {
        INFO("-" << letter);
        CHECK(usage.find(std::string("\n  -") + letter + " ") != std::string::npos);
        const bool in_synopsis = usage.find(std::string("[-") + letter) != std::string::npos ||
                                 std::string("huw").find(letter) != std::string::npos;
        CHECK(in_synopsis);
    }
    for (const char* long_option :
         {"--flush-interval SECONDS", "--status-file PATH", "--receive-buffer BYTES",
          "--index-block RECORDS", "--help", "--version"}) {
        INFO(long_option);
        CHECK(usage.find(std::string("\n  ") + long_option) != std::string::npos);
    }
    CHECK(usage.find("-w workdir localip/remoteip/port") != std::string::npos);
    CHECK(usage.back() == '\n');
    CHECK(usage.substr(usage.size() - 2) != "\n\n");
    std::istringstream lines(usage);
    for (std::string line; std::getline(lines, line);) {
        INFO(line);
        CHECK(line.size() <= 80);
        CHECK((line.empty() || line.back() != ' '));
    }
    CHECK(capture::usage_text("fc").rfind("Usage: fc [-hu]", 0) == 0);
}

// Found by fuzz_capture_options: Boost names the option of a bare "--=" with
// the empty string, and looking that name up threw std::out_of_range, so
// flow-capture aborted instead of printing a usage error.
TEST_CASE("an option word with no name is an option error and no crash", "[capture][options]") {
    CHECK(error_with({"--="}) == "option -- needs a value after '=': --=value");
    // Boost takes "--=5" for a word that is no option: the second address.
    CHECK(error_with({"--=5"}) == "Specify localip/remoteip/port. (only one; also got 0/0/9995)");
}
