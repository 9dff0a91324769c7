#include <catch2/catch.hpp>

#include <thread>

#include "receive/batch_queue.hpp"

using capture::BatchQueue;
using namespace std::chrono_literals;

TEST_CASE("the queue hands batches over in order and never allocates more", "[capture][queue]") {
    BatchQueue q(3, 100);
    std::vector<std::unique_ptr<capture::FlowBatch>> taken;
    for (int i = 0; i < 3; ++i) {
        auto b = q.acquire();
        REQUIRE(b);
        CHECK(b->records.capacity() >= 100);
        b->export_version = static_cast<std::uint16_t>(i + 1);
        taken.push_back(std::move(b));
    }
    CHECK_FALSE(q.acquire());  // all in flight: the receiver must count a drop
    for (auto& b : taken) q.push(std::move(b));
    CHECK(q.waiting() == 3);
    for (int i = 0; i < 3; ++i) {
        auto b = q.pop(0ms);
        REQUIRE(b);
        CHECK(b->export_version == i + 1);
        q.release(std::move(b));
    }
    CHECK_FALSE(q.pop(1ms));
    auto again = q.acquire();
    REQUIRE(again);
    CHECK(again->export_version == 0);  // released batches come back cleared
}

TEST_CASE("close wakes a waiting consumer", "[capture][queue]") {
    BatchQueue q(1, 1);
    std::thread closer([&] {
        std::this_thread::sleep_for(20ms);
        q.close();
    });
    const auto start = std::chrono::steady_clock::now();
    CHECK_FALSE(q.pop(10s));
    CHECK(std::chrono::steady_clock::now() - start < 5s);
    closer.join();
}
