// The scan reads files in parallel but answers in the inputs' order: every
// record once, each file's damage reported in its place, memory bounded.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "flowfile/archive.hpp"
#include "flowfile/header.hpp"
#include "flowfile/reader.hpp"
#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"
#include "flowfile/writer.hpp"
#include "inputs/flow_scan.hpp"
#include "inputs/input_selection.hpp"
#include "support/temp_dir.hpp"

using namespace flowquery;
using namespace std::chrono_literals;
using flowfile::Record;
using flowkeep_test::TempDir;

namespace {

// Which file a flow was written to and its place there, carried in the
// addresses so that a delivered record says where it came from.
struct Tag {
    std::uint32_t file;
    std::uint32_t n;
    friend auto operator<=>(const Tag&, const Tag&) = default;
};

Record tagged(Tag t) {
    Record r;
    r.srcaddr = t.file;
    r.dstaddr = t.n;
    r.prot = 17;
    r.dpkts = 1;
    r.doctets = 64;
    return r;
}

Tag tag_of(const Record& r) {
    return {r.srcaddr, r.dstaddr};
}

std::string host_of(std::uint32_t file) {
    return "scan-" + std::to_string(file);
}

std::vector<Record> flows_of(std::uint32_t file, std::uint32_t count) {
    std::vector<Record> flows;
    for (std::uint32_t n = 0; n < count; ++n) flows.push_back(tagged({file, n}));
    return flows;
}

flowfile::WriterOptions quick(int level) {
    return {.compression_level = level, .flush_interval = 0ms, .sync_on_flush = false};
}

// A finished file, as flow-capture leaves it after rotation.
void write_file(const std::filesystem::path& path, std::uint32_t file, std::uint32_t count,
                int level = 1) {
    auto w = flowfile::Writer::create(
        path, flowfile::Header::for_capture(5, 1760000000, host_of(file), level != 0),
        quick(level));
    w->write(flows_of(file, count));
    w->finish({});
}

// Flow counts chosen so that some files are empty, most are a part of one
// batch, and one needs several batches (Reader::batch_records each).
std::uint32_t flows_in(std::uint32_t file) {
    if (file == 11) return 3 * flowfile::Reader::batch_records + 17;
    return (file * 7) % 13;
}

struct Archive {
    TempDir dir;
    std::vector<InputSource> sources;
    std::vector<Tag> all;  // every flow, in input order
};

void add_file(Archive& a, std::uint32_t count, int level = 1) {
    const auto file = static_cast<std::uint32_t>(a.sources.size());
    const auto path = a.dir / ("ft-" + std::to_string(file));
    write_file(path, file, count, level);
    a.sources.push_back({path.string()});
    for (std::uint32_t n = 0; n < count; ++n) a.all.push_back({file, n});
}

// Broken inputs keep their place in `sources` but add nothing to `all`.
void add_source(Archive& a, const std::filesystem::path& path) {
    a.sources.push_back({path.string()});
}

struct Delivery {
    std::vector<Tag> tags;
    std::vector<std::size_t> batch_sources;  // source_index of each batch
    bool batch_mismatch = false;             // a batch whose source, header or records disagree
    bool off_thread = false;                 // consume ran on another thread than the caller
};

ScanReport scan_collecting(const std::vector<InputSource>& sources, const RecordSelector& select,
                           unsigned threads, Delivery& d) {
    const auto caller = std::this_thread::get_id();
    return scan_in_order(sources, select, {.threads = threads}, [&](const SourceBatch& b) {
        if (std::this_thread::get_id() != caller) d.off_thread = true;
        d.batch_sources.push_back(b.source_index);
        if (b.source_index >= sources.size() || &b.source != &sources[b.source_index] ||
            b.header.hostname != host_of(static_cast<std::uint32_t>(b.source_index)))
            d.batch_mismatch = true;
        for (const Record& r : b.records) {
            if (r.srcaddr != b.source_index) d.batch_mismatch = true;
            d.tags.push_back(tag_of(r));
        }
    });
}

const unsigned thread_counts[] = {1, 2, 4, 7, 0};

}  // namespace

