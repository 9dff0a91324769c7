// The output buffer: everything appended reaches the descriptor, complete and
// in order, in large writes; a descriptor that refuses data is an error the
// tool sees, never output silently lost.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>

#include "output/output_buffer.hpp"
#include "support/files.hpp"
#include "support/precondition.hpp"
#include "support/temp_dir.hpp"

using namespace flowquery;
using namespace std::chrono_literals;
using flowkeep_test::TempDir;

namespace {

// Above the size at which the buffer writes (64 KiB today): the tests cross
// it several times without depending on where exactly it lies.
constexpr std::size_t well_past_flush_size = 1 << 20;

std::string file_text(const std::filesystem::path& p) {
    const auto bytes = flowkeep_test::slurp(p);
    return std::string(bytes.begin(), bytes.end());
}

int create_file(const std::filesystem::path& p) {
    return ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
}

// "000000 a line of output\n"...: every line different, so a lost, repeated
// or reordered piece shows.
std::string numbered_line(std::size_t n) {
    std::string line = std::to_string(n);
    line.insert(0, 6 - std::min<std::size_t>(6, line.size()), '0');
    return line + " flow " + std::string(n % 97, 'x') + '\n';
}

// Sets a signal's action for the test and puts the old one back.
class ScopedSignalAction {
  public:
    ScopedSignalAction(int signal, void (*handler)(int)) : signal_(signal) {
        struct sigaction sa {};
        sa.sa_handler = handler;
        ::sigemptyset(&sa.sa_mask);
        sa.sa_flags = 0;  // no SA_RESTART: a blocked write() returns EINTR
        ::sigaction(signal_, &sa, &old_);
    }
    ~ScopedSignalAction() { ::sigaction(signal_, &old_, nullptr); }
    ScopedSignalAction(const ScopedSignalAction&) = delete;
    ScopedSignalAction& operator=(const ScopedSignalAction&) = delete;

