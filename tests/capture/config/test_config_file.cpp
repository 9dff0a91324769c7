#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "config/config_file.hpp"
#include "support/temp_dir.hpp"

using capture::CaptureOptions;
using capture::ConfigLine;
using capture::OptionError;
using capture::parse_config_text;
using capture::split_config_words;
using Words = std::vector<std::string>;

namespace {

std::string split_error(const std::string& line) {
    try {
        split_config_words(line);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    FAIL("accepted: " << line);
    return {};
}

std::string config_error(const std::string& text, const std::string& name = "test.conf") {
    try {
        parse_config_text(text, name);
    } catch (const OptionError& e) {
        CHECK(e.exit_code() == 1);
        return e.what();
    }
    FAIL("accepted: " << text);
    return {};
}

}  // namespace

TEST_CASE("config words split as sh splits a simple command", "[capture][config]") {
    CHECK(split_config_words("-w /var/flows/router1 -S 5 -n 287 -N 0 -V 5 0/10.0.0.1/9995") ==
          Words{"-w", "/var/flows/router1", "-S", "5", "-n", "287", "-N", "0", "-V", "5",
                "0/10.0.0.1/9995"});
    CHECK(split_config_words("  \t-D\t\t-w  /x  ") == Words{"-D", "-w", "/x"});
    CHECK(split_config_words("").empty());
    CHECK(split_config_words("   ").empty());
    CHECK(split_config_words("-C 'core router (Prague 1)'") ==
          Words{"-C", "core router (Prague 1)"});
    CHECK(split_config_words("-C \"core router \\\"A\\\" \\\\ b\"") ==
          Words{"-C", "core router \"A\" \\ b"});
    CHECK(split_config_words("-C \"back\\slash \\n kept\"") == Words{"-C", "back\\slash \\n kept"});
    CHECK(split_config_words("-C 'it'\\''s'") == Words{"-C", "it's"});
    CHECK(split_config_words("-C core\\ router") == Words{"-C", "core router"});
    CHECK(split_config_words("-p '' -C \"\"") == Words{"-p", "", "-C", ""});
    CHECK(split_config_words("-C 'cost: $5' -w /x") == Words{"-C", "cost: $5", "-w", "/x"});
    CHECK(split_config_words("a'b'\"c\"d") == Words{"abcd"});
}

TEST_CASE("config comments start a word with #", "[capture][config]") {
    CHECK(split_config_words("# router 1").empty());
    CHECK(split_config_words("   # indented").empty());
    CHECK(split_config_words("-w /x 0/0/1 # the core router") == Words{"-w", "/x", "0/0/1"});
    CHECK(split_config_words("-C router#1 -w /x") == Words{"-C", "router#1", "-w", "/x"});
    CHECK(split_config_words("-C '# not a comment'") == Words{"-C", "# not a comment"});
}

TEST_CASE("config words that cannot be split", "[capture][config]") {
    CHECK(split_error("-C 'open") == "unterminated single quote");
    CHECK(split_error("-C \"open") == "unterminated double quote");
    CHECK(split_error("-w /x \\") == "a line cannot end with a backslash");
    const std::string refused =
        ") is not supported; write the value itself, or quote it with '...' to keep the character";
    CHECK(split_error("-w $FLOWS 0/0/1") == "shell expansion ($" + refused);
    CHECK(split_error("-C \"$HOST\"") == "shell expansion ($" + refused);
    CHECK(split_error("-w `pwd`") == "shell expansion (`" + refused);
}

TEST_CASE("a flow-capture.conf: one capture per line", "[capture][config]") {
    const std::string text =
        "# flow-capture instances, one per line\n"
        "\n"
        "-w /var/flows/router1 -S 5 -n 287 -N 0 -V 5 0/10.0.0.1/9995\n"
        "   \n"
        "\t# the whole network\n"
        "-w /var/flows/all -E 5G 0/0/9996\n"
        "-w /data/support/flow/default -n 100 -V 5 -N 3 0/0/30123\n"
        "-w /var/flows/core -C \"core router (Prague 1)\" -p /run/fc.pid -z 9 "
        "0/0/9997 # comment\n";
    const std::vector<ConfigLine> lines = parse_config_text(text, "flow-capture.conf");
    REQUIRE(lines.size() == 4);
    CHECK(lines[0].number == 3);
    CHECK(lines[1].number == 6);
    CHECK(lines[2].number == 7);
    CHECK(lines[3].number == 8);
    CHECK(lines[1].words == Words{"-w", "/var/flows/all", "-E", "5G", "0/0/9996"});
    CHECK(lines[3].words == Words{"-w", "/var/flows/core", "-C", "core router (Prague 1)", "-p",
                                  "/run/fc.pid", "-z", "9", "0/0/9997"});
    std::vector<CaptureOptions> captures;
    for (const ConfigLine& line : lines) captures.push_back(line.options);

    CHECK(captures[0].work_dir == "/var/flows/router1");
    CHECK(captures[0].stat_interval == 5);
    CHECK(captures[0].rotations == 287);
    CHECK(captures[0].nesting == 0);
    CHECK(captures[0].export_version == 5);
    CHECK(captures[0].listen.required_exporter()->str() == "10.0.0.1");
    CHECK(captures[0].listen.port == 9995);

    CHECK(captures[1].work_dir == "/var/flows/all");
    CHECK(captures[1].expire_size == 5ull << 30);
    CHECK(captures[1].rotations == 95);
    CHECK(captures[1].listen.port == 9996);

    CHECK(captures[2].work_dir == "/data/support/flow/default");
    CHECK(captures[2].rotations == 100);
    CHECK(captures[2].listen.port == 30123);

    CHECK(captures[3].comment == "core router (Prague 1)");
    CHECK(captures[3].pid_file == "/run/fc.pid");
    CHECK(captures[3].compression_level == 9);
}

TEST_CASE("a bad config line is named by file and line", "[capture][config]") {
    const std::string head = "# captures\n-w /var/flows/a 0/0/9995\n\n";
    CHECK(config_error(head + "-w /var/flows/b -n 5000 0/0/9996\n") ==
          "test.conf:4: -n 5000: rotations limited to every 1 minute (accepted: 0..1439 "
          "rotations per day)");
    CHECK(config_error(head + "-w /var/flows/b -C \"unfinished 0/0/9996\n") ==
          "test.conf:4: unterminated double quote");
    CHECK(config_error(head + "-w /var/flows/b -F default 0/0/9996\n") ==
          "test.conf:4: option -F (filter) is not supported by flowkeep; remove it from the "
          "command line");
    CHECK(config_error(head + "-w /var/flows/b\n") ==
          "test.conf:4: Specify localip/remoteip/port.");
    CHECK(config_error(head + "-w /var/flows/b 0/0/99999\n") ==
          "test.conf:4: localip/remoteip/port \"0/0/99999\": port 99999 is out of range "
          "1..65535 (accepted: localip/remoteip/port[/ttl], e.g. 0/0/9995, "
          "10.0.0.1/10.0.0.2/9995 or ::/0/9995)");
    CHECK(config_error("-h\n", "/etc/flow-tools/flow-capture.conf") ==
          "/etc/flow-tools/flow-capture.conf:1: -h, --help and --version do not belong in a "
          "configuration line");
    CHECK(config_error("-w /x --version 0/0/1\n") ==
          "test.conf:1: -h, --help and --version do not belong in a configuration line");
    // The CR of a CRLF line ending is part of the line break, not a
    // character a backslash could keep.
    CHECK(config_error("-w /var/flows/b 0/0/9996 -C b\\\r\n") ==
          "test.conf:1: a line cannot end with a backslash");
}

TEST_CASE("a config line takes --index-block as the command line does", "[capture][config]") {
    const auto lines = parse_config_text("-w /a --index-block 512 0/0/9995\n-w /b 0/0/9996\n", "t");
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].options.index_block == 512);
    CHECK(lines[1].options.index_block == 1024);
    CHECK(config_error("-w /a --index-block 8 0/0/9995\n") ==
          "test.conf:1: --index-block 8: out of range (accepted: 0 (off) or 64..1048576 records)");
}

