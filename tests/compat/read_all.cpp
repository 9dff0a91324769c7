#include "read_all.hpp"

#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "output/flow_export_text.hpp"
#include "support/files.hpp"

using namespace flowquery;

namespace flowkeep_compat {

ReadAll read_all(flowfile::Reader& reader) {
    ReadAll out;
    out.name = reader.name();
    out.header = reader.header();
    for (auto batch = reader.next_batch(); !batch.empty(); batch = reader.next_batch())
        out.records.insert(out.records.end(), batch.begin(), batch.end());
    out.status = reader.status();
    return out;
}

ReadAll read_file(const std::filesystem::path& p) {
    return read_all(*flowfile::Reader::open(p));
}

namespace {

// Owns both ends of a pipe and the thread writing into it, so that every
// exit from read_through_pipe (including a throwing Reader) joins the thread.
class PipeFeed {
  public:
    explicit PipeFeed(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)) {
        int fds[2];
        if (::pipe(fds) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
        read_fd_ = fds[0];
        write_fd_ = fds[1];
        writer_ = std::thread([this] { feed(); });
    }
    ~PipeFeed() {
        // The reader may stop early (bad header, end of zlib stream): drain
        // the rest so the writer is never blocked, and no SIGPIPE is raised.
        char sink[4096];
        while (::read(read_fd_, sink, sizeof sink) > 0) {
        }
        writer_.join();
        ::close(read_fd_);
    }
    PipeFeed(const PipeFeed&) = delete;
    PipeFeed& operator=(const PipeFeed&) = delete;

    int read_fd() const { return read_fd_; }

  private:
    void feed() {
        std::size_t done = 0;
        while (done < bytes_.size()) {
            const ssize_t n = ::write(write_fd_, bytes_.data() + done, bytes_.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            done += static_cast<std::size_t>(n);
        }
        ::close(write_fd_);
    }

    std::vector<std::uint8_t> bytes_;
    int read_fd_ = -1;
    int write_fd_ = -1;
    std::thread writer_;
};

}  // namespace

ReadAll read_through_pipe(const std::filesystem::path& p) {
    PipeFeed feed(flowkeep_test::slurp(p));
    return read_all(*flowfile::Reader::from_fd(feed.read_fd(), "pipe:" + p.string()));
}

std::string describe_record_difference(std::uint16_t export_version,
                                       const std::vector<flowfile::Record>& expected,
                                       const std::vector<flowfile::Record>& actual) {
    const std::size_t n = std::min(expected.size(), actual.size());
    std::size_t i = 0;
    while (i < n && expected[i] == actual[i]) ++i;
    if (i == n && expected.size() == actual.size()) return {};
    const auto row = [&](const std::vector<flowfile::Record>& v) {
        return i < v.size() ? render_export_f2_row(export_version, v[i]) : std::string("(none)");
    };
    std::string out =
        "record " + std::to_string(i) + ": expected " + row(expected) + ", got " + row(actual);
    // Byte 55 (pad, v7 flags) is stored but never exported.
    if (i < n && row(expected) == row(actual)) out += " (differ only in unexported fields)";
    return out + " (expected " + std::to_string(expected.size()) + " records, got " +
           std::to_string(actual.size()) + ")";
}

}  // namespace flowkeep_compat
