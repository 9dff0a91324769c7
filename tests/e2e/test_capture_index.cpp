// End to end: the block index flow-capture writes beside each file it
// finishes (flow-index(5), --index-block): the real binary on a loopback
// port, fed NetFlow v5 and an IPFIX IPv6 flow, rotated and stopped; each
// finished file of both series must have an ix- file that opens against it
// and counts exactly the flows read back.  --index-block 0 writes none, a
// bad value is refused with one line, and expiry takes an index with its
// file.

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <ctime>
#include <thread>

#include "capture/pdu_builder.hpp"
#include "capture/template_pdu_builder.hpp"
#include "capture_process.hpp"
#include "fault_support.hpp"
#include "flowfile/block_index.hpp"
#include "flowfile/reader.hpp"
#include "pdu_sender.hpp"
#include "support/temp_dir.hpp"

using namespace std::chrono_literals;
using flowkeep_e2e::CaptureProcess;
using flowkeep_e2e::free_udp_port;
using flowkeep_e2e::listen_arg;
using flowkeep_e2e::PduSender;
using flowkeep_e2e::poll_until;
using flowkeep_e2e::start_foreground_capture;
using flowkeep_e2e::status_number;
using flowkeep_e2e::wait_for_datagrams_read;
using flowkeep_test::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t router = 0x7f000002;  // 127.0.0.2

// `flows` v5 flows whose source addresses count from `first`.
std::vector<std::uint8_t> v5_pdu(std::uint32_t sequence, std::uint32_t first, std::size_t flows) {
    flowkeep_test::PduHeader h = flowkeep_test::example_header(5);
    h.flow_sequence = sequence;
    std::vector<flowkeep_test::PduFlow> list;
    for (std::size_t i = 0; i < flows; ++i) {
        flowkeep_test::PduFlow f = flowkeep_test::example_flow();
        f.srcaddr = 0x0a000000u + first + static_cast<std::uint32_t>(i);
        f.dpkts = 1 + static_cast<std::uint32_t>(i % 9);
        list.push_back(f);
    }
    return flowkeep_test::build_pdu(h, list);
}

// Sends `pdus` v5 datagrams of 30 flows each.
void send_v5(PduSender& sender, std::uint32_t& sequence, std::size_t pdus) {
    for (std::size_t i = 0; i < pdus; ++i) {
        sender.send(router, v5_pdu(sequence, sequence, 30));
        sequence += 30;
    }
}

// One IPFIX message: a template of an IPv6 flow and one flow of it.
std::vector<std::uint8_t> ipfix_ipv6_flow() {
    const auto now = static_cast<std::uint32_t>(std::time(nullptr));
    const std::uint64_t now_ms = std::uint64_t{now} * 1000;
    auto b = flowkeep_test::TemplatePduBuilder::ipfix(now, 1, 7);
    b.begin_set(2)
        .template_record(
            300, {{27, 16}, {28, 16}, {4, 1}, {7, 2}, {11, 2}, {1, 8}, {2, 8}, {152, 8}, {153, 8}})
        .end_set();
    const std::vector<std::uint8_t> src = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0,
                                           0,    0,    0,    0,    0, 0, 0, 1};
    const std::vector<std::uint8_t> dst = {0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0,
                                           0,    0,    0,    0,    0, 0, 0, 2};
    b.begin_set(300)
        .record()
        .raw(src)
        .raw(dst)
        .u8(6)
        .u16(51234)
        .u16(443)
        .u64(4321)
        .u64(12)
        .u64(now_ms - 5000)
        .u64(now_ms - 1000)
        .end_set();
    return b.bytes();
}

