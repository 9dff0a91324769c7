// What a sanitizer reports in a daemon a test started reaches the test: a
// daemon with a leak (faulty_daemon.cpp), started and stopped the way the
// tests start and stop flow-capture's, leaves a report that CaptureProcess's
// check fails on, naming the file.  Without the sanitizers nothing appears
// and the check passes.

#include <catch2/catch.hpp>

#include <unistd.h>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <thread>

#include "capture_process.hpp"
#include "support/temp_dir.hpp"

using flowkeep_e2e::CaptureProcess;
using flowkeep_e2e::read_text;
using flowkeep_test::TempDir;

TEST_CASE("a sanitizer report in a daemon reaches the test that started it", "[e2e][sanitizer]") {
    TempDir dir;
    CaptureProcess parent({(dir / "pid").string()}, dir / "err", FAULTY_DAEMON_BIN);
    REQUIRE(parent.wait() == 0);
    const pid_t daemon = std::stoi(read_text(dir / "pid"));
    // What stop_daemon does, with the reports taken by this test instead of
    // failing it.
    ::kill(daemon, SIGTERM);
    for (int i = 0; i < 500 && ::kill(daemon, 0) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE(::kill(daemon, 0) != 0);
    const std::string reports = parent.new_sanitizer_reports();
#ifdef FLOWKEEP_SANITIZE
    CHECK_THAT(reports, Catch::StartsWith("sanitizer report ") &&
                            Catch::Contains("/asan." + std::to_string(daemon) + ":\n") &&
                            Catch::Contains("ERROR: LeakSanitizer: detected memory leaks"));
#else
    CHECK(reports.empty());
#endif
    CHECK(parent.new_sanitizer_reports().empty());  // each report fails the test once
}
