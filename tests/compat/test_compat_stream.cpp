// stream/: flow-cat and flow-nfilter outputs (streaming, preloaded and
// rewritten headers; uncompressed host order and -z 6 big-endian) and the
// three capture files they were made from.

#include <catch2/catch.hpp>

#include <vector>

#include "golden_check.hpp"
#include "output/flow_export_text.hpp"
#include "text_diff.hpp"

using namespace flowquery;

using namespace flowkeep_compat;

TEST_CASE("every golden stream/ file reads as flow-header and flow-export showed it",
          "[compat][stream]") {
    const auto cases = golden_cases("stream");
    // cat, cat_o, cat_p, cat_po, cat_z6_big, nf_custom, nf_tcp and in/ x 3.
    CHECK(cases.size() == 10);
    for (const auto& c : cases) check_complete_file(c);
}

TEST_CASE("flow-cat's output is its inputs' records in argument order", "[compat][stream]") {
    // The golden set has no flow-export of the inputs themselves; cat.ft is
    // `flow-cat in/1 in/2 in/3`, so its export is theirs concatenated.
    std::vector<flowfile::Record> inputs;
    const auto in = golden_cases("stream");
    std::size_t files = 0;
    for (const auto& c : in) {
        if (c.header_section.empty()) continue;
        const auto r = read_file(c.flow_file);
        inputs.insert(inputs.end(), r.records.begin(), r.records.end());
        ++files;
    }
    CHECK(files == 3);
    const auto cat = read_file(data_dir() / "stream/cat.ft");
    CHECK(describe_csv_difference(read_text(data_dir() / "stream/cat.export_f2.csv"),
                                  render_export_f2(cat.header, inputs)) == "");
}
