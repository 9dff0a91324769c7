#include "batch_queue.hpp"

namespace capture {

BatchQueue::BatchQueue(std::size_t batches, std::size_t records_per_batch)
    : capacity_(batches), records_per_batch_(records_per_batch) {
    pool_.reserve(batches);
    for (std::size_t i = 0; i < batches; ++i) {
        auto b = std::make_unique<FlowBatch>();
        b->records.reserve(records_per_batch);
        pool_.push_back(std::move(b));
    }
}

std::unique_ptr<FlowBatch> BatchQueue::acquire() {
    std::lock_guard lock(mutex_);
    if (pool_.empty()) return nullptr;
    auto b = std::move(pool_.back());
    pool_.pop_back();
    return b;
}

void BatchQueue::push(std::unique_ptr<FlowBatch> batch) {
    {
        std::lock_guard lock(mutex_);
        filled_.push_back(std::move(batch));
    }
    ready_.notify_one();
}

std::unique_ptr<FlowBatch> BatchQueue::pop(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    ready_.wait_for(lock, timeout, [this] { return !filled_.empty() || closed_; });
    if (filled_.empty()) return nullptr;
    auto b = std::move(filled_.front());
    filled_.pop_front();
    return b;
}

void BatchQueue::release(std::unique_ptr<FlowBatch> batch) {
    batch->clear();
    std::lock_guard lock(mutex_);
    pool_.push_back(std::move(batch));
}

void BatchQueue::close() {
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
    }
    ready_.notify_all();
}

std::size_t BatchQueue::waiting() const {
    std::lock_guard lock(mutex_);
    return filled_.size();
}

}  // namespace capture
