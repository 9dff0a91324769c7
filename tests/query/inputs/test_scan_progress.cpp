// The progress line: what it says, how often it is drawn, that it leaves
// nothing behind, and that a disabled one draws and installs nothing.
//
// The clock cannot be injected, so the only wait is for the first line (a
// quarter of a second); "not drawn again" is asserted only when the calls
// provably came within the quarter second.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "inputs/scan_progress.hpp"
#include "support/files.hpp"
#include "support/temp_dir.hpp"

using namespace flowquery;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using flowkeep_test::TempDir;

namespace {

constexpr std::string_view erase_line = "\r\033[K";
constexpr auto redraw_interval = 250ms;

// Sends standard error to a file while it lives.
class StderrCapture {
  public:
    explicit StderrCapture(const std::filesystem::path& file) : file_(file) {
        std::fflush(stderr);
        saved_ = ::dup(STDERR_FILENO);
        const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(fd, STDERR_FILENO);
        ::close(fd);
    }
    ~StderrCapture() { restore(); }
    StderrCapture(const StderrCapture&) = delete;
    StderrCapture& operator=(const StderrCapture&) = delete;

    // What has been written so far.
    std::string text() const {
        std::fflush(stderr);
        const auto bytes = flowkeep_test::slurp(file_);
        return std::string(bytes.begin(), bytes.end());
    }
    void restore() {
        if (saved_ < 0) return;
        std::fflush(stderr);
        ::dup2(saved_, STDERR_FILENO);
        ::close(saved_);
        saved_ = -1;
    }

  private:
    std::filesystem::path file_;
    int saved_ = -1;
};

struct FirstLine {
    std::string text;
    Clock::time_point before_drawing;  // when the call that drew it began
};

// Calls maybe_print() until something is drawn; the first line is due a
// quarter second after construction.
FirstLine wait_for_line(ScanProgress& progress, const StderrCapture& err) {
    const auto deadline = Clock::now() + 10s;
    for (;;) {
        const auto before = Clock::now();
        progress.maybe_print();
        std::string text = err.text();
        if (!text.empty() || before > deadline) return {std::move(text), before};
        std::this_thread::sleep_for(2ms);
    }
}

void (*handler_of(int signal))(int) {
    struct sigaction now {};
    ::sigaction(signal, nullptr, &now);
    return now.sa_handler;
}

void test_handler(int) {}

// The status of a child that runs `body` with stderr in `file`.
template <typename Body>
int run_child(const std::filesystem::path& file, Body body) {
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(fd, STDERR_FILENO);
        ::close(fd);
        body();
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
}

std::string file_text(const std::filesystem::path& p) {
    const auto bytes = flowkeep_test::slurp(p);
    return std::string(bytes.begin(), bytes.end());
}

}  // namespace

TEST_CASE("disabled: nothing is drawn, cleared or installed") {
    TempDir dir;
    const auto int_before = handler_of(SIGINT);
    const auto term_before = handler_of(SIGTERM);
    StderrCapture err(dir / "stderr");
    const auto started = Clock::now();
    {
        ScanProgress progress(false, 3);
        CHECK(handler_of(SIGINT) == int_before);
        CHECK(handler_of(SIGTERM) == term_before);
        progress.add_flows(1000);
        progress.file_done();
        // Past the first line's time, so a disabled check is all that stops it.
        while (Clock::now() - started < redraw_interval + 20ms) {
            progress.maybe_print();
            std::this_thread::sleep_for(2ms);
        }
    }
    CHECK(err.text().empty());
}

TEST_CASE("nothing is drawn in the first quarter second, and nothing is left to clear") {
    TempDir dir;
    StderrCapture err(dir / "stderr");
    const auto started = Clock::now();
    bool in_time = false;
    {
        ScanProgress progress(true, 4);
        progress.add_flows(10);
        progress.maybe_print();
        in_time = Clock::now() - started < redraw_interval;
    }
    // No line was drawn, so the end writes no erase sequence either.
    if (in_time) CHECK(err.text().empty());
    if (!in_time) WARN("one call took a quarter second on this machine: not checked");
}

