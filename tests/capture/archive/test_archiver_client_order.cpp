// flow-capture --client-networks: a finished file of either series holds
// exactly the flows it was sent, with the same header, in client order (each
// client's flows together, clients ascending, transit last), and its index
// describes that order; when the order cannot be written the file stays
// complete in arrival order and the failure is logged and counted; a
// leftover is recovered in client order and the copy a crash interrupted is
// removed.

#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <thread>

#include "archive/client_order_rewrite.hpp"
#include "archive/crash_recovery.hpp"
#include "archiver_harness.hpp"
#include "flowfile/client_order.hpp"
#include "flowfile/writer.hpp"

using namespace archiver_test;
using capture::WallTime;

namespace {

const char* const networks_text = "10.0.0.0/20,2001:db8:1::/48";

// The client address a user would name for these flows (a key that sorts
// as the order must: clients ascending, transit after every client).
std::uint64_t client_of(const Record& r) {
    const auto inside = [](std::uint32_t a) { return (a & 0xfffff000u) == 0x0a000000u; };
    if (inside(r.srcaddr)) return r.srcaddr;
    if (inside(r.dstaddr)) return r.dstaddr;
    return std::uint64_t{1} << 40;
}

// IPv4 flows of 200 clients in arrival order (each client's 15 flows
// scattered through the batch), a fifth of them with the client as the
// destination, some transit flows between outside addresses.
FlowBatch scattered_clients(std::size_t n4, std::size_t n6) {
    FlowBatch b = batch_of(n4, n6);
    for (std::size_t i = 0; i < b.records.size(); ++i) {
        Record& r = b.records[i];
        r.srcaddr = 0x0a000000u + static_cast<std::uint32_t>(i % 200);
        if (i % 5 == 0) std::swap(r.srcaddr, r.dstaddr);
        if (i % 13 == 0) {
            r.srcaddr = 0x08080800u + static_cast<std::uint32_t>(i % 4);
            r.dstaddr = 0x01010100u;
        }
    }
    std::mt19937 random(7);
    std::shuffle(b.records.begin(), b.records.end(), random);
    std::shuffle(b.records6.begin(), b.records6.end(), random);
    for (std::size_t i = 0; i < b.records6.size(); i += 7)
        b.records6[i].srcaddr[2] = 0x0e;  // 2001:eb8:...: outside
    return b;
}

ArchiverSettings client_ordered(std::size_t block_records = 512) {
    ArchiverSettings s = indexed(block_records);
    s.client_networks = ClientNetworks::parse(networks_text);
    return s;
}

// Ticks until the files being ordered on the worker thread have their
// final names, as the daemon's writing loop does.
void settle(Harness& h, WallTime now) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (h.archiver->client_order_pending() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        h.archiver->tick(now);
    }
    REQUIRE(h.archiver->client_order_pending() == 0);
}

template <typename R>
std::vector<R> in_client_order(std::vector<R> records) {
    order_by_client(std::span<R>(records), ClientNetworks::parse(networks_text));
    return records;
}

}  // namespace

TEST_CASE("a file finished with client networks holds the flows it was sent in client order",
          "[capture][archiver][client-order]") {
    const int level = GENERATE(-1, 0);
    INFO("-z " << level);
    ArchiverSettings s = client_ordered();
    s.compression_level = level;
    Harness ordered(s);
    Harness arrival(indexed(512, level));
    const FlowBatch batch = scattered_clients(3000, 0);
    // In several batches, as datagrams arrive.
    for (std::size_t first = 0; first < 3000; first += 700) {
        FlowBatch part;
        part.export_version = 5;
        part.records.assign(batch.records.begin() + static_cast<std::ptrdiff_t>(first),
                            batch.records.begin() + static_cast<std::ptrdiff_t>(
                                                        std::min<std::size_t>(first + 700, 3000)));
        REQUIRE(ordered.archiver->accept(part, t0));
        REQUIRE(arrival.archiver->accept(part, t0));
    }
    ordered.archiver->tick(t0 + 100);  // past 00:00: finished, ordered, renamed
    arrival.archiver->tick(t0 + 100);
    settle(ordered, t0 + 100);

    const auto [header, records] = read_back<Reader>(ordered.dir / first_v5);
    const auto [arrival_header, arrival_records] = read_back<Reader>(arrival.dir / first_v5);
    CHECK(arrival_records == batch.records);
    CHECK(records == in_client_order(batch.records));
    // The same header but for the checksums of the record area, whose bytes
    // are in another order.
    CHECK(header.block_checksums.has_value() == arrival_header.block_checksums.has_value());
    Header same = header;
    Header same_arrival = arrival_header;
    same.block_checksums.reset();
    same_arrival.block_checksums.reset();
    CHECK(same == same_arrival);
    for (std::size_t i = 1; i < records.size(); ++i)
        if (client_of(records[i - 1]) > client_of(records[i])) {
            FAIL_CHECK("flow " << i << " is out of client order");
            break;
        }
    check_index(ordered.dir / first_v5, header, records, 512);
    CHECK(ordered.files() == arrival.files());
    CHECK(ordered.archiver->files_client_ordered() == 1);
    CHECK(ordered.archiver->client_order_failures() == 0);
    CHECK(arrival.archiver->files_client_ordered() == 0);
    CHECK(ordered.logged("arrival order") == 0);
}

