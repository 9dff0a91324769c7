#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "clients/client_map.hpp"
#include "tools/usage_error.hpp"

using flowquery::ClientMap;
using flowquery::UsageError;

namespace {

std::string load_error(std::string_view text) {
    try {
        ClientMap::parse(text, "c.csv");
    } catch (const UsageError& e) {
        return e.what();
    }
    return "(accepted)";
}

constexpr const char* header = "prefix,account,device,valid_from,valid_until\n";

}  // namespace

TEST_CASE("bad addresses and prefixes name the line and the text") {
    CHECK(load_error("10.0.3.256,a\n") == "clients file c.csv line 1: bad address '10.0.3.256'");
    CHECK(load_error("# comment\n\n10.0.3,a\n") ==
          "clients file c.csv line 3: bad address '10.0.3'");
    CHECK(load_error("10.0.03.7,a\n") == "clients file c.csv line 1: bad address '10.0.03.7'");
    CHECK(load_error("host.example,a\n") ==
          "clients file c.csv line 1: bad address 'host.example'");
    CHECK(load_error("10.0.3.7 /32,a\n") ==
          "clients file c.csv line 1: bad address '10.0.3.7 /32'");
    CHECK(load_error(",a\n") == "clients file c.csv line 1: missing address");
    CHECK(load_error("10.0.3.0/33,a\n") ==
          "clients file c.csv line 1: bad prefix length in '10.0.3.0/33' (expected 0 to 32)");
    CHECK(load_error("10.0.3.0/,a\n") ==
          "clients file c.csv line 1: bad prefix length in '10.0.3.0/' (expected 0 to 32)");
    CHECK(load_error("10.0.3.0/x,a\n") ==
          "clients file c.csv line 1: bad prefix length in '10.0.3.0/x' (expected 0 to 32)");
    CHECK(load_error("10.0.3.5/28,a\n") ==
          "clients file c.csv line 1: '10.0.3.5/28' has host bits set (did you mean 10.0.3.0/28?)");
}

TEST_CASE("an entry needs an account") {
    CHECK(load_error(std::string(header) + "10.0.3.7\n") ==
          "clients file c.csv line 2: missing account");
    CHECK(load_error(std::string(header) + "10.0.3.7,,cpe-1\n") ==
          "clients file c.csv line 2: missing account");
    CHECK(load_error(std::string(header) + "10.0.3.7,\"\",cpe-1\n") ==
          "clients file c.csv line 2: missing account");
}

TEST_CASE("bad times and empty periods") {
    CHECK(load_error("10.0.3.7,a,,2026-02-30,\n") ==
          "clients file c.csv line 1: valid_from: bad time '2026-02-30' (expected "
          "YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM] or epoch seconds)");
    CHECK(load_error("10.0.3.7,a,,,tomorrow\n") ==
          "clients file c.csv line 1: valid_until: bad time 'tomorrow' (expected "
          "YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM] or epoch seconds)");
    CHECK(load_error("10.0.3.7,a,,2026-02-01,2026-01-01\n") ==
          "clients file c.csv line 1: valid_until '2026-01-01' is not after valid_from "
          "'2026-02-01'");
    CHECK(load_error("10.0.3.7,a,,2026-02-01,2026-02-01T00:00Z\n") ==
          "clients file c.csv line 1: valid_until '2026-02-01T00:00Z' is not after valid_from "
          "'2026-02-01'");
}

TEST_CASE("overlapping periods of one prefix name both lines") {
    // The earlier period runs to 1 March, the later one starts on 15 February.
    CHECK(load_error("10.0.3.7,a,,2026-01-01,2026-03-01\n"
                     "10.0.3.8,c\n"
                     "10.0.3.7,b,,2026-02-15,\n") ==
          "clients file c.csv line 3: period of 10.0.3.7/32 overlaps the one on line 1");
    // Listed out of time order: still the later line is the one reported.
    CHECK(load_error("10.0.3.0/28,b,,2026-02-15,\n"
                     "10.0.3.0/28,a,,,2026-03-01\n") ==
          "clients file c.csv line 2: period of 10.0.3.0/28 overlaps the one on line 1");
    // A forever entry overlaps anything else for the same prefix.
    CHECK(load_error("10.0.3.7,a\n10.0.3.7,b,,2030-01-01,\n") ==
          "clients file c.csv line 2: period of 10.0.3.7/32 overlaps the one on line 1");
    // The first problem going down the file is reported.
    CHECK(load_error("10.0.0.1,a\n10.0.0.2,a\n10.0.0.2,b\n10.0.0.1,b\n") ==
          "clients file c.csv line 3: period of 10.0.0.2/32 overlaps the one on line 2");
}

TEST_CASE("touching periods and equal prefixes of other lengths do not overlap") {
    CHECK(load_error("10.0.3.7,a,,,2026-02-01\n10.0.3.7,b,,2026-02-01,\n"
                     "10.0.3.7/32,c,,2026-01-01,2026-01-02\n") ==
          "clients file c.csv line 3: period of 10.0.3.7/32 overlaps the one on line 1");
    CHECK(ClientMap::parse("10.0.3.7,a,,,2026-02-01\n10.0.3.7,b,,2026-02-01,\n"
                           "10.0.3.0/24,c\n10.0.0.0/8,d\n",
                           "c.csv")
              .size() == 4);
}

TEST_CASE("CSV and column count errors") {
    CHECK(load_error("10.0.3.7,\"acct\n") ==
          "clients file c.csv line 1: unterminated quote in field 2");
    CHECK(load_error("10.0.3.7,a,b,,,FTTH,extra\n") ==
          "clients file c.csv line 1: expected at most 6 fields "
          "(prefix,account,device,valid_from,valid_until,connection), found 7");
    CHECK(load_error("prefix,account,valid_from\n") ==
          "clients file c.csv line 1: the header must be "
          "'prefix,account,device,valid_from,valid_until,connection'");
    CHECK(load_error("prefix,account,device,valid_from,valid_until,type\n") ==
          "clients file c.csv line 1: the header must be "
          "'prefix,account,device,valid_from,valid_until,connection'");
    // A header anywhere but first is an entry with a bad address.
    CHECK(load_error("10.0.3.7,a\nprefix,account,device,valid_from,valid_until\n") ==
          "clients file c.csv line 2: bad address 'prefix'");
}

TEST_CASE("an unreadable file is named with the reason") {
    const std::filesystem::path missing = "/nonexistent/clients.csv";
    try {
        ClientMap::load(missing);
        FAIL("loaded a missing file");
    } catch (const UsageError& e) {
        CHECK(std::string(e.what()) ==
              "clients file /nonexistent/clients.csv: cannot open (No such file or directory)");
    }
    try {
        ClientMap::load(FLOWKEEP_TEST_DATA);
        FAIL("loaded a directory");
    } catch (const UsageError& e) {
        CHECK(std::string(e.what()) ==
              std::string("clients file ") + FLOWKEEP_TEST_DATA + ": cannot read (Is a directory)");
    }
}
