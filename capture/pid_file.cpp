#include "pid_file.hpp"

#include <unistd.h>
#include <cerrno>
#include <fstream>
#include <system_error>

namespace capture {

PidFile::PidFile(const std::string& base, std::uint16_t port)
    : path_(base + "." + std::to_string(port)) {
    std::ofstream out(path_, std::ios::trunc);
    out << ::getpid() << '\n';
    out.close();
    if (!out) throw std::system_error(errno, std::generic_category(), "pidfile " + path_);
}

PidFile::~PidFile() {
    ::unlink(path_.c_str());
}

}  // namespace capture