TEST_CASE("a config line takes --client-networks as the command line does", "[capture][config]") {
    const auto lines =
        parse_config_text("-w /a --client-networks 100.64.0.0/10 0/0/9995\n-w /b 0/0/9996\n", "t");
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].options.client_networks.contains(0x64400001u));
    CHECK(lines[1].options.client_networks.empty());
    CHECK(config_error("-w /a --client-networks 100.64.0.1/10 0/0/9995\n") ==
          "test.conf:1: --client-networks 100.64.0.1/10: '100.64.0.1/10' has host bits set (did "
          "you mean 100.64.0.0/10?)");
}

TEST_CASE("two daemon lines may not share a pidfile", "[capture][config]") {
    CHECK(config_error("-w /a 0/0/9995\n-w /b 0/0/9995\n") ==
          "test.conf:2: pidfile /var/run/flow-capture.pid.9995 is also used by line 1 (give each "
          "capture its own port or -p)");
    // A relative -p lives in the work directory.
    CHECK(config_error("-w /a -p run/fc -S 1 10.0.0.1/0/9995\n"
                       "# second\n"
                       "-w /a -p run/fc 10.0.0.2/0/9995\n") ==
          "test.conf:3: pidfile /a/run/fc.9995 is also used by line 1 (give each capture its own "
          "port or -p)");
    CHECK(parse_config_text("-w /a 0/0/9995\n-w /b 0/0/9996\n", "t").size() == 2);
    CHECK(
        parse_config_text("-w /a -p run/fc 10.0.0.1/0/9995\n-w /b -p run/fc 10.0.0.2/0/9995\n", "t")
            .size() == 2);
    CHECK(parse_config_text("-w /a -p /run/a 0/0/9995\n-w /b -p /run/b 0/0/9995\n", "t").size() ==
          2);
    // Foreground captures and disabled pidfiles write none.
    CHECK(parse_config_text("-D -w /a 0/0/9995\n-D -w /b 0/0/9995\n", "t").size() == 2);
    CHECK(parse_config_text("-p - -w /a 0/0/9995\n-p - -w /b 0/0/9995\n", "t").size() == 2);
}

