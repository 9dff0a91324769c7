#include "daemon_log.hpp"

#include <syslog.h>
#include <cstdio>

namespace capture {

DaemonLog::~DaemonLog() {
    if (syslog_) ::closelog();
}

void DaemonLog::use_syslog() {
    std::lock_guard lock(mutex_);
    ::openlog(program_.c_str(), LOG_PID | LOG_NDELAY, LOG_LOCAL6);
    syslog_ = true;
}

void DaemonLog::write(const std::string& message) {
    std::lock_guard lock(mutex_);
    if (syslog_) {
        ::syslog(LOG_INFO, "%s", message.c_str());
    } else {
        std::fprintf(stderr, "%s: %s\n", program_.c_str(), message.c_str());
        std::fflush(stderr);
    }
}

}  // namespace capture
