// --sort start beyond its memory: runs merged into temporary files give
// exactly the order of the listing held in memory (ties across files and
// series included), the fan-in caps the files open, nothing is left in
// TMPDIR, a directory that cannot take them is named, and the peak RSS of a
// few million flows stays near the budget whatever their number.
#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <variant>

#include "output/output_buffer.hpp"
#include "output/start_ordered_flows.hpp"
#include "support/temp_dir.hpp"

using namespace flowquery;
using flowfile::Record;
using flowfile::Record6;
using flowkeep_test::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t export_base = 1764790200;  // 2026-12-03 19:30:00 UTC

// An IPv4 flow started `ago_ms` before its export at `unix_secs`.
Record v4_flow(std::mt19937& rng, std::uint32_t unix_secs, std::uint32_t ago_ms) {
    Record r;
    r.unix_secs = unix_secs;
    r.sysuptime = 864000000u;
    r.first = r.sysuptime - ago_ms;
    r.last = r.sysuptime - ago_ms / 2;
    r.srcaddr = rng();
    r.dstaddr = 0x0a000000u + rng() % 256;
    r.srcport = static_cast<std::uint16_t>(rng());
    r.dstport = 443;
    r.dpkts = rng() % 100;
    r.doctets = rng();
    r.prot = 6;
    r.exaddr = 0x7f000001u;
    return r;
}

Record6 v6_flow(std::mt19937& rng, std::int64_t start_ms) {
    Record6 r;
    r.start_ms = start_ms;
    r.end_ms = start_ms + rng() % 5000;
    r.srcaddr[0] = 0x20;
    r.srcaddr[15] = static_cast<std::uint8_t>(rng());
    r.dstaddr[0] = 0x20;
    r.dstaddr[14] = static_cast<std::uint8_t>(rng());
    r.srcport = static_cast<std::uint16_t>(rng());
    r.dpkts = rng();
    r.doctets = rng();
    r.prot = 17;
    return r;
}

using AnyFlow = std::variant<Record, Record6>;

std::int64_t start_of(const AnyFlow& f) {
    return std::holds_alternative<Record>(f) ? flowfile::flow_times(std::get<Record>(f)).start_ms
                                             : std::get<Record6>(f).start_ms;
}

// The flows of a window as files deliver them: each file of one series,
// stored out of start order, overlapping its neighbours, and with starts
// on a coarse grid (whole seconds) so that files share start times.
std::vector<std::vector<AnyFlow>> window_files(std::mt19937& rng, std::size_t files,
                                               std::size_t most_per_file) {
    std::vector<std::vector<AnyFlow>> out;
    for (std::size_t f = 0; f < files; ++f) {
        std::vector<AnyFlow> flows;
        const bool ipv6 = rng() % 3 == 0;
        const std::size_t n = f % 17 == 5 ? 0 : 1 + rng() % most_per_file;
        const auto exported = export_base + static_cast<std::uint32_t>(f) * 20;
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint32_t ago_ms = 1000u * (rng() % 90);
            if (ipv6)
                flows.emplace_back(
                    v6_flow(rng, (static_cast<std::int64_t>(exported) * 1000) - ago_ms));
            else
                flows.emplace_back(v4_flow(rng, exported, ago_ms));
        }
        out.push_back(std::move(flows));
    }
    return out;
}

void add_window(StartOrderedFlows& ordered, const std::vector<std::vector<AnyFlow>>& files,
                std::size_t* most_spills = nullptr) {
    for (const auto& file : files) {
        std::vector<Record> flows;
        std::vector<Record6> flows6;
        for (const AnyFlow& f : file) {
            if (std::holds_alternative<Record>(f))
                flows.push_back(std::get<Record>(f));
            else
                flows6.push_back(std::get<Record6>(f));
        }
        ordered.add_file(flows);
        ordered.add_file(flows6);
        if (most_spills != nullptr) *most_spills = std::max(*most_spills, ordered.spill_files());
    }
}

