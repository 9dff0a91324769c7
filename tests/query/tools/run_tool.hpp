#pragma once

// Runs a query tool binary the way an operator does, through the shell, and
// captures what the operator would see.

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/temp_dir.hpp"

namespace flowkeep_test {

struct ToolRun {
    int status = -1;
    std::string out;
    std::string err;
};

inline std::string read_file_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// `command` is a shell command line; the tool paths are the *_BIN macros.
inline ToolRun run_shell(const std::string& command) {
    TempDir scratch;
    const auto out = scratch / "out";
    const auto err = scratch / "err";
    const std::string line =
        "( " + command + " ) >'" + out.string() + "' 2>'" + err.string() + "' </dev/null";
    const int raw = std::system(line.c_str());
    ToolRun r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
    r.out = read_file_text(out);
    r.err = read_file_text(err);
    return r;
}

inline std::string shell_arg(const std::filesystem::path& p) {
    return std::string("'").append(p.string()).append("'");
}

}  // namespace flowkeep_test