TEST_CASE("the line: files done of all, flows and rate in millions, drawn over, then erased") {
    TempDir dir;
    StderrCapture err(dir / "stderr");
    const auto started = Clock::now();
    std::string line;
    std::string after_second_call;
    bool second_call_in_time = false;
    {
        ScanProgress progress(true, 96);
        // Workers count from their own threads.
        std::vector<std::thread> workers;
        for (int w = 0; w < 4; ++w)
            workers.emplace_back([&progress, w] {
                for (int f = 0; f < 9 + (w == 0); ++f) {
                    progress.add_flows(975'000);
                    progress.file_done();
                }
            });
        for (auto& t : workers) t.join();

        const FirstLine first = wait_for_line(progress, err);
        line = first.text;
        const auto drawn = Clock::now();
        progress.maybe_print();
        second_call_in_time = Clock::now() - first.before_drawing < redraw_interval;
        after_second_call = err.text();

        const double elapsed = std::chrono::duration<double>(drawn - started).count();
        std::smatch m;
        const std::regex form("\r\033\\[K37/96 files, 36\\.1 M flows, ([0-9]+\\.[0-9]) M flows/s");
        REQUIRE(std::regex_match(line, m, form));
        // The rate is flows over the time since the scan started: at least a
        // quarter second, at most until the line was seen.
        const double rate = std::stod(m[1]);
        CHECK(rate <= 36.075 / 0.25 + 0.05);
        CHECK(rate >= 36.075 / elapsed - 0.05);
    }
    if (second_call_in_time) CHECK(after_second_call == line);
    CHECK(err.text() == line + std::string(erase_line));
    CHECK(err.text().find('\n') == std::string::npos);
}

TEST_CASE("enabled, the signal actions are replaced while it lives and put back after") {
    struct sigaction mine {};
    mine.sa_handler = test_handler;
    ::sigemptyset(&mine.sa_mask);
    struct sigaction old_int {};
    struct sigaction old_term {};
    ::sigaction(SIGINT, &mine, &old_int);
    ::sigaction(SIGTERM, &mine, &old_term);
    {
        ScanProgress progress(true, 1);
        CHECK(handler_of(SIGINT) != test_handler);
        CHECK(handler_of(SIGINT) != SIG_DFL);
        CHECK(handler_of(SIGTERM) != test_handler);
        CHECK(handler_of(SIGTERM) != SIG_DFL);
    }
    CHECK(handler_of(SIGINT) == test_handler);
    CHECK(handler_of(SIGTERM) == test_handler);
    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigaction(SIGTERM, &old_term, nullptr);
}

TEST_CASE("an ignored signal stays ignored (nohup, a background job)") {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    ::sigemptyset(&ignore.sa_mask);
    struct sigaction old_int {};
    ::sigaction(SIGINT, &ignore, &old_int);
    {
        ScanProgress progress(true, 1);
        CHECK(handler_of(SIGINT) == SIG_IGN);
        CHECK(handler_of(SIGTERM) != SIG_IGN);
    }
    CHECK(handler_of(SIGINT) == SIG_IGN);
    ::sigaction(SIGINT, &old_int, nullptr);
}

TEST_CASE("SIGTERM while the line is shown erases it and still ends the process") {
    TempDir dir;
    const auto out = dir / "stderr";
    const int status = run_child(out, [] {
        ScanProgress progress(true, 2);
        progress.file_done();
        const auto deadline = Clock::now() + 10s;
        struct stat st {};
        while ((::fstat(STDERR_FILENO, &st), st.st_size == 0) && Clock::now() < deadline) {
            progress.maybe_print();
            std::this_thread::sleep_for(2ms);
        }
        ::raise(SIGTERM);
        ::_exit(0);  // not reached when the default action ends the process
    });
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGTERM);
    const std::string text = file_text(out);
    CHECK_THAT(text, Catch::StartsWith("\r\033[K1/2 files, 0.0 M flows, "));
    CHECK_THAT(text, Catch::EndsWith(std::string(erase_line)));
}

TEST_CASE("SIGINT before any line writes nothing and still ends the process") {
    TempDir dir;
    const auto out = dir / "stderr";
    const int status = run_child(out, [] {
        ScanProgress progress(true, 2);
        ::raise(SIGINT);
        ::_exit(0);
    });
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGINT);
    CHECK(file_text(out).empty());
}
