// The two renderers are the yardstick for every other compat test, so they
// are first checked on their own against the samples printed in the spec,
// with headers and records built by hand (no Reader involved).

#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "golden_check.hpp"
#include "output/flow_export_text.hpp"
#include "output/flow_header_text.hpp"
#include "support/time_zone.hpp"

using namespace flowquery;

using namespace flowfile;
using namespace flowkeep_compat;

namespace {

// 2009-10-15 15:31:10 UTC, the capture start of the spec's "real file".
constexpr std::uint32_t real_file_start = 1255620670;

// What flow-capture writes at creation (file-format.md §3.5), built by hand so
// that these tests do not depend on the library's Header::for_capture.
Header capture_header(bool compressed, std::optional<std::string> comments) {
    Header h;
    h.byte_order = ByteOrder::little;
    h.flags = compressed ? header_flag::compress : 0;
    h.export_version = 5;
    h.cap_start = real_file_start;
    h.cap_end = 0;
    h.flow_count = 0;
    h.lost_flows = 0;
    h.corrupt_packets = 0;
    h.seq_resets = 0;
    h.hostname = "flowbox-a";
    h.comments = std::move(comments);
    return h;
}

Header gen20_header() {
    Header h;
    h.byte_order = ByteOrder::little;
    h.flags = header_flag::streaming;
    h.export_version = 5;
    h.hostname = "flow-gen";
    h.comments = "flow-gen";
    return h;
}

// Record i of `flow-gen -V5 -n 20` (query-tools.md §0).
Record gen20_record(std::uint32_t i) {
    Record r;
    r.srcaddr = i;
    r.dstaddr = 0xFFFF0000u + i;
    r.input = r.srcport = static_cast<std::uint16_t>(i);
    r.output = r.dstport = static_cast<std::uint16_t>(0xFF00 + i);
    r.dpkts = r.doctets = i + 1;
    r.first = i;
    r.last = 0xFFFF0000u + i;
    r.prot = 17;
    r.tos = static_cast<std::uint8_t>(i);
    r.src_as = static_cast<std::uint16_t>(i);
    r.dst_as = static_cast<std::uint16_t>(0xFF00 + i);
    return r;
}

}  // namespace

TEST_CASE("flow-header text of a plain stream (gen20.ft)", "[compat][render]") {
    use_golden_time_zone();
    CHECK(render_flow_header(gen20_header()) ==
          "#\n"
          "# mode:                 streaming\n"
          "# compress:             off\n"
          "# byte order:           little\n"
          "# stream version:       3\n"
          "# export version:       5\n"
          "# comments:             flow-gen\n"
          "#\n");
}

TEST_CASE("flow-header text of a closed capture file", "[compat][render]") {
    use_golden_time_zone();
    Header h = capture_header(true, "edge-r1 uplink ether1");
    h.flags |= header_flag::done;
    h.cap_end = real_file_start + 1;
    h.flow_count = 1187;
    CHECK(render_flow_header(h) ==
          "#\n"
          "# mode:                 normal\n"
          "# capture hostname:     flowbox-a\n"
          "# capture start:        Thu, 15 Oct 2009 15:31:10 +0000\n"
          "# capture end:          Thu, 15 Oct 2009 15:31:11 +0000\n"
          "# capture period:       1 seconds\n"
          "# compress:             on\n"
          "# byte order:           little\n"
          "# stream version:       3\n"
          "# export version:       5\n"
          "# lost flows:           0\n"
          "# corrupt packets:      0\n"
          "# sequencer resets:     0\n"
          "# comments:             edge-r1 uplink ether1\n"
          "# capture flows:        1187\n"
          "#\n");

    SECTION("while the file is open: no end, period or flow count, and a note") {
        h.flags &= ~header_flag::done;
        h.cap_end = 0;
        h.flow_count = 0;
        h.byte_order = ByteOrder::big;
        CHECK(render_flow_header(h) ==
              "#\n"
              "# mode:                 normal\n"
              "# capture hostname:     flowbox-a\n"
              "# capture start:        Thu, 15 Oct 2009 15:31:10 +0000\n"
              "# compress:             on\n"
              "# byte order:           big\n"
              "# stream version:       3\n"
              "# export version:       5\n"
              "# lost flows:           0\n"
              "# corrupt packets:      0\n"
              "# sequencer resets:     0\n"
              "# comments:             edge-r1 uplink ether1\n"
              "# note, incomplete flow file\n"
              "#\n");
    }
}