std::vector<AnyFlow> drained(StartOrderedFlows& ordered, std::size_t batch = 64) {
    std::vector<AnyFlow> out;
    ordered.drain(
        batch, [&](std::span<const Record> b) { out.insert(out.end(), b.begin(), b.end()); },
        [&](std::span<const Record6> b) { out.insert(out.end(), b.begin(), b.end()); });
    return out;
}

std::size_t open_descriptors() {
    return static_cast<std::size_t>(
        std::distance(fs::directory_iterator("/proc/self/fd"), fs::directory_iterator{}));
}

SortLimits tiny(const TempDir& dir, std::size_t memory_bytes, std::size_t fan_in) {
    SortLimits limits;
    limits.memory_bytes = memory_bytes;
    limits.fan_in = fan_in;
    limits.temp_dir = dir.path();
    return limits;
}

}  // namespace

TEST_CASE("flows merged through temporary files come in the order of the listing held in memory") {
    std::mt19937 rng(14);
    const auto files = window_files(rng, 300, 120);

    std::vector<AnyFlow> expected;
    for (const auto& file : files) expected.insert(expected.end(), file.begin(), file.end());
    std::stable_sort(expected.begin(), expected.end(),
                     [](const AnyFlow& a, const AnyFlow& b) { return start_of(a) < start_of(b); });
    StartOrderedFlows in_memory;
    add_window(in_memory, files);
    REQUIRE(in_memory.spill_files() == 0);
    const std::vector<AnyFlow> held = drained(in_memory);
    REQUIRE(held.size() == expected.size());
    CHECK(held == expected);

    // Budgets from one run per file to many: every one spills, with 2, 3
    // and 16 files merged at once.
    for (const std::size_t memory : {std::size_t{1}, std::size_t{6000}, std::size_t{40000}}) {
        for (const std::size_t fan_in : {std::size_t{2}, std::size_t{3}, std::size_t{16}}) {
            INFO("memory " << memory << " bytes, fan-in " << fan_in);
            TempDir tmp;
            StartOrderedFlows spilled(tiny(tmp, memory, fan_in));
            std::size_t most_spills = 0;
            add_window(spilled, files, &most_spills);
            CHECK(most_spills > 0);
            CHECK(spilled.size() == expected.size());
            const std::vector<AnyFlow> merged = drained(spilled, 1 + memory % 97);
            REQUIRE(merged.size() == held.size());
            CHECK(merged == held);
            CHECK(spilled.size() == 0);
            CHECK(spilled.spill_files() == 0);
        }
    }
}

TEST_CASE("equal start times keep file order across temporary files and series") {
    // Every flow starts in the same millisecond: the order is the order of
    // the files, then of the flows in each, IPv4 and IPv6 files alternating.
    std::mt19937 rng(7);
    const std::uint32_t ago_ms = 5000;
    const std::int64_t start = static_cast<std::int64_t>(export_base) * 1000 - ago_ms;
    std::vector<std::vector<AnyFlow>> files;
    for (std::uint16_t f = 0; f < 40; ++f) {
        std::vector<AnyFlow> flows;
        for (std::uint16_t i = 0; i < 30; ++i) {
            if (f % 2 == 0) {
                Record r = v4_flow(rng, export_base, ago_ms);
                r.dstport = static_cast<std::uint16_t>(f * 100 + i);
                flows.emplace_back(r);
            } else {
                Record6 r = v6_flow(rng, start);
                r.dstport = static_cast<std::uint16_t>(f * 100 + i);
                flows.emplace_back(r);
            }
        }
        files.push_back(std::move(flows));
    }
    TempDir tmp;
    StartOrderedFlows ordered(tiny(tmp, 500, 3));
    add_window(ordered, files);
    const auto merged = drained(ordered);
    REQUIRE(merged.size() == 40 * 30);
    for (std::size_t k = 0; k < merged.size(); ++k) {
        const auto f = static_cast<std::uint16_t>(k / 30);
        const auto want = static_cast<std::uint16_t>(f * 100 + k % 30);
        const std::uint16_t got = std::holds_alternative<Record>(merged[k])
                                      ? std::get<Record>(merged[k]).dstport
                                      : std::get<Record6>(merged[k]).dstport;
        INFO("flow " << k);
        CHECK(std::holds_alternative<Record6>(merged[k]) == (f % 2 == 1));
        CHECK(got == want);
    }
}