TEST_CASE("scan_in_order delivers every record once, in the inputs' order, for any thread count") {
    Archive a;
    for (std::uint32_t f = 0; f < 40; ++f) add_file(a, flows_in(f), f % 3 == 0 ? 0 : 1);
    REQUIRE(a.all.size() > flowfile::Reader::batch_records * 3);

    for (unsigned threads : thread_counts) {
        CAPTURE(threads);
        Delivery d;
        const ScanReport report = scan_collecting(a.sources, {}, threads, d);
        CHECK(d.tags == a.all);
        CHECK(std::is_sorted(d.batch_sources.begin(), d.batch_sources.end()));
        CHECK_FALSE(d.batch_mismatch);
        CHECK_FALSE(d.off_thread);
        CHECK(report.files_read == a.sources.size());
        CHECK(report.flows_read == a.all.size());
        CHECK(report.flows_selected == a.all.size());
        CHECK(report.problems.empty());
        CHECK(report.complete());
    }
}

TEST_CASE("the selector runs on the workers and only what it keeps reaches the consumer") {
    Archive a;
    for (std::uint32_t f = 0; f < 20; ++f) add_file(a, flows_in(f));
    std::vector<Tag> even;
    std::copy_if(a.all.begin(), a.all.end(), std::back_inserter(even),
                 [](Tag t) { return t.n % 2 == 0; });

    for (unsigned threads : thread_counts) {
        CAPTURE(threads);
        const auto caller = std::this_thread::get_id();
        std::atomic<bool> on_caller{false};
        const RecordSelector keep_even{
            .ipv4 = [&](std::span<const Record> in, std::vector<Record>& out) {
                if (std::this_thread::get_id() == caller) on_caller = true;
                for (const Record& r : in)
                    if (r.dstaddr % 2 == 0) out.push_back(r);
            }};
        Delivery d;
        const ScanReport report = scan_collecting(a.sources, keep_even, threads, d);
        CHECK(d.tags == even);
        CHECK_FALSE(on_caller);
        CHECK(report.flows_read == a.all.size());
        CHECK(report.flows_selected == even.size());
    }
}

TEST_CASE("unreadable inputs are reported in input order while the others arrive") {
    Archive a;
    for (std::uint32_t f = 0; f < 3; ++f) add_file(a, 5);
    const auto missing = a.dir / "ft-missing";
    add_source(a, missing);  // 3
    for (std::uint32_t f = 4; f < 6; ++f) add_file(a, 5);
    const auto not_flows = a.dir / "ft-not-flows";
    std::ofstream(not_flows) << "this is not a flow-tools file\n";
    add_source(a, not_flows);  // 6
    add_file(a, 5);            // 7
    // Finished, then cut inside its 31st record: the first 30 are intact.
    const auto truncated = a.dir / "ft-truncated";
    write_file(truncated, 8, 40, 0);
    {
        const auto header_size = flowfile::Reader::open(truncated)->header().size;
        const auto record_size = (std::filesystem::file_size(truncated) - header_size) / 40;
        std::filesystem::resize_file(truncated, header_size + record_size * 30 + 5);
    }
    add_source(a, truncated);  // 8
    for (std::uint32_t n = 0; n < 30; ++n) a.all.push_back({8, n});
    add_file(a, 5);  // 9

    for (unsigned threads : {1u, 2u, 4u}) {
        CAPTURE(threads);
        Delivery d;
        const ScanReport report = scan_collecting(a.sources, {}, threads, d);
        CHECK(d.tags == a.all);
        REQUIRE(report.problems.size() == 3);
        CHECK_THAT(report.problems[0], Catch::StartsWith(missing.string()));
        CHECK_THAT(report.problems[1], Catch::StartsWith(not_flows.string()));
        CHECK_THAT(report.problems[2], Catch::StartsWith(truncated.string()));
        CHECK_FALSE(report.complete());
        CHECK(report.files_read == a.sources.size());
        CHECK(report.flows_read == a.all.size());
    }
}

TEST_CASE("a file still being written ends where the capture flushed, without a problem") {
    Archive a;
    add_file(a, 3);
    const auto open_path = a.dir / "tmp-open";
    auto w = flowfile::Writer::create(
        open_path, flowfile::Header::for_capture(5, 1760000000, host_of(1), true), quick(6));
    w->write(flows_of(1, 2000));
    w->flush();
    add_source(a, open_path);
    for (std::uint32_t n = 0; n < 2000; ++n) a.all.push_back({1, n});
    add_file(a, 4);

    Delivery d;
    const ScanReport report = scan_collecting(a.sources, {}, 2, d);
    CHECK(d.tags == a.all);
    CHECK(report.problems.empty());
}

