#pragma once

// Runs a program as a shell would (flow-capture-status as cron or Nagios
// runs it, flow-capture --version): its exit code and its stdout.

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <cstdio>
#include <string>

namespace flowkeep_e2e {

struct CommandOutput {
    int exit_code = -1;
    std::string out;
};

// Runs `program` with `arguments` (already shell-quoted); stdout only.
inline CommandOutput run_command(const std::string& program, const std::string& arguments) {
    const std::string command = program + " " + arguments;
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    CommandOutput r;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, pipe)) r.out += buf;
    const int status = ::pclose(pipe);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

inline CommandOutput run_status_check(const std::string& arguments) {
    return run_command(FLOW_CAPTURE_STATUS_BIN, arguments);
}

}  // namespace flowkeep_e2e