TEST_CASE("a config file on disk", "[capture][config]") {
    flowkeep_test::TempDir dir;
    const std::string path = (dir / "flow-capture.conf").string();
    {
        std::ofstream out(path, std::ios::binary);
        // Written on Windows, last line without a newline.
        out << "# ISP\r\n"
               "-w /data/support/flow/default -n 100 -V 5 -N 3 0/0/30123\r\n"
               "\r\n"
               "-w '/data/support/flow/second site' -C 'Second site' -n 95 0/0/30124";
    }
    const std::vector<ConfigLine> lines = capture::parse_config_file(path);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].number == 2);
    CHECK(lines[1].number == 4);
    std::vector<CaptureOptions> captures;
    for (const ConfigLine& line : lines) captures.push_back(line.options);
    CHECK(captures[0].work_dir == "/data/support/flow/default");
    CHECK(captures[0].listen.port == 30123);
    CHECK(captures[1].work_dir == "/data/support/flow/second site");
    CHECK(captures[1].comment == "Second site");
    CHECK(captures[1].listen.port == 30124);
}

TEST_CASE("an unreadable config file is named", "[capture][config]") {
    flowkeep_test::TempDir dir;
    const std::string missing = (dir / "missing.conf").string();
    try {
        capture::parse_config_file(missing);
        FAIL("a missing file was accepted");
    } catch (const OptionError& e) {
        CHECK(std::string(e.what()) == missing + ": No such file or directory");
        CHECK(e.exit_code() == 1);
    }
    { std::ofstream(dir / "empty.conf"); }
    CHECK(capture::parse_config_file((dir / "empty.conf").string()).empty());
    CHECK(capture::default_config_file == std::string("/etc/flow-tools/flow-capture.conf"));
}
