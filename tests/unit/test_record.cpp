#include <catch2/catch.hpp>

#include "flowfile/export_fields.hpp"
#include "flowfile/record.hpp"
#include "spec_examples.hpp"

using namespace flowfile;

TEST_CASE("absolute flow times follow the original tools' arithmetic", "[record]") {
    // file-format.md §6.8: 1255600000 s + 123 ms - 1000000 ms + 995000 ms.
    const Record r = spec_examples::first_flow();
    const FlowTimes t = flow_times(r);
    CHECK(t.start_ms == 1255599995123LL);
    CHECK(t.end_ms == 1255599999123LL);
    CHECK(flow_duration_ms(r) == 4000u);
}

TEST_CASE("a flow from before a sysUpTime wrap lands about 49.7 days ahead", "[record]") {
    // No wrap correction, as in flow-tools (pdus/ uptime_wrap rows).
    Record r;
    r.unix_secs = 1255600000;
    r.sysuptime = 1000;
    r.first = 4294960000u;
    r.last = 500;
    const FlowTimes t = flow_times(r);
    CHECK(t.start_ms == 1255600000000LL - 1000 + 4294960000LL);
    CHECK(t.end_ms == 1255600000000LL - 500);
    CHECK(flow_duration_ms(r) == 500u - 4294960000u);
}

TEST_CASE("record sizes and field masks per export version", "[record]") {
    CHECK(record_size(1) == 60u);
    CHECK(record_size(5) == 64u);
    CHECK(record_size(6) == 72u);
    CHECK(record_size(7) == 68u);
    CHECK(record_size(1005) == 72u);
    CHECK_FALSE(record_size(8));
    CHECK_FALSE(record_size(9));
    CHECK(field_mask(5) == 0x0FFF37EFull);
    CHECK(field_mask(1) == 0x00FF31EFull);
    CHECK(field_mask(7) == 0x8FFF37EFull);
    CHECK(field_mask(6) == 0x7FFF37EFull);
    CHECK(field_mask(1005) == 0xC0FFF37EFull);
    CHECK(field_mask(8) == 0);
}