// Finished files of both series (ft- and ip6.) below `dir`, sorted.
std::vector<fs::path> finished_files(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        if (e.is_regular_file() && (name.rfind("ft-", 0) == 0 || name.rfind("ip6.", 0) == 0))
            out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<fs::path> index_files(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (flowfile::is_index_file_name(e.path().filename().string())) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

struct ReadBack {
    flowfile::Header header;
    flowfile::FlowCounts counts;
};

// Either series, with the counts of every record read back.
ReadBack read_back(const fs::path& p) {
    const flowfile::AnyReader any = flowfile::open_any(p);
    ReadBack r;
    if (any.ipv4) {
        for (auto b = any.ipv4->next_batch(); !b.empty(); b = any.ipv4->next_batch())
            for (const auto& rec : b) r.counts.add(rec.dpkts, rec.doctets);
        CHECK(any.ipv4->status().ok());
        r.header = any.ipv4->header();
    } else {
        for (auto b = any.ipv6->next_batch(); !b.empty(); b = any.ipv6->next_batch())
            for (const auto& rec : b) r.counts.add(rec.dpkts, rec.doctets);
        CHECK(any.ipv6->status().ok());
        r.header = any.ipv6->header();
    }
    return r;
}

}  // namespace

TEST_CASE("flow-capture writes an index beside each file of both series it finishes",
          "[e2e][index]") {
    TempDir dir;
    const fs::path cap = dir / "cap";
    fs::create_directories(cap);
    const fs::path status = dir / "status";
    const auto port = free_udp_port();
    auto capture = start_foreground_capture({"-V", "5", "-n", "0", "-N", "1", "--status-file",
                                             status.string(), "-w", cap.string(), listen_arg(port)},
                                            dir / "capture.stderr");
    PduSender sender(port);
    std::uint32_t sequence = 0;
    send_v5(sender, sequence, 40);  // 1200 flows: two blocks of the default 1024
    sender.send(router, ipfix_ipv6_flow());
    REQUIRE(wait_for_datagrams_read(port, 10s));
    REQUIRE(poll_until([&] { return status_number(status, "flows") == 1201; }, 10s));
    capture->signal(SIGHUP);
    REQUIRE(capture->wait_for_log("flow-capture: SIGHUP"));
    REQUIRE(poll_until([&] { return status_number(status, "index_files_written") == 2; }, 20s));
    // The next file is open by now or within a second; these flows go there.
    REQUIRE(poll_until([&] { return !flowkeep_e2e::read_status(status)["current_file"].empty(); },
                       20s));
    send_v5(sender, sequence, 3);
    REQUIRE(wait_for_datagrams_read(port, 10s));
    REQUIRE(poll_until([&] { return status_number(status, "flows") == 1291; }, 10s));
    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);

    const auto files = finished_files(cap);
    REQUIRE(files.size() == 3);  // two ft- files and one ip6. file
    std::uint64_t flows = 0;
    for (const fs::path& file : files) {
        INFO(file);
        CHECK(fs::exists(flowfile::index_path_of(file)));
        const ReadBack data = read_back(file);
        const flowfile::BlockIndex::Opened opened = flowfile::BlockIndex::open(file);
        INFO(opened.message);
        REQUIRE(opened.problem == flowfile::IndexProblem::none);
        CHECK(opened.index->flows() == data.header.flow_count);
        CHECK(opened.index->flows() == data.counts.flows);
        CHECK(opened.index->block_records() == flowfile::default_block_records);
        CHECK(opened.index->blocks() == (data.counts.flows + flowfile::default_block_records - 1) /
                                            flowfile::default_block_records);
        REQUIRE(opened.index->totals());
        CHECK(opened.index->totals()->all == data.counts);
        flows += data.counts.flows;
    }
    CHECK(flows == 1291);
    CHECK(index_files(cap).size() == 3);
    CHECK(status_number(status, "index_files_written") == 3);
    CHECK(status_number(status, "index_failures") == 0);
    CHECK_THAT(capture->stderr_text(), !Catch::Contains("no index written"));
}

TEST_CASE("with --index-block 0 flow-capture writes no index", "[e2e][index]") {
    TempDir dir;
    fs::create_directories(dir / "cap");
    const fs::path status = dir / "status";
    const auto port = free_udp_port();
    auto capture = start_foreground_capture(
        {"-V", "5", "-n", "0", "-N", "0", "--index-block", "0", "--status-file", status.string(),
         "-w", (dir / "cap").string(), listen_arg(port)},
        dir / "capture.stderr");
    PduSender sender(port);
    std::uint32_t sequence = 0;
    send_v5(sender, sequence, 40);
    sender.send(router, ipfix_ipv6_flow());
    REQUIRE(wait_for_datagrams_read(port, 10s));
    REQUIRE(poll_until([&] { return status_number(status, "flows") == 1201; }, 10s));
    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);
    const auto files = finished_files(dir / "cap");
    REQUIRE(files.size() == 2);
    CHECK(index_files(dir / "cap").empty());
    std::uint64_t flows = 0;
    for (const fs::path& file : files) {
        INFO(file);
        CHECK(flowfile::BlockIndex::open(file).problem == flowfile::IndexProblem::missing);
        const ReadBack data = read_back(file);
        CHECK(data.counts.flows == data.header.flow_count);
        flows += data.counts.flows;
    }
    CHECK(flows == 1201);
    CHECK(status_number(status, "index_files_written") == 0);
}

