// files/: complete ft- files the real flow-capture wrote from realistic
// streams (v5 with each compression and byte-order option, v1, v7).

#include <catch2/catch.hpp>

#include "golden_check.hpp"

using namespace flowkeep_compat;

TEST_CASE("every golden files/ capture reads as flow-header and flow-export showed it",
          "[compat][files]") {
    const auto cases = golden_cases("files");
    // v5_z0, v5_zdefault, v5_z9, v5_big, v5_big_z0, v1, v7.
    CHECK(cases.size() == 7);
    for (const auto& c : cases) check_complete_file(c);
}

TEST_CASE("the five v5 variants hold the same flows whatever the compression and byte order",
          "[compat][files]") {
    // They were fed the same datagrams; only the options differ (files/CASE.md).
    const auto reference = read_file(data_dir() / "files/v5_z0/ft-v05.2009-10-15.153110+0000");
    REQUIRE(reference.records.size() == 1187);
    for (const char* variant : {"v5_zdefault", "v5_z9", "v5_big", "v5_big_z0"}) {
        INFO(variant);
        const auto other =
            read_file(data_dir() / "files" / variant / "ft-v05.2009-10-15.153110+0000");
        CHECK(describe_record_difference(5, reference.records, other.records) == "");
    }
}