TEST_CASE("a worker ahead of the consumer stops reading after a few batches") {
    constexpr std::uint32_t batches = 30;
    Archive a;
    for (int f = 0; f < 2; ++f) add_file(a, batches * flowfile::Reader::batch_records);

    std::atomic<std::uint64_t> selected{0};
    const RecordSelector keep_all{
        .ipv4 = [&](std::span<const Record> in, std::vector<Record>& out) {
            out.insert(out.end(), in.begin(), in.end());
            selected += in.size();
        }};
    // Holds the first batch until the workers have stopped making progress
    // (or a deadline passes): a bounded scan stalls, an unbounded one reads on.
    const auto wait_until_quiet = [&] {
        std::uint64_t last = selected;
        const auto deadline = std::chrono::steady_clock::now() + 2s;
        for (int quiet = 0; quiet < 10 && std::chrono::steady_clock::now() < deadline;) {
            std::this_thread::sleep_for(2ms);
            const std::uint64_t now = selected;
            quiet = now == last ? quiet + 1 : 0;
            last = now;
        }
        return last;
    };
    std::uint64_t seen_while_stalled = 0;
    std::uint64_t delivered = 0;
    const ScanReport report =
        scan_in_order(a.sources, keep_all, {.threads = 2}, [&](const SourceBatch& b) {
            if (delivered == 0) seen_while_stalled = wait_until_quiet();
            delivered += b.records.size();
        });
    const std::uint64_t total = 2ull * batches * flowfile::Reader::batch_records;
    CHECK(delivered == total);
    CHECK(report.flows_read == total);
    // "A few batches" per worker: far fewer than the files hold.
    CHECK(seen_while_stalled <= 2ull * 12 * flowfile::Reader::batch_records);
    CHECK(seen_while_stalled >= flowfile::Reader::batch_records);
}

TEST_CASE("a consumer that throws ends the scan: the error reaches the caller, workers stop") {
    Archive a;
    for (int f = 0; f < 8; ++f) add_file(a, 4 * flowfile::Reader::batch_records);
    for (unsigned threads : {1u, 3u}) {
        CAPTURE(threads);
        int calls = 0;
        CHECK_THROWS_WITH(scan_in_order(a.sources, {}, {.threads = threads},
                                        [&](const SourceBatch&) {
                                            if (++calls == 2) throw std::runtime_error("disk full");
                                        }),
                          "disk full");
        CHECK(calls == 2);
    }
}

TEST_CASE("standard input is one of the inputs, read in its place") {
    Archive a;
    add_file(a, 3);
    const auto piped = a.dir / "piped";
    write_file(piped, 1, 6);
    a.sources.push_back(InputSource{});
    for (std::uint32_t n = 0; n < 6; ++n) a.all.push_back({1, n});
    add_file(a, 2);

    const int saved_stdin = ::dup(STDIN_FILENO);
    REQUIRE(saved_stdin >= 0);
    const int fd = ::open(piped.c_str(), O_RDONLY);
    REQUIRE(fd >= 0);
    ::dup2(fd, STDIN_FILENO);
    ::close(fd);
    Delivery d;
    const ScanReport report = scan_collecting(a.sources, {}, 2, d);
    ::dup2(saved_stdin, STDIN_FILENO);
    ::close(saved_stdin);

    CHECK(d.tags == a.all);
    CHECK(report.problems.empty());
}

TEST_CASE("no inputs: nothing consumed, an empty complete report") {
    bool called = false;
    const ScanReport report = scan_in_order({}, {}, {}, [&](const SourceBatch&) { called = true; });
    CHECK_FALSE(called);
    CHECK(report.files_read == 0);
    CHECK(report.flows_read == 0);
    CHECK(report.complete());
}

TEST_CASE("the worker count: as asked, one per core for 0, never more than files, at least one") {
    const std::vector<InputSource> ten(10, InputSource{"f"});
    const std::vector<InputSource> two(2, InputSource{"f"});
    CHECK(scan_worker_count(ten, {.threads = 3}) == 3);
    CHECK(scan_worker_count(ten, {.threads = 1}) == 1);
    CHECK(scan_worker_count(two, {.threads = 4}) == 2);
    CHECK(scan_worker_count({}, {.threads = 4}) == 1);
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const std::vector<InputSource> many(cores + 5, InputSource{"f"});
    CHECK(scan_worker_count(many, {.threads = 0}) == cores);
    CHECK(scan_worker_count(two, {.threads = 0}) == std::min(2u, cores));
}