TEST_CASE("a bad --index-block value stops the start with one line", "[e2e][index]") {
    TempDir dir;
    const fs::path cap = dir / "cap";
    fs::create_directories(cap);
    const std::string value = GENERATE("10", "many", "2000000");
    CaptureProcess p({"-D", "--index-block", value, "-w", cap.string(), "0/0/9995"}, dir / "err");
    CHECK(p.wait() == 1);
    const std::string err = p.stderr_text();
    CHECK(std::count(err.begin(), err.end(), '\n') == 1);
    CHECK_THAT(err, Catch::StartsWith("flow-capture: --index-block " + value + ": ") &&
                        Catch::Contains("(accepted: 0 (off) or 64..1048576 records)"));
    CHECK(fs::is_empty(cap));
}

TEST_CASE("expiry removes an index with its file", "[e2e][index]") {
    TempDir dir;
    const fs::path cap = dir / "cap";
    fs::create_directories(cap);
    const fs::path status = dir / "status";
    {
        // Two finished files, each with its index.
        const auto port = free_udp_port();
        auto capture =
            start_foreground_capture({"-V", "5", "-n", "0", "-N", "0", "--status-file",
                                      status.string(), "-w", cap.string(), listen_arg(port)},
                                     dir / "first.stderr");
        PduSender sender(port);
        std::uint32_t sequence = 0;
        send_v5(sender, sequence, 2);
        REQUIRE(wait_for_datagrams_read(port, 10s));
        REQUIRE(poll_until([&] { return status_number(status, "flows") == 60; }, 10s));
        capture->signal(SIGHUP);
        REQUIRE(poll_until([&] { return status_number(status, "index_files_written") == 1; }, 20s));
        REQUIRE(poll_until(
            [&] { return !flowkeep_e2e::read_status(status)["current_file"].empty(); }, 20s));
        capture->signal(SIGTERM);
        REQUIRE(capture->wait() == 0);
    }
    const auto before = finished_files(cap);
    REQUIRE(before.size() == 2);
    REQUIRE(index_files(cap).size() == 2);

    // -e 1: the start-up expiry removes the older file, and its index.  A
    // second later, so that the new file cannot take the name of the last.
    std::this_thread::sleep_for(1100ms);
    const auto port = free_udp_port();
    auto capture = start_foreground_capture(
        {"-V", "5", "-n", "0", "-N", "0", "-e", "1", "-w", cap.string(), listen_arg(port)},
        dir / "second.stderr");
    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);
    INFO(capture->stderr_text());
    CHECK_THAT(capture->stderr_text(),
               Catch::Contains("remove/1 ./" + before[0].filename().string()));
    CHECK_FALSE(fs::exists(before[0]));
    CHECK_FALSE(fs::exists(flowfile::index_path_of(before[0])));
    CHECK(fs::exists(before[1]));
    CHECK(fs::exists(flowfile::index_path_of(before[1])));
}

