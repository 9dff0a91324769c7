#include "inputs/progress_policy.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace flowquery {

namespace {

StdoutKind kind_of(int fd) {
    if (::isatty(fd) == 1) return StdoutKind::terminal;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
        return StdoutKind::pipe;
    return StdoutKind::other;
}

}  // namespace

bool progress_wanted(bool stderr_is_terminal, StdoutKind stdout_kind, OutputTiming timing) {
    if (!stderr_is_terminal) return false;
    switch (stdout_kind) {
        case StdoutKind::pipe:
            return false;
        case StdoutKind::terminal:
            return timing == OutputTiming::after_scan;
        case StdoutKind::other:
            return true;
    }
    return false;
}

bool draw_progress(OutputTiming timing) {
    return progress_wanted(::isatty(STDERR_FILENO) == 1, kind_of(STDOUT_FILENO), timing);
}

}  // namespace flowquery