TEST_CASE("scan_in_parallel hands every selected record once to a worker, problems in order") {
    Archive a;
    for (std::uint32_t f = 0; f < 25; ++f) add_file(a, flows_in(f));
    const auto missing_a = a.dir / "ft-gone-a";
    const auto missing_b = a.dir / "ft-gone-b";
    a.sources.insert(a.sources.begin() + 4, InputSource{missing_a.string()});
    a.sources.insert(a.sources.begin() + 20, InputSource{missing_b.string()});
    std::vector<Tag> odd;
    std::copy_if(a.all.begin(), a.all.end(), std::back_inserter(odd),
                 [](Tag t) { return t.n % 2 == 1; });
    const RecordSelector keep_odd{.ipv4 = [](std::span<const Record> in, std::vector<Record>& out) {
        for (const Record& r : in)
            if (r.dstaddr % 2 == 1) out.push_back(r);
    }};

    for (unsigned threads : thread_counts) {
        CAPTURE(threads);
        const ScanOptions options{.threads = threads};
        const unsigned workers = scan_worker_count(a.sources, options);
        const auto caller = std::this_thread::get_id();
        std::mutex mutex;
        std::vector<Tag> got;
        bool bad_worker = false;
        bool on_caller = false;
        const ScanReport report = scan_in_parallel(
            a.sources, keep_odd, options,
            [&](unsigned worker, std::span<const Record> records) {
                std::lock_guard lock(mutex);
                if (worker >= workers) bad_worker = true;
                if (std::this_thread::get_id() == caller) on_caller = true;
                for (const Record& r : records) got.push_back(tag_of(r));
            },
            [&](unsigned, std::span<const flowfile::Record6>) { bad_worker = true; });
        std::sort(got.begin(), got.end());
        CHECK(got == odd);  // `all` is sorted: files in order, records in order
        CHECK_FALSE(bad_worker);
        CHECK_FALSE(on_caller);
        CHECK(report.files_read == a.sources.size());
        CHECK(report.flows_read == a.all.size());
        CHECK(report.flows_selected == odd.size());
        REQUIRE(report.problems.size() == 2);
        CHECK_THAT(report.problems[0], Catch::StartsWith(missing_a.string()));
        CHECK_THAT(report.problems[1], Catch::StartsWith(missing_b.string()));
    }
}

namespace {

// A finished file of either series, named and nested as flow-capture
// leaves it, created at `created`: IPv4 flows tagged as above, IPv6 flows
// with the tag in their ports.
std::filesystem::path write_series_file(const std::filesystem::path& root, std::int64_t created,
                                        bool ipv6, std::uint32_t file, std::uint32_t count) {
    const std::uint16_t version = ipv6 ? flowfile::ipv6_export_version : 5;
    const auto name = flowfile::file_name_at(created, version, std::nullopt, false);
    const auto path = root / flowfile::nest_path(name, 3);
    std::filesystem::create_directories(path.parent_path());
    auto w = flowfile::Writer::create(
        path,
        flowfile::Header::for_capture(version, static_cast<std::uint32_t>(created), host_of(file),
                                      true),
        quick(1));
    if (ipv6) {
        std::vector<flowfile::Record6> flows(count);
        for (std::uint32_t n = 0; n < count; ++n) {
            flows[n].srcport = static_cast<std::uint16_t>(file);
            flows[n].dstport = static_cast<std::uint16_t>(n);
            flows[n].prot = 17;
            flows[n].start_ms = created * 1000;
            flows[n].end_ms = created * 1000;
        }
        w->write(std::span<const flowfile::Record6>(flows));
    } else {
        w->write(flows_of(file, count));
    }
    w->finish({});
    return path;
}

InputSpec directory(const std::filesystem::path& dir) {
    InputSpec spec;
    spec.paths = {dir.string()};
    return spec;
}

}  // namespace

