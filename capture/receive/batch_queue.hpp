#pragma once

// A bounded hand-over between the receiving and the writing thread.  All
// batches are allocated up front; the receiver takes an empty one from the
// pool, fills it and pushes it; the writer pops, writes and releases it.  When
// the pool is empty the writer is behind: the receiver must count what it
// cannot keep instead of allocating more (memory stays bounded, loss is never
// silent).

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "flow_batch.hpp"

namespace capture {

class BatchQueue {
  public:
    BatchQueue(std::size_t batches, std::size_t records_per_batch);

    // An empty batch, or nullptr when every batch is in flight.  Never blocks.
    std::unique_ptr<FlowBatch> acquire();
    // Hands a filled batch to the writer.
    void push(std::unique_ptr<FlowBatch> batch);
    // The oldest filled batch, or nullptr after `timeout` (or once closed and
    // drained).
    std::unique_ptr<FlowBatch> pop(std::chrono::milliseconds timeout);
    // Returns a written batch to the pool.
    void release(std::unique_ptr<FlowBatch> batch);
    // Wakes a waiting pop(); after close, pop() returns what is left, then nullptr.
    void close();

    std::size_t capacity() const { return capacity_; }
    std::size_t records_per_batch() const { return records_per_batch_; }
    // Filled batches waiting for the writer.
    std::size_t waiting() const;

  private:
    const std::size_t capacity_;
    const std::size_t records_per_batch_;
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::vector<std::unique_ptr<FlowBatch>> pool_;
    std::deque<std::unique_ptr<FlowBatch>> filled_;
    bool closed_ = false;
};

}  // namespace capture
