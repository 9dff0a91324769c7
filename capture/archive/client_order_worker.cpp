#include "client_order_worker.hpp"

#include <exception>
#include <utility>

namespace capture {

ClientOrderWorker::ClientOrderWorker(flowfile::ClientNetworks networks)
    : networks_(std::move(networks)), thread_([this] { run(); }) {}

ClientOrderWorker::~ClientOrderWorker() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

bool ClientOrderWorker::submit(Job job) {
    {
        std::lock_guard lock(mutex_);
        if (waiting_.size() >= max_waiting) return false;
        waiting_.push_back(std::move(job));
    }
    wake_.notify_one();
    return true;
}

std::vector<ClientOrderWorker::Done> ClientOrderWorker::take_done() {
    std::lock_guard lock(mutex_);
    return std::exchange(done_, {});
}

std::size_t ClientOrderWorker::pending() const {
    std::lock_guard lock(mutex_);
    return waiting_.size() + (busy_ ? 1 : 0) + done_.size();
}

void ClientOrderWorker::wait_idle() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [this] { return waiting_.empty() && !busy_; });
}

void ClientOrderWorker::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
        if (waiting_.empty()) return;  // stopping, nothing left
        Job job = std::move(waiting_.front());
        waiting_.pop_front();
        busy_ = true;
        lock.unlock();
        Done done{.job = std::move(job), .ordered = std::nullopt, .problem = {}};
        try {
            done.ordered = rewrite_in_client_order(done.job.path, done.job.file.records, networks_,
                                                   done.job.options, done.job.counters);
        } catch (const std::exception& e) {
            done.problem = e.what();
        }
        lock.lock();
        done_.push_back(std::move(done));
        busy_ = false;
        if (waiting_.empty()) idle_.notify_all();
    }
}

}  // namespace capture
