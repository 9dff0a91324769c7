#include "pid_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <system_error>

namespace capture {

PidFile::PidFile(const std::string& base, std::uint16_t port)
    : path_(base + "." + std::to_string(port)) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "pidfile " + path_);
    // Readable by everyone whatever the umask: init scripts and monitoring
    // running as other users read it.
    const std::string text = std::to_string(::getpid()) + "\n";
    if (::fchmod(fd_, 0644) != 0 ||
        ::write(fd_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
        const int err = errno;
        ::close(fd_);
        ::unlink(path_.c_str());
        throw std::system_error(err, std::generic_category(), "pidfile " + path_);
    }
}

PidFile::~PidFile() {
    if (::unlink(path_.c_str()) != 0 && fd_ >= 0) {
        // Not ours to remove any more (--user): leave it empty instead.
        [[maybe_unused]] const int ignored = ::ftruncate(fd_, 0);
    }
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace capture
