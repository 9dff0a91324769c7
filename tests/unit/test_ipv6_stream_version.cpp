// The IPv6 series' stream version (byte 3 = 134): it is what makes
// flow-tools' directory readers pass these files by with "ignoring" instead
// of stopping at them (flow-file(5)), so it is pinned here, and a header
// whose stream and export versions disagree is damage, never read with the
// other series' layout.

#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "flowfile/error.hpp"
#include "flowfile/header.hpp"
#include "flowfile/record6.hpp"

using namespace flowfile;

TEST_CASE("an IPv6 series header has stream version 134, a flow-tools one 3", "[header][ipv6]") {
    const auto v6 = encode_header(Header::for_capture(ipv6_export_version, 1, "h", true));
    REQUIRE(v6.size() > 4);
    CHECK(v6[0] == 0xCF);
    CHECK(v6[1] == 0x10);
    CHECK(v6[3] == 134);
    CHECK(decode_header(v6, "f").export_version == ipv6_export_version);

    const auto v5 = encode_header(Header::for_capture(5, 1, "h", true));
    CHECK(v5[3] == 3);
}

TEST_CASE("stream and export versions of the two series never mix", "[header][ipv6]") {
    auto v6 = encode_header(Header::for_capture(ipv6_export_version, 1, "h", false));
    v6[3] = 3;
    CHECK_THROWS_WITH(decode_header(v6, "f"),
                      "f: header damaged: stream version 3 with the IPv6 series' export version "
                      "32774");

    auto v5 = encode_header(Header::for_capture(5, 1, "h", false));
    v5[3] = 134;
    CHECK_THROWS_WITH(decode_header(v5, "f"),
                      "f: header damaged: stream version 134 (the IPv6 series) without export "
                      "version 32774");
}