TEST_CASE("the fan-in caps the temporary files open") {
    std::mt19937 rng(3);
    const auto files = window_files(rng, 400, 20);
    const std::size_t fan_in = 3;
    TempDir tmp;
    const std::size_t before = open_descriptors();
    StartOrderedFlows ordered(tiny(tmp, 1, fan_in));  // every run spills
    std::size_t spills_made = 0;
    std::size_t most_open = 0;
    for (const auto& file : files) {
        add_window(ordered, {file});
        if (!file.empty()) ++spills_made;
        // Generations of fan_in files: (fan_in - 1) of each at most, plus one.
        const auto generations = static_cast<std::size_t>(
            std::ceil(std::log(static_cast<double>(std::max<std::size_t>(spills_made, 1))) /
                      std::log(static_cast<double>(fan_in))));
        CHECK(ordered.spill_files() <= (fan_in - 1) * (generations + 1));
        CHECK(open_descriptors() == before + ordered.spill_files());
        most_open = std::max(most_open, ordered.spill_files());
    }
    CHECK(spills_made > 300);
    CHECK(most_open >= fan_in - 1);
    CHECK(most_open <= 2 * 7);  // 3^6 > 400 spills: 7 generations at most
    // The listing itself reads at most fan_in of them at once.
    std::size_t most_during_drain = 0;
    std::uint64_t flows = 0;
    ordered.drain(
        50,
        [&](std::span<const Record> b) {
            flows += b.size();
            most_during_drain = std::max(most_during_drain, open_descriptors() - before);
        },
        [&](std::span<const Record6> b) {
            flows += b.size();
            most_during_drain = std::max(most_during_drain, open_descriptors() - before);
        });
    CHECK(flows > 0);
    CHECK(most_during_drain <= fan_in);
    CHECK(open_descriptors() == before);
}

TEST_CASE("temporary files never have a name in TMPDIR") {
    std::mt19937 rng(5);
    const auto files = window_files(rng, 50, 100);
    TempDir tmp;
    {
        StartOrderedFlows ordered(tiny(tmp, 2000, 4));
        add_window(ordered, files);
        REQUIRE(ordered.spill_files() > 0);
        // A kill -9 now would leave nothing: there is nothing to leave.
        CHECK(fs::is_empty(tmp.path()));
        drained(ordered);
        CHECK(fs::is_empty(tmp.path()));
        // Abandoned with temporary files open (an output error).
        add_window(ordered, files);
        REQUIRE(ordered.spill_files() > 0);
    }
    CHECK(fs::is_empty(tmp.path()));
}

TEST_CASE("the temporary directory comes from TMPDIR, else /tmp") {
    const char* saved = std::getenv("TMPDIR");
    const std::string restore = saved != nullptr ? saved : "";
    ::setenv("TMPDIR", "/var/tmp/flowkeep-sort", 1);
    CHECK(sort_temp_dir() == fs::path("/var/tmp/flowkeep-sort"));
    CHECK(SortLimits{}.temp_dir == fs::path("/var/tmp/flowkeep-sort"));
    ::setenv("TMPDIR", "", 1);
    CHECK(sort_temp_dir() == fs::path("/tmp"));
    ::unsetenv("TMPDIR");
    CHECK(sort_temp_dir() == fs::path("/tmp"));
    if (saved != nullptr) ::setenv("TMPDIR", restore.c_str(), 1);
}

