// The archiver's block index (flow-index(5)): each finished file of either
// series gets an ix- file beside it under its final name, describing exactly
// the records the file holds, before the -R program runs; an index that
// cannot be written is logged and counted and harms nothing; expiry takes
// it with its file; --index-block 0 writes none.

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>

#include "archiver_harness.hpp"

using namespace archiver_test;

TEST_CASE("a finished file gets its ix- index beside it, describing every flow it holds",
          "[capture][archiver][index]") {
    const int level = GENERATE(-1, 0);
    INFO("-z " << level);
    Harness h(indexed(1024, level));
    // Batches that do not end where blocks do.
    for (std::uint32_t first = 0; first < 3000; first += 1000)
        REQUIRE(h.archiver->accept(batch_of(1000, 0, first), t0));
    h.archiver->tick(t0 + 100);  // past 00:00: finished and renamed
    const std::string ix = "2009/2009-10/2009-10-15/ix-ft-v05.2009-10-15.235830+0000";
    const std::vector<std::string> files = h.files();
    CHECK(std::count(files.begin(), files.end(), first_v5) == 1);
    CHECK(std::count(files.begin(), files.end(), ix) == 1);
    const auto [header, records] = read_back<Reader>(h.dir / first_v5);
    CHECK(records.size() == 3000);
    check_index(h.dir / first_v5, header, records, 1024);
    CHECK(h.archiver->index_files_written() == 1);
    CHECK(h.archiver->index_failures() == 0);
}

TEST_CASE("the IPv6 file gets its own index, as the flow-tools file beside it does",
          "[capture][archiver][index]") {
    Harness h(indexed(512));
    REQUIRE(h.archiver->accept(batch_of(10, 1300), t0));
    REQUIRE(h.archiver->accept(batch_of(0, 200, 1300), t0 + 1));
    h.archiver->shutdown(t0 + 2);
    const auto v5 = read_back<Reader>(h.dir / first_v5);
    check_index(h.dir / first_v5, v5.first, v5.second, 512);
    const auto v6 = read_back<Reader6>(h.dir / first_ip6);
    CHECK(v6.second.size() == 1500);
    CHECK(fs::exists(h.dir / "2009/2009-10/2009-10-15/ix-ip6.2009-10-15.235830+0000"));
    check_index(h.dir / first_ip6, v6.first, v6.second, 512);
    CHECK(h.archiver->index_files_written() == 2);
}

TEST_CASE("a file without flows gets an index of no block", "[capture][archiver][index]") {
    Harness h(indexed());
    h.archiver->tick(t0);  // -V 5: created without traffic
    h.archiver->shutdown(t0 + 1);
    const auto [header, records] = read_back<Reader>(h.dir / first_v5);
    check_index(h.dir / first_v5, header, records, 1024);
}

TEST_CASE("block size 0 writes no index and no block points", "[capture][archiver][index]") {
    Harness h(indexed(0));
    REQUIRE(h.archiver->accept(batch_of(3000, 5), t0));
    h.archiver->shutdown(t0 + 1);
    CHECK(h.files() == std::vector<std::string>{first_v5, first_ip6});
    CHECK(read_back<Reader>(h.dir / first_v5).second.size() == 3000);
    CHECK(read_back<Reader6>(h.dir / first_ip6).second.size() == 5);
    CHECK(BlockIndex::open(h.dir / first_v5).problem == IndexProblem::missing);
    CHECK(h.archiver->index_files_written() == 0);
    CHECK(h.archiver->index_failures() == 0);
}

TEST_CASE("the post-rotate program finds the index of its file", "[capture][archiver][index]") {
    TempDir scratch;
    const fs::path script = scratch / "post.sh";
    const fs::path out = scratch / "seen.txt";
    Harness h;
    {
        std::ofstream f(script);
        f << "#!/bin/sh\ncd " << h.dir.path().string()
          << " || exit 1\nix=\"$(dirname \"$1\")/ix-$(basename \"$1\")\"\n"
          << "if [ -s \"$ix\" ]; then echo \"index $ix\"; else echo \"none $ix\"; fi >> "
          << out.string() << "\n";
    }
    fs::permissions(script, fs::perms::owner_all);
    ArchiverSettings s = indexed();
    s.post_rotate_program = script.string();
    h.start(s);
    REQUIRE(h.archiver->accept(batch_of(10, 0), t0));
    h.archiver->tick(t0 + 100);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::string written;
    while (std::chrono::steady_clock::now() < deadline) {
        std::ifstream in(out);
        written.assign(std::istreambuf_iterator<char>(in), {});
        if (!written.empty() && written.back() == '\n') break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(written == "index 2009/2009-10/2009-10-15/ix-ft-v05.2009-10-15.235830+0000\n");
}

TEST_CASE("an index that cannot be written is logged once and harms neither file nor capture",
          "[capture][archiver][index]") {
    Harness h(indexed());
    // A directory where the index goes: its rename cannot replace it.
    const fs::path in_the_way = h.dir / "2009/2009-10/2009-10-15/ix-ft-v05.2009-10-15.235830+0000";
    fs::create_directories(in_the_way);
    REQUIRE(h.archiver->accept(batch_of(2000, 0), t0));
    h.archiver->tick(t0 + 100);  // finishes the first file, opens the next
    CHECK(h.archiver->index_failures() == 1);
    CHECK(h.archiver->index_files_written() == 0);
    CHECK(h.logged(first_v5 + ": no index written (") == 1);
    CHECK(h.logged("flow-index can build its index later") == 1);
    CHECK_FALSE(h.archiver->blocked());
    const auto [header, records] = read_back<Reader>(h.dir / first_v5);
    CHECK(header.done());
    CHECK(records.size() == 2000);
    CHECK(BlockIndex::open(h.dir / first_v5).problem != IndexProblem::none);

    // The capture goes on, and the next file gets its index.
    REQUIRE(h.archiver->accept(batch_of(5, 0), t0 + 101));
    h.archiver->shutdown(t0 + 102);
    CHECK(h.archiver->index_files_written() == 1);
    CHECK(h.archiver->index_failures() == 1);
    const std::string second = "2009/2009-10/2009-10-16/ft-v05.2009-10-16.000010+0000";
    const auto next = read_back<Reader>(h.dir / second);
    check_index(h.dir / second, next.first, next.second, 1024);
}

TEST_CASE("expiry removes the index with its file", "[capture][archiver][index]") {
    ArchiverSettings s = indexed();
    s.expiry.max_files = 2;
    Harness h(s);
    h.archiver->start_expiry();
    for (int i = 0; i < 4; ++i) {
        h.archiver->accept(batch_of(3, 0), t0 + i * 400);
        h.archiver->tick(t0 + i * 400 + 350);
    }
    h.archiver->shutdown(t0 + 1700);
    std::size_t data = 0, indexes = 0;
    for (const std::string& f : h.files()) {
        const std::string name = fs::path(f).filename().string();
        INFO(f);
        if (is_index_file_name(name)) {
            ++indexes;
            // Never an index without its file.
            const std::string data_name = name.substr(index_name_prefix.size());
            CHECK(fs::exists(h.dir / fs::path(f).parent_path() / data_name));
        } else {
            ++data;
        }
    }
    CHECK(h.logged("remove/1 ") == 2);
    CHECK(data == 3);
    CHECK(indexes == 3);
}