TEST_CASE("the IPv6 file is put in client order as the flow-tools file beside it",
          "[capture][archiver][client-order]") {
    Harness h(client_ordered(256));
    const FlowBatch batch = scattered_clients(100, 1500);
    REQUIRE(h.archiver->accept(batch, t0));
    h.archiver->shutdown(t0 + 2);
    const auto v4 = read_back<Reader>(h.dir / first_v5);
    CHECK(v4.second == in_client_order(batch.records));
    const auto v6 = read_back<Reader6>(h.dir / first_ip6);
    CHECK(v6.second == in_client_order(batch.records6));
    CHECK(v6.second != batch.records6);
    check_index(h.dir / first_ip6, v6.first, v6.second, 256);
    CHECK(h.archiver->files_client_ordered() == 2);
    CHECK(h.archiver->index_files_written() == 2);
}

TEST_CASE("client networks without the block index still order the file",
          "[capture][archiver][client-order]") {
    Harness h(client_ordered(0));
    const FlowBatch batch = scattered_clients(2000, 0);
    REQUIRE(h.archiver->accept(batch, t0));
    h.archiver->shutdown(t0 + 1);
    CHECK(read_back<Reader>(h.dir / first_v5).second == in_client_order(batch.records));
    CHECK(h.files() == std::vector<std::string>{first_v5});
    CHECK(h.archiver->files_client_ordered() == 1);
}

TEST_CASE("a file whose client order cannot be written keeps every flow in arrival order",
          "[capture][archiver][client-order]") {
    Harness h(client_ordered());
    const FlowBatch batch = scattered_clients(2000, 0);
    REQUIRE(h.archiver->accept(batch, t0));
    // A non-empty directory where the copy goes: it can be neither created
    // nor removed.
    const fs::path staging = capture::client_order_staging_path(h.dir / h.archiver->current_file());
    fs::create_directories(staging / "in-the-way");
    h.archiver->tick(t0 + 100);
    settle(h, t0 + 100);
    CHECK(read_back<Reader>(h.dir / first_v5).second == batch.records);
    CHECK(h.archiver->files_client_ordered() == 0);
    CHECK(h.archiver->client_order_failures() == 1);
    CHECK(h.logged("left in arrival order") == 1);
    // It has the index of its arrival order, and the next file is ordered
    // again.
    const auto [header, records] = read_back<Reader>(h.dir / first_v5);
    check_index(h.dir / first_v5, header, records, 512);
    CHECK(h.archiver->index_failures() == 0);
    CHECK(fs::exists(staging / "in-the-way"));
    REQUIRE(h.archiver->accept(batch, t0 + 101));
    h.archiver->shutdown(t0 + 102);
    CHECK(h.archiver->files_client_ordered() == 1);
}

TEST_CASE("a leftover is recovered in client order and an interrupted ordering copy removed",
          "[capture][recovery][client-order]") {
    TempDir dir;
    const fs::path day = dir / "2009/2009-10/2009-10-15";
    fs::create_directories(day);
    const fs::path tmp = day / "tmp-v05.2009-10-15.235830+0000";
    const FlowBatch batch = scattered_clients(3000, 0);
    {
        Header h =
            Header::for_capture(5, 1255651110, "flowbox-a", true, std::nullopt, ByteOrder::little);
        auto w = Writer::create(tmp, h, {.flush_interval = std::chrono::milliseconds(0)});
        w->write(batch.records);
        w->flush();  // never finished: like a crash
    }
    const fs::path staging = capture::client_order_staging_path(tmp);
    {
        std::ofstream half(staging);
        half << "half a copy";
    }
    // One not at this nesting's place is not ours.
    const fs::path elsewhere = capture::client_order_staging_path(dir / tmp.filename());
    fs::copy_file(staging, elsewhere);

    std::vector<std::string> log;
    const auto results = capture::recover_leftovers(
        dir.path(), 3, [&](const std::string& l) { log.push_back(l); }, 512,
        ClientNetworks::parse(networks_text));
    REQUIRE(results.size() == 1);
    CHECK(results[0].recovered);
    CHECK(results[0].flows == 3000);
    const fs::path finished = day / "ft-v05.2009-10-15.235830+0000";
    const auto [header, records] = read_back<Reader>(finished);
    CHECK(records == in_client_order(batch.records));
    check_index(finished, header, records, 512);
    CHECK_FALSE(fs::exists(staging));
    CHECK(fs::exists(elsewhere));
    CHECK(std::count_if(log.begin(), log.end(), [&](const std::string& l) {
              return l.find("removed " + staging.string()) != std::string::npos;
          }) == 1);
}
