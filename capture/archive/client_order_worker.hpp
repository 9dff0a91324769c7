#pragma once

// flow-capture --client-networks writes each finished file again in client
// order (client_order_rewrite).  That copy costs about as much CPU as the
// file's first writing (it is compressed again) and takes seconds to minutes
// for a busy period, so it runs on a thread of its own: the writing thread
// goes on into the next file instead of letting the queue from the socket
// overflow.  A file keeps its tmp- name until its copy is done; the archiver
// then renames it and writes its index as for any finished file.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "client_order_rewrite.hpp"
#include "flowfile/client_order.hpp"
#include "flowfile/writer.hpp"
#include "series_file.hpp"

namespace capture {

class ClientOrderWorker {
  public:
    struct Job {
        std::filesystem::path path;  // the finished tmp- file
        flowfile::WriterOptions options;
        flowfile::CloseCounters counters;
        FinishedFile file;  // as finished in arrival order
        bool final_close = false;
    };
    struct Done {
        Job job;
        // The copy in place of the file; nullopt when it failed (`problem`
        // says why, and the file is as it was).
        std::optional<ClientOrdered> ordered;
        std::string problem;
    };

    // At most this many files wait for the thread besides the one it is
    // ordering: one period's file of each series.  A thread that falls
    // further behind (the traffic outgrew one core) would let tmp- files
    // pile up, so submit() refuses and the file stays in arrival order.
    static constexpr std::size_t max_waiting = 2;

    explicit ClientOrderWorker(flowfile::ClientNetworks networks);
    // Orders what it was given (a stop waits for it), then ends the thread;
    // results not taken are dropped: their tmp- files are complete and
    // recovered at the next start.
    ~ClientOrderWorker();
    ClientOrderWorker(const ClientOrderWorker&) = delete;
    ClientOrderWorker& operator=(const ClientOrderWorker&) = delete;

    // False when max_waiting files wait already.
    bool submit(Job job);
    // The files ordered (or failed) since the last call, in submission order.
    std::vector<Done> take_done();
    // Submitted and not yet taken.
    std::size_t pending() const;
    // Blocks until every submitted file is done (SIGTERM, tests).
    void wait_idle();

  private:
    void run();

    const flowfile::ClientNetworks networks_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable idle_;
    std::deque<Job> waiting_;
    std::vector<Done> done_;
    bool busy_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace capture