TEST_CASE("with --client-networks flow-capture writes each client's flows together",
          "[e2e][index][client-order]") {
    TempDir dir;
    const fs::path cap = dir / "cap";
    fs::create_directories(cap);
    const fs::path status = dir / "status";
    const auto port = free_udp_port();
    auto capture =
        start_foreground_capture({"-V", "5", "-n", "0", "-N", "0", "--index-block", "256",
                                  "--client-networks", "10.0.0.0/24,2001:db8::/32", "--status-file",
                                  status.string(), "-w", cap.string(), listen_arg(port)},
                                 dir / "capture.stderr");
    PduSender sender(port);
    // Datagrams whose clients count down from one to the next: arrival
    // order is not client order.
    for (std::uint32_t k = 0; k < 40; ++k) sender.send(router, v5_pdu(k * 30, (39 - k) * 5, 30));
    sender.send(router, ipfix_ipv6_flow());
    REQUIRE(wait_for_datagrams_read(port, 10s));
    REQUIRE(poll_until([&] { return status_number(status, "flows") == 1201; }, 10s));
    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);
    INFO(capture->stderr_text());

    const auto files = finished_files(cap);
    REQUIRE(files.size() == 2);
    auto reader = flowfile::Reader::open(files[0]);
    std::vector<std::uint32_t> clients;
    for (auto b = reader->next_batch(); !b.empty(); b = reader->next_batch())
        for (const auto& r : b) clients.push_back(r.srcaddr);
    CHECK(reader->status().ok());
    REQUIRE(clients.size() == 1200);
    CHECK(std::is_sorted(clients.begin(), clients.end()));
    CHECK(clients.front() == 0x0a000000u);
    CHECK(clients.back() == 0x0a000000u + 39 * 5 + 29);
    for (const fs::path& file : files) {
        INFO(file);
        const flowfile::BlockIndex::Opened opened = flowfile::BlockIndex::open(file);
        INFO(opened.message);
        REQUIRE(opened.problem == flowfile::IndexProblem::none);
        CHECK(opened.index->flows() == read_back(file).counts.flows);
        CHECK(opened.index->block_records() == 256);
    }
    // Client 10.0.0.7's flows of the file lie in one block of the five.
    const flowfile::BlockIndex::Opened opened = flowfile::BlockIndex::open(files[0]);
    REQUIRE(opened.index);
    std::size_t blocks_with_client = 0;
    for (std::size_t i = 0; i < opened.index->blocks(); ++i)
        if (opened.index->block_may_hold(i, flowfile::AddressKey::ipv4(0x0a000007u)))
            ++blocks_with_client;
    CHECK(blocks_with_client >= 1);
    CHECK(blocks_with_client <= 2);
    CHECK(status_number(status, "client_ordered_files") == 2);
    CHECK(status_number(status, "client_order_failures") == 0);
    CHECK(status_number(status, "index_files_written") == 2);
}

TEST_CASE("a bad --client-networks value stops the start with one line",
          "[e2e][index][client-order]") {
    TempDir dir;
    const fs::path cap = dir / "cap";
    fs::create_directories(cap);
    CaptureProcess p({"-D", "--client-networks", "10.0.3.7/16", "-w", cap.string(), "0/0/9995"},
                     dir / "err");
    CHECK(p.wait() == 1);
    CHECK(p.stderr_text() ==
          "flow-capture: --client-networks 10.0.3.7/16: '10.0.3.7/16' has host bits set (did you "
          "mean 10.0.0.0/16?)\n");
    CHECK(fs::is_empty(cap));
}

TEST_CASE("the indexes of the files recovered at start-up are counted in the status file",
          "[e2e][index]") {
    TempDir dir;
    const fs::path cap = dir / "cap";
    fs::create_directories(cap);
    // Two leftovers of a crash, as a killed capture leaves them: flushed,
    // never finished.  The second one's index cannot be written: a
    // directory stands where it goes.
    const std::vector<std::string> names = {"v05.2009-10-15.153110+0000",
                                            "v05.2009-10-15.154610+0000"};
    for (const std::string& name : names) {
        flowfile::Header h = flowfile::Header::for_capture(5, 1255620670, "flowbox-a", true);
        auto w = flowfile::Writer::create(cap / ("tmp-" + name), h,
                                          {.flush_interval = std::chrono::milliseconds(0)});
        std::vector<flowfile::Record> records(100);
        for (std::size_t i = 0; i < records.size(); ++i)
            records[i].srcaddr = 0x0a000000u + static_cast<std::uint32_t>(i);
        w->write(records);
        w->flush();
    }
    fs::create_directories(cap / ("ix-ft-" + names[1]) / "in-the-way");
    const fs::path status = dir / "status";
    const auto port = free_udp_port();
    auto capture = start_foreground_capture({"-V", "5", "-n", "0", "-N", "0", "--status-file",
                                             status.string(), "-w", cap.string(), listen_arg(port)},
                                            dir / "capture.stderr");
    REQUIRE(poll_until([&] { return !flowkeep_e2e::read_status(status)["current_file"].empty(); },
                       20s));
    capture->signal(SIGTERM);
    REQUIRE(capture->wait() == 0);
    INFO(capture->stderr_text());
    CHECK_THAT(capture->stderr_text(), Catch::Contains("ft-" + names[1] + ": no index written ("));
    CHECK(fs::exists(cap / ("ix-ft-" + names[0])));
    CHECK(fs::exists(cap / ("ft-" + names[1])));
    // The first leftover's index and the index of the file this run wrote;
    // the second leftover's failure.
    CHECK(status_number(status, "index_files_written") == 2);
    CHECK(status_number(status, "index_failures") == 1);
}