  private:
    int signal_;
    struct sigaction old_ {};
};

struct Pipe {
    int read_end = -1;
    int write_end = -1;
    Pipe() {
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        read_end = fds[0];
        write_end = fds[1];
    }
    ~Pipe() {
        close_read();
        close_write();
    }
    void close_read() {
        if (read_end >= 0) ::close(read_end);
        read_end = -1;
    }
    void close_write() {
        if (write_end >= 0) ::close(write_end);
        write_end = -1;
    }
    // Everything until the write end is closed, in small reads.
    std::string drain() {
        std::string got;
        char buf[1000];
        for (;;) {
            const ssize_t n = ::read(read_end, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return got;
            got.append(buf, static_cast<std::size_t>(n));
        }
    }
};

std::string error_of(OutputBuffer& out, bool* broken_pipe = nullptr) {
    try {
        out.flush();
    } catch (const OutputError& e) {
        if (broken_pipe) *broken_pipe = e.broken_pipe();
        return e.what();
    }
    return "no error";
}

void interrupted(int) {}

}  // namespace

TEST_CASE("text appended in small pieces arrives complete and in order across many flushes") {
    TempDir dir;
    const auto path = dir / "out";
    const int fd = create_file(path);
    REQUIRE(fd >= 0);
    std::string expected;
    {
        OutputBuffer out(fd);
        for (std::size_t n = 0; expected.size() < 5 * well_past_flush_size; ++n) {
            const std::string line = numbered_line(n);
            expected += line;
            // Both ways the tools add text.
            if (n % 2) {
                out.append(line);
            } else {
                out.text() += line;
            }
            out.maybe_flush();
        }
        out.flush();
        CHECK(file_text(path) == expected);
    }
    ::close(fd);
}

TEST_CASE("maybe_flush leaves a little text in memory, flush and the end write it") {
    TempDir dir;
    const auto path = dir / "out";
    const int fd = create_file(path);
    REQUIRE(fd >= 0);
    {
        OutputBuffer out(fd);
        out.append("one line\n");
        out.maybe_flush();
        // Not a write(2) per line.
        CHECK(file_text(path).empty());
        out.flush();
        CHECK(file_text(path) == "one line\n");
        out.flush();  // nothing more to write
        CHECK(file_text(path) == "one line\n");
        out.append("the last line\n");
    }
    CHECK(file_text(path) == "one line\nthe last line\n");
    ::close(fd);
}

TEST_CASE("maybe_flush writes once the text is large") {
    TempDir dir;
    const auto path = dir / "out";
    const int fd = create_file(path);
    REQUIRE(fd >= 0);
    OutputBuffer out(fd);
    const std::string big(well_past_flush_size, 'b');
    out.append(big);
    out.maybe_flush();
    CHECK(file_text(path) == big);
    ::close(fd);
}

TEST_CASE("a write larger than a pipe holds arrives whole while the reader takes small pieces") {
    Pipe pipe;
    std::string expected;
    for (std::size_t n = 0; expected.size() < 3 * well_past_flush_size; ++n)
        expected += numbered_line(n);
    std::string got;
    std::thread reader([&] { got = pipe.drain(); });
    {
        OutputBuffer out(pipe.write_end, "pipe");
        out.append(expected);  // one piece, far more than the pipe's 64 KiB
        out.flush();
    }
    pipe.close_write();
    reader.join();
    CHECK(got.size() == expected.size());
    CHECK(got == expected);
}

TEST_CASE("a pipe whose reader went away: OutputError marked as a broken pipe") {
    const ScopedSignalAction ignore_sigpipe(SIGPIPE, SIG_IGN);
    Pipe pipe;
    pipe.close_read();
    OutputBuffer out(pipe.write_end);
    out.append("lost\n");
    bool broken_pipe = false;
    CHECK(error_of(out, &broken_pipe) == "standard output: write failed: Broken pipe");
    CHECK(broken_pipe);
}

TEST_CASE("a full disk: OutputError naming the output, not a broken pipe") {
    const int fd = ::open("/dev/full", O_WRONLY);
    if (!flowkeep_test::precondition(fd >= 0, "/dev/full")) return;
    {
        OutputBuffer out(fd, "out.csv");
        out.append(std::string(well_past_flush_size, 'x'));
        bool broken_pipe = true;
        CHECK(error_of(out, &broken_pipe) == "out.csv: write failed: No space left on device");
        CHECK_FALSE(broken_pipe);
        // Also when the buffer decides to write.
        out.append(std::string(well_past_flush_size, 'y'));
        CHECK_THROWS_AS(out.maybe_flush(), OutputError);
        // The end, which cannot report, does not throw either: a tool that
        // already failed must not terminate() on its way out.
        out.append("pending\n");
    }
    ::close(fd);
}

TEST_CASE("a descriptor that is not open: OutputError") {
    TempDir dir;
    const int fd = create_file(dir / "out");
    REQUIRE(fd >= 0);
    ::close(fd);
    OutputBuffer out(fd);
    out.append("x");
    CHECK(error_of(out) == "standard output: write failed: Bad file descriptor");
}

TEST_CASE("a signal that interrupts a blocked write loses nothing") {
    const ScopedSignalAction handler(SIGUSR1, interrupted);
    Pipe pipe;
    // Fill the pipe, so that the buffer's write blocks before writing a byte.
    const int flags = ::fcntl(pipe.write_end, F_GETFL);
    ::fcntl(pipe.write_end, F_SETFL, flags | O_NONBLOCK);
    std::string filler;
    for (;;) {
        const std::string piece(4096, 'f');
        const ssize_t n = ::write(pipe.write_end, piece.data(), piece.size());
        if (n <= 0) break;
        filler.append(piece, 0, static_cast<std::size_t>(n));
    }
    ::fcntl(pipe.write_end, F_SETFL, flags);

    const std::string text = numbered_line(1) + numbered_line(2);
    std::optional<std::string> error;
    std::atomic<bool> done{false};
    std::thread writer([&] {
        OutputBuffer out(pipe.write_end, "pipe");
        out.append(text);
        try {
            out.flush();
        } catch (const OutputError& e) {
            error = e.what();
        }
        done = true;
    });
    // Interrupt it a few times; a signal that comes before the write blocks
    // does no harm, one that comes during it makes write() fail with EINTR.
    for (int i = 0; i < 10 && !done; ++i) {
        ::pthread_kill(writer.native_handle(), SIGUSR1);
        std::this_thread::sleep_for(1ms);
    }
    std::string got;
    std::thread reader([&] { got = pipe.drain(); });
    writer.join();
    pipe.close_write();
    reader.join();
    CHECK_FALSE(error);
    CHECK(got == filler + text);
}