TEST_CASE("flow-header text of flow-cat -p and -o outputs", "[compat][render]") {
    use_golden_time_zone();
    Header preloaded = gen20_header();
    preloaded.flags = header_flag::streaming | header_flag::preloaded;
    preloaded.flow_count = 0;
    preloaded.lost_flows = 0;
    preloaded.corrupt_packets = 0;
    CHECK(render_flow_header(preloaded) ==
          "#\n"
          "# mode:                 streaming\n"
          "# compress:             off\n"
          "# byte order:           little\n"
          "# stream version:       3\n"
          "# export version:       5\n"
          "# lost flows:           0\n"
          "# corrupt packets:      0\n"
          "# comments:             flow-gen\n"
          "# capture flows:        0\n"
          "#\n");

    Header to_file;
    to_file.byte_order = ByteOrder::little;
    to_file.flags = header_flag::done;
    to_file.export_version = 5;
    to_file.cap_start = 0;
    to_file.cap_end = 0;
    to_file.flow_count = 20;
    to_file.lost_flows = 0;
    to_file.corrupt_packets = 0;
    CHECK(render_flow_header(to_file) ==
          "#\n"
          "# mode:                 normal\n"
          "# capture start:        Thu, 01 Jan 1970 00:00:00 +0000\n"
          "# capture end:          Thu, 01 Jan 1970 00:00:00 +0000\n"
          "# capture period:       0 seconds\n"
          "# compress:             off\n"
          "# byte order:           little\n"
          "# stream version:       3\n"
          "# export version:       5\n"
          "# lost flows:           0\n"
          "# corrupt packets:      0\n"
          "# capture flows:        20\n"
          "#\n");
}

TEST_CASE("flow-header lines for v8, exporter address and translated streams", "[compat][render]") {
    use_golden_time_zone();
    Header h;
    h.byte_order = ByteOrder::little;
    h.flags = header_flag::done | header_flag::xlate;
    h.export_version = 8;
    h.agg_version = 2;
    h.agg_method = 1;
    h.exporter_ip = 0x7F000002;
    h.misordered = 3;
    CHECK(render_flow_header(h) ==
          "#\n"
          "# mode:                 normal\n"
          "# translated:           yes\n"
          "# exporter IP address:  127.0.0.2\n"
          "# compress:             off\n"
          "# byte order:           little\n"
          "# stream version:       3\n"
          "# export version:       8\n"
          "# export agg_version:   2\n"
          "# export agg_method:    1 (AS)\n"
          "# misordered flows:     3\n"
          "#\n");
}

TEST_CASE("flow-header prints capture times in the local time zone", "[compat][render]") {
    std::string text;
    {
        // A POSIX TZ string, so the test does not depend on installed tzdata.
        const flowkeep_test::ScopedTimeZone tz("CET-1CEST,M3.5.0,M10.5.0/3");
        text = render_flow_header(capture_header(false, std::nullopt));
    }
    CHECK(text.find("# capture start:        Thu, 15 Oct 2009 17:31:10 +0200\n") !=
          std::string::npos);
}

TEST_CASE("flow-export -f2 columns follow the version's field mask", "[compat][render]") {
    const auto joined = [](std::uint16_t version) {
        std::string s;
        for (const auto& n : export_f2_columns(version)) s += (s.empty() ? "" : ",") + n;
        return s;
    };
    const std::string v5 =
        "unix_secs,unix_nsecs,sysuptime,exaddr,dpkts,doctets,first,last,engine_type,engine_id,"
        "srcaddr,dstaddr,nexthop,input,output,srcport,dstport,prot,tos,tcp_flags,src_mask,"
        "dst_mask,src_as,dst_as";
    CHECK(joined(5) == v5);
    CHECK(joined(1) ==
          "unix_secs,unix_nsecs,sysuptime,exaddr,dpkts,doctets,first,last,srcaddr,dstaddr,"
          "nexthop,input,output,srcport,dstport,prot,tos,tcp_flags");
    CHECK(joined(7) == v5 + ",router_sc");
    // peer_nexthop is announced under the name "nexthop" (an upstream bug).
    CHECK(joined(6) == v5 + ",in_encaps,out_encaps,nexthop");
    CHECK(joined(1005) == v5 + ",src_tag,dst_tag");
}

TEST_CASE("flow-export -f2 text of gen20.ft", "[compat][render]") {
    std::vector<Record> records;
    for (std::uint32_t i = 0; i < 3; ++i) records.push_back(gen20_record(i));
    CHECK(render_export_f2(gen20_header(), records) ==
          "#:unix_secs,unix_nsecs,sysuptime,exaddr,dpkts,doctets,first,last,engine_type,"
          "engine_id,srcaddr,dstaddr,nexthop,input,output,srcport,dstport,prot,tos,tcp_flags,"
          "src_mask,dst_mask,src_as,dst_as\n"
          "0,0,0,0.0.0.0,1,1,0,4294901760,0,0,0.0.0.0,255.255.0.0,0.0.0.0,0,65280,0,65280,17,0,"
          "0,0,0,0,65280\n"
          "0,0,0,0.0.0.0,2,2,1,4294901761,0,0,0.0.0.1,255.255.0.1,0.0.0.0,1,65281,1,65281,17,1,"
          "0,0,0,1,65281\n"
          "0,0,0,0.0.0.0,3,3,2,4294901762,0,0,0.0.0.2,255.255.0.2,0.0.0.0,2,65282,2,65282,17,2,"
          "0,0,0,2,65282\n");

    SECTION("v6 prints peer_nexthop last, v7 router_sc, both as addresses") {
        Record r = gen20_record(1);
        r.in_encaps = 4;
        r.out_encaps = 5;
        r.peer_nexthop = 0x0A000001;
        r.router_sc = 0xC0A80001;
        const std::string v5_row = render_export_f2_row(5, r);
        CHECK(render_export_f2_row(6, r) == v5_row + ",4,5,10.0.0.1");
        CHECK(render_export_f2_row(7, r) == v5_row + ",192.168.0.1");
    }
}
