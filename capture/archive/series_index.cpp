#include "series_index.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <exception>
#include <string>

#include "flowfile/error.hpp"

namespace capture {

namespace {

// Reads exactly `size` bytes at `offset`, or throws.
void read_at(int fd, const std::filesystem::path& path, std::uint8_t* out, std::size_t size,
             off_t offset) {
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::pread(fd, out + done, size - done, offset + static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
            throw flowfile::Error(path.string() +
                                  ": cannot read the header: " + std::strerror(errno));
        if (n == 0)
            throw flowfile::Error(path.string() + ": cannot read the header: file too short");
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace

SeriesIndex::SeriesIndex(const flowfile::Header& header, std::size_t block_records)
    : builder_(header, block_records) {}

std::unique_ptr<SeriesIndex> optional_index(const flowfile::Header& header,
                                            std::size_t block_records, std::string& problem) {
    if (block_records == 0) return nullptr;
    try {
        return std::make_unique<SeriesIndex>(header, block_records);
    } catch (const std::exception& e) {
        problem = e.what();
        return nullptr;
    }
}

std::vector<std::uint8_t> SeriesIndex::encode(const std::filesystem::path& path,
                                              std::span<const flowfile::BlockPoint> points,
                                              std::uint64_t file_size) {
    const std::vector<std::uint8_t> header = read_header_bytes(path);
    return builder_.finish(points, header, file_size);
}

std::vector<std::uint8_t> read_header_bytes(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw flowfile::Error(path.string() + ": cannot open: " + std::strerror(errno));
    try {
        std::vector<std::uint8_t> bytes(flowfile::header_preamble_size);
        read_at(fd, path, bytes.data(), bytes.size(), 0);
        const std::uint32_t size = flowfile::decode_header_size(bytes, path.string());
        if (size < bytes.size() || size > flowfile::max_header_size)
            throw flowfile::Error(path.string() + ": header length " + std::to_string(size) +
                                  " out of range");
        const std::size_t have = bytes.size();
        bytes.resize(size);
        read_at(fd, path, bytes.data() + have, size - have, static_cast<off_t>(have));
        ::close(fd);
        return bytes;
    } catch (...) {
        ::close(fd);
        throw;
    }
}

}  // namespace capture
