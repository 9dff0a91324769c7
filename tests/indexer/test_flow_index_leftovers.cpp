// flow-index tidies what it leaves behind: indexes whose data file was
// removed by hand, and --rewrite copies of a killed run.
#include <catch2/catch.hpp>

#include "indexer/index_archive.hpp"

using namespace flowkeep_test;
namespace fs = std::filesystem;

TEST_CASE("flow-index removes orphan indexes and abandoned rewrite copies") {
    IndexArchive a;
    REQUIRE(flow_index("-q -w " + shell_arg(a.root)).status == 0);
    REQUIRE(has_index(a.old_compressed));
    // An operator removes a data file by hand; its index stays behind.
    fs::remove(a.old_compressed);
    const fs::path orphan = flowfile::index_path_of(a.old_compressed);
    // A killed --rewrite of a file since expired, one of a file still there,
    // and one a running flow-index holds.
    const fs::path dir = a.uncompressed.parent_path();
    const fs::path abandoned = dir / ".rewrite-ft-v05.2025-12-01.095500+0000";
    const fs::path beside_data = a.ipv6.parent_path() / (".rewrite-" + a.ipv6.filename().string());
    const fs::path held = dir / ".rewrite-ft-v05.2025-12-01.095000+0000";
    for (const auto& p : {abandoned, beside_data, held}) spit(p, std::vector<std::uint8_t>(10, 1));
    WriterLock run_at_work{held};
    const auto before = tree_bytes(a.root);

    const ToolRun dry = flow_index("--dry-run -w " + shell_arg(a.root));
    INFO(dry.out << dry.err);
    CHECK(dry.status == 0);
    CHECK(dry.out.find("would remove " + orphan.string() + " (its data file is gone)") !=
          std::string::npos);
    CHECK(dry.out.find("would remove " + abandoned.string()) != std::string::npos);
    CHECK(dry.out.find(", 2 orphans to remove, ") != std::string::npos);
    CHECK(tree_bytes(a.root) == before);

    const ToolRun run = flow_index("-w " + shell_arg(a.root));
    INFO(run.out << run.err);
    CHECK(run.status == 0);
    CHECK(run.out.find(", 2 orphans removed, 0 failed") != std::string::npos);
    CHECK_FALSE(fs::exists(orphan));
    CHECK_FALSE(fs::exists(abandoned));
    CHECK(fs::exists(held));
    // The copy beside a file that exists is the file's job's to remove.
    CHECK_FALSE(fs::exists(beside_data));
    CHECK(has_index(a.uncompressed));
    CHECK(has_index(a.ipv6));
    CHECK(fs::exists(a.in_progress));
}
