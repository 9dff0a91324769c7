// The thread that writes finished files again in client order: each file it
// took is ordered and reported in submission order; a file it refuses
// because it is behind, or cannot order, is left exactly as it was.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "archive/client_order_worker.hpp"
#include "flowfile/client_order.hpp"
#include "flowfile/reader.hpp"
#include "flowfile/writer.hpp"
#include "support/temp_dir.hpp"

using namespace flowfile;
using capture::ClientOrderWorker;
using flowkeep_test::TempDir;
namespace fs = std::filesystem;

namespace {

const ClientNetworks networks = ClientNetworks::parse("10.0.0.0/16");

// A finished file whose clients count down.
ClientOrderWorker::Job finished_file(const fs::path& path, std::uint32_t records) {
    Header h = Header::for_capture(5, 1255651110, "flowbox-a", false);
    const WriterOptions options{.compression_level = 0,
                                .flush_interval = std::chrono::milliseconds(0)};
    auto w = Writer::create(path, h, options);
    std::vector<Record> batch;
    for (std::uint32_t i = 0; i < records; ++i) {
        Record r;
        r.unix_secs = 1255651110;
        r.srcaddr = 0x0a000000u + (records - i) % 60000;
        r.dstaddr = 0x08080808u;
        r.dpkts = i;
        batch.push_back(r);
    }
    w->write(batch);
    const CloseCounters counters{.cap_end = 1255651200};
    w->finish(counters);
    ClientOrderWorker::Job job;
    job.path = path;
    job.options = options;
    job.counters = counters;
    job.file.records = records;
    job.file.tmp_relative = path.filename().string();
    return job;
}

std::vector<Record> read_all(const fs::path& p) {
    auto r = Reader::open(p);
    std::vector<Record> out;
    for (auto b = r->next_batch(); !b.empty(); b = r->next_batch())
        out.insert(out.end(), b.begin(), b.end());
    CHECK(r->status().ok());
    return out;
}

std::string bytes_of(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST_CASE("the client order thread orders what it takes and refuses what it cannot keep up with",
          "[capture][client-order]") {
    TempDir dir;
    // The first file keeps the thread busy while the others are offered.
    std::vector<ClientOrderWorker::Job> jobs;
    jobs.push_back(finished_file(dir / "tmp-v05.2009-10-15.000000+0000", 300000));
    for (int i = 1; i < 5; ++i)
        jobs.push_back(
            finished_file(dir / ("tmp-v05.2009-10-15.00000" + std::to_string(i) + "+0000"), 5000));
    std::vector<std::string> before;
    for (const auto& job : jobs) before.push_back(bytes_of(job.path));

    ClientOrderWorker worker(networks);
    std::vector<bool> taken;
    for (const auto& job : jobs) taken.push_back(worker.submit(job));
    // One being ordered and max_waiting waiting at most: the last two are
    // refused whether or not the thread has picked up the first yet.
    CHECK(taken[0]);
    CHECK(taken[1]);
    CHECK_FALSE(taken[3]);
    CHECK_FALSE(taken[4]);
    worker.wait_idle();
    const auto done = worker.take_done();
    REQUIRE(done.size() == static_cast<std::size_t>(std::count(taken.begin(), taken.end(), true)));
    CHECK(worker.pending() == 0);
    std::size_t next = 0;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        INFO(jobs[i].path);
        if (!taken[i]) {
            CHECK(bytes_of(jobs[i].path) == before[i]);
            continue;
        }
        REQUIRE(next < done.size());
        const auto& d = done[next++];
        CHECK(d.job.path == jobs[i].path);
        REQUIRE(d.ordered);
        CHECK(d.problem.empty());
        CHECK(d.ordered->size == fs::file_size(jobs[i].path));
        std::vector<Record> expected = read_all(jobs[i].path);
        CHECK(expected.size() == jobs[i].file.records);
        std::vector<Record> arrival = expected;
        std::sort(arrival.begin(), arrival.end(),
                  [](const Record& a, const Record& b) { return a.dpkts < b.dpkts; });
        order_by_client(std::span<Record>(arrival), networks);
        CHECK(expected == arrival);
        CHECK(
            std::is_sorted(expected.begin(), expected.end(),
                           [](const Record& a, const Record& b) { return a.srcaddr < b.srcaddr; }));
    }
}

TEST_CASE("a file the client order thread cannot order is reported and left as it was",
          "[capture][client-order]") {
    TempDir dir;
    ClientOrderWorker::Job job = finished_file(dir / "tmp-v05.2009-10-15.000000+0000", 1000);
    const std::string before = bytes_of(job.path);
    // It holds 1000 flows, not 1001: reading it back finds fewer than were
    // written, and a copy of fewer is never put in its place.
    job.file.records = 1001;
    ClientOrderWorker worker(networks);
    REQUIRE(worker.submit(job));
    worker.wait_idle();
    const auto done = worker.take_done();
    REQUIRE(done.size() == 1);
    CHECK_FALSE(done[0].ordered);
    CHECK_THAT(done[0].problem, Catch::Contains("read back 1000 of its 1001 flows"));
    CHECK(bytes_of(job.path) == before);
    CHECK_FALSE(fs::exists(capture::client_order_staging_path(job.path)));
}
