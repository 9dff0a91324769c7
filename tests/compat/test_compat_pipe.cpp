// The same golden files fed through a pipe to Reader::from_fd: the stdin
// path of every query tool (`cat f | flow-print`), where reads return short
// counts and nothing is known of the size.  The records must not depend on it.

#include <catch2/catch.hpp>

#include "flowfile/error.hpp"
#include "golden_check.hpp"

using namespace flowkeep_compat;

TEST_CASE("every golden flow file reads the same through a pipe as from its path",
          "[compat][pipe]") {
    std::size_t checked = 0;
    bool saw_raw_v5 = false, saw_compressed_v5 = false, saw_tmp = false;
    for (const char* family : {"files", "pdus", "incomplete", "stream"}) {
        for (const auto& c : golden_cases(family)) {
            INFO(c.id);
            ++checked;
            if (c.id.find("corrupt_header_magic") != std::string::npos) {
                CHECK_THROWS_AS(read_through_pipe(c.flow_file), flowfile::Error);
                continue;
            }
            const ReadAll direct = read_file(c.flow_file);
            const ReadAll piped = read_through_pipe(c.flow_file);
            CHECK(piped.header == direct.header);
            CHECK(describe_record_difference(direct.header.export_version.value_or(0),
                                             direct.records, piped.records) == "");
            CHECK(piped.status.problem == direct.status.problem);
            CHECK(piped.status.records == piped.records.size());
            if (!piped.status.ok()) check_problem_message(piped);

            const bool v5 = direct.header.export_version == 5;
            saw_raw_v5 |= v5 && !direct.header.compressed() && c.id.starts_with("files/");
            saw_compressed_v5 |= v5 && direct.header.compressed() && c.id.starts_with("files/");
            saw_tmp |= c.flow_file.filename().string().starts_with("tmp-");
        }
    }
    CHECK(checked == 46);
    CHECK(saw_raw_v5);
    CHECK(saw_compressed_v5);
    CHECK(saw_tmp);
}