TEST_CASE("a directory of both series is scanned in order, each file by its own reader") {
    TempDir dir;
    const std::int64_t t = 1796328000;  // 2026-12-03T20:00:00Z
    // Quarter by quarter, a v5 and an ip6. file each; the last quarter has
    // an IPv6 file only, the second an empty one.
    struct Written {
        bool ipv6;
        std::uint32_t file, count;
    };
    std::map<std::string, Written> written;
    const auto add = [&](std::int64_t created, bool ipv6, std::uint32_t file, std::uint32_t n) {
        written[write_series_file(dir.path(), created, ipv6, file, n).string()] = {ipv6, file, n};
    };
    add(t, false, 0, 5);
    add(t, true, 1, 3);
    add(t + 900, false, 2, 4);
    add(t + 900, true, 3, 0);
    add(t + 1800, true, 4, 2 * flowfile::Reader::batch_records + 1);

    const InputSelection both = select_inputs(directory(dir.path()));
    REQUIRE(both.sources.size() == 5);
    CHECK(both.problems.empty());

    for (unsigned threads : thread_counts) {
        CAPTURE(threads);
        std::vector<std::pair<bool, Tag>> got;  // (IPv6?, file and place)
        bool mixed_batch = false;
        const RecordSelector keep_even{
            .ipv4 =
                [](std::span<const Record> in, std::vector<Record>& out) {
                    for (const Record& r : in)
                        if (r.dstaddr % 2 == 0) out.push_back(r);
                },
            .ipv6 =
                [](std::span<const flowfile::Record6> in, std::vector<flowfile::Record6>& out) {
                    for (const auto& r : in)
                        if (r.dstport % 2 == 0) out.push_back(r);
                }};
        const ScanReport report =
            scan_in_order(both.sources, keep_even, {.threads = threads}, [&](const SourceBatch& b) {
                if (!b.records.empty() && !b.records6.empty()) mixed_batch = true;
                for (const Record& r : b.records) got.push_back({false, tag_of(r)});
                for (const auto& r : b.records6) got.push_back({true, {r.srcport, r.dstport}});
            });
        // Files in creation order (list_window's), each whole.
        std::vector<std::pair<bool, Tag>> expected;
        for (const auto& s : both.sources) {
            const Written& w = written.at(s.path);
            for (std::uint32_t n = 0; n < w.count; n += 2)
                expected.push_back({w.ipv6, {w.file, n}});
        }
        CHECK_FALSE(mixed_batch);
        CHECK(got == expected);
        CHECK(report.complete());
        CHECK(report.flows_read == 5 + 3 + 4 + 0 + 2 * flowfile::Reader::batch_records + 1);
        CHECK(report.flows_read6 == 3 + 2 * flowfile::Reader::batch_records + 1);
        CHECK(report.flows_selected == expected.size());
        CHECK(report.flows_selected6 ==
              static_cast<std::uint64_t>(std::count_if(expected.begin(), expected.end(),
                                                       [](const auto& e) { return e.first; })));
    }

    SECTION("scan_in_parallel hands IPv6 batches to the second consumer") {
        std::mutex mutex;
        std::uint64_t ipv4 = 0, ipv6 = 0;
        const ScanReport report = scan_in_parallel(
            both.sources, {}, {.threads = 2},
            [&](unsigned, std::span<const Record> r) {
                std::lock_guard lock(mutex);
                ipv4 += r.size();
            },
            [&](unsigned, std::span<const flowfile::Record6> r) {
                std::lock_guard lock(mutex);
                ipv6 += r.size();
            });
        CHECK(ipv4 == 9);
        CHECK(ipv6 == 3 + 2 * flowfile::Reader::batch_records + 1);
        CHECK(report.flows_selected6 == ipv6);
        CHECK(report.flows_selected == ipv4 + ipv6);
    }
    SECTION("a family the query cannot match: its files are not listed") {
        InputSpec spec = directory(dir.path());
        spec.ipv6_files = false;
        const InputSelection v4 = select_inputs(spec);
        REQUIRE(v4.sources.size() == 2);
        for (const auto& s : v4.sources) CHECK(s.path.find("/ft-") != std::string::npos);
        spec = directory(dir.path());
        spec.ipv4_files = false;
        const InputSelection v6 = select_inputs(spec);
        REQUIRE(v6.sources.size() == 3);
        for (const auto& s : v6.sources) CHECK(s.path.find("/ip6.") != std::string::npos);
    }
    SECTION("a file named by path is read whatever the family setting") {
        InputSpec spec;
        spec.paths = {both.sources[1].path, both.sources[0].path};
        spec.ipv4_files = false;
        spec.ipv6_files = false;
        const InputSelection named = select_inputs(spec);
        CHECK(named.sources.size() == 2);
    }
}