TEST_CASE("a TMPDIR that cannot take the temporary files is named in one line") {
    std::mt19937 rng(9);
    const auto files = window_files(rng, 20, 100);
    TempDir tmp;
    SortLimits limits = tiny(tmp, 100, 4);
    limits.temp_dir = tmp / "gone";
    StartOrderedFlows ordered(limits);
    try {
        add_window(ordered, files);
        FAIL("no error for a TMPDIR that does not exist");
    } catch (const OutputError& e) {
        const std::string message = e.what();
        CHECK(message == "--sort start: cannot create a temporary file in " +
                             (tmp / "gone").string() + " (TMPDIR): No such file or directory");
    }
    // Nothing under 100 bytes a run spills: the memory listing needs no TMPDIR.
    StartOrderedFlows roomy(limits);
    std::vector<Record> none;
    roomy.add_file(none);
    CHECK(drained(roomy).empty());
}

// Peak RSS, which getrusage reports for this process (each test case runs
// in a process of its own under ctest).
std::size_t peak_rss_bytes() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return static_cast<std::size_t>(usage.ru_maxrss) * 1024;
}

// GCC says so with __SANITIZE_ADDRESS__, clang with __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define FLOWKEEP_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FLOWKEEP_TEST_ASAN 1
#endif
#endif

TEST_CASE("millions of flows sort in the memory budget plus a fixed margin") {
#if defined(FLOWKEEP_TEST_ASAN)
    // AddressSanitizer keeps freed memory in quarantine (256 MiB) and adds
    // shadow memory: the RSS says nothing about the listing there.  The
    // Release build of CI checks the bound; here the order is checked.
    const std::size_t total = 300000;
    const std::size_t budget = std::size_t{2} << 20;
    const bool check_rss = false;
    WARN("peak RSS not checked under AddressSanitizer (its quarantine holds freed memory)");
#else
    const std::size_t total = 4000000;
    const std::size_t budget = std::size_t{16} << 20;
    const bool check_rss = true;
#endif
    const std::size_t per_file = 10000;
    TempDir tmp;
    StartOrderedFlows ordered(tiny(tmp, budget, 16));
    std::mt19937 rng(4);
    std::vector<Record> flows;
    std::uint64_t added_sum = 0;
    for (std::size_t done = 0; done < total; done += per_file) {
        const auto exported = export_base + static_cast<std::uint32_t>(done / 2000);
        flows.clear();
        for (std::size_t i = 0; i < per_file; ++i) {
            flows.push_back(v4_flow(rng, exported, 1000u * (rng() % 600)));
            added_sum += flows.back().doctets;
        }
        ordered.add_file(flows);
    }
    flows = {};
    CHECK(ordered.size() == total);
    CHECK(ordered.spill_files() > 0);

    std::uint64_t seen = 0;
    std::uint64_t seen_sum = 0;
    std::int64_t last_start = 0;
    bool in_order = true;
    ordered.drain(
        4096,
        [&](std::span<const Record> b) {
            for (const Record& r : b) {
                const std::int64_t start = flowfile::flow_times(r).start_ms;
                in_order = in_order && start >= last_start;
                last_start = start;
                seen_sum += r.doctets;
            }
            seen += b.size();
        },
        [&](std::span<const Record6>) { in_order = false; });
    CHECK(in_order);
    CHECK(seen == total);
    CHECK(seen_sum == added_sum);

    // The margin: the program and its libraries (about 10 MiB), one file's
    // flows with their sort keys and packing (about 3 MiB), the merge's
    // file buffers (5 MiB), the output batch.  These 4 M flows held whole
    // take about 100 MiB (98 MiB peak measured with a budget above that).
    const std::size_t margin = std::size_t{32} << 20;
    const std::size_t peak = peak_rss_bytes();
    INFO("peak RSS " << (peak >> 20) << " MiB, budget " << (budget >> 20) << " MiB");
    if (check_rss) CHECK(peak <= budget + margin);
}
