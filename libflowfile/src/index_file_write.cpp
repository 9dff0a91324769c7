#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <string>

#include "fd_io.hpp"
#include "flowfile/block_index.hpp"
#include "flowfile/error.hpp"

namespace flowfile {

namespace {

[[noreturn]] void fail(const std::filesystem::path& index, const std::string& what, int error) {
    throw Error(index.string() + ": cannot write the index (" + what +
                "): " + std::strerror(error));
}

}  // namespace

void write_index_file(const std::filesystem::path& data_file, std::span<const std::uint8_t> bytes) {
    const std::filesystem::path index = index_path_of(data_file);
    std::filesystem::path temporary = index;
    temporary += ".new";

    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail(index, "create " + temporary.filename().string(), errno);
    // A reader never sees a partial index: it is whole on disk before its
    // name exists, and a failure leaves no temporary behind.
    const auto give_up = [&](const std::string& what, int error) {
        ::close(fd);
        ::unlink(temporary.c_str());
        fail(index, what, error);
    };
    const detail::IoResult w = detail::write_full(fd, bytes.data(), bytes.size());
    if (w.error != 0) give_up("write", w.error);
    if (::fsync(fd) != 0) give_up("fsync", errno);
    if (::close(fd) != 0) {
        const int error = errno;
        ::unlink(temporary.c_str());
        fail(index, "close", error);
    }
    if (::rename(temporary.c_str(), index.c_str()) != 0) {
        const int error = errno;
        ::unlink(temporary.c_str());
        fail(index, "rename", error);
    }
    std::filesystem::path dir = index.parent_path();
    if (dir.empty()) dir = ".";
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) fail(index, "open its directory", errno);
    const int synced = ::fsync(dfd);
    const int error = errno;
    ::close(dfd);
    if (synced != 0) fail(index, "fsync its directory", error);
}

}  // namespace flowfile
