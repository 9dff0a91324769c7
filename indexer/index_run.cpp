#include "index_run.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

namespace flowindex {

std::vector<JobResult> run_jobs(const std::vector<std::string>& files, const JobSettings& settings,
                                unsigned threads) {
    std::vector<JobResult> results(files.size());
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, files.size()));
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t i = next++; i < files.size(); i = next++)
            results[i] = run_job(files[i], settings);
    };
    std::vector<std::jthread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    if (threads > 0) work();
    for (auto& t : pool) t.join();
    return results;
}

}  // namespace flowindex
