// Every flow-stat golden of the real flow-tools 0.68.5, byte for byte.

#include <catch2/catch.hpp>

#include "stat_run.hpp"

using namespace flowkeep_test;

namespace {

struct Variant {
    const char* dir;
    const char* file;
    const char* golden_dir;  // where its goldens live (CASE.md: identical outputs)
};

constexpr Variant variants[] = {
    {"v5_zdefault", "ft-v05.2009-10-15.153110+0000", "v5_zdefault"},
    {"v5_big", "ft-v05.2009-10-15.153110+0000", "v5_big"},
    {"v1", "ft-v01.2009-10-15.154110+0000", "v1"},
    {"v7", "ft-v07.2009-10-15.155110+0000", "v7"},
    {"v5_z0", "ft-v05.2009-10-15.153110+0000", "v5_zdefault"},
    {"v5_z9", "ft-v05.2009-10-15.153110+0000", "v5_zdefault"},
};

}  // namespace

TEST_CASE("flow-stat -f N prints the real flow-stat's report for every golden file") {
    for (const Variant& v : variants) {
        for (const char* format : {"0", "5", "8", "10", "12"}) {
            DYNAMIC_SECTION(v.dir << " -f " << format) {
                const auto input = test_data(std::string("files/") + v.dir + "/" + v.file);
                const auto golden =
                    test_data(std::string("files/") + v.golden_dir + "/stat_f" + format + ".txt");
                const StatRun r = run_stat({"flow-stat", "-f", format}, input);
                CHECK(r.status == 0);
                CHECK(r.err.empty());
                CHECK(r.out == file_text(golden));
            }
        }
    }
}
