#include "flowfile/reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <vector>

#include "fd_io.hpp"
#include "flowfile/error.hpp"
#include "inflate_whole_buffer.hpp"
#include "reader_kinds.hpp"
#include "record_codec.hpp"

namespace flowfile {

namespace {

constexpr int header_read_attempts = 3;
// A header rewrite takes microseconds; a damaged header costs two short waits.
constexpr useconds_t header_retry_delay_us = 2000;

Header read_header(int fd, const std::string& name) {
    std::vector<std::uint8_t> buf(header_preamble_size);
    auto got = detail::read_full(fd, buf.data(), buf.size());
    if (got.error) throw Error(name + ": read error in header: " + std::strerror(got.error));
    buf.resize(got.bytes);
    const std::uint32_t size = decode_header_size(buf, name);
    buf.resize(size);
    got = detail::read_full(fd, buf.data() + header_preamble_size, size - header_preamble_size);
    if (got.error) throw Error(name + ": read error in header: " + std::strerror(got.error));
    buf.resize(header_preamble_size + got.bytes);
    Header h = decode_header(buf, name);

    if (!h.export_version) throw Error(name + ": header has no export version");
    if (*h.export_version == 8)
        throw Error(name + ": export version 8 (router aggregation) files are not supported");
    if (!is_supported_export_version(*h.export_version))
        throw Error(name + ": unsupported export version " + std::to_string(*h.export_version));
    return h;
}

// `whole_buffer`: the descriptor is a regular file that pread() can read
// again from the record area, so a compressed file may be inflated whole.
std::unique_ptr<Reader> make_reader(int fd, bool owned, std::string name, bool whole_buffer) {
    // On a header error the caller still owns fd (Reader::open closes it).
    Header h = read_header(fd, name);
    const detail::RecordCodec& codec = *detail::codec_for(*h.export_version, h.byte_order);
    if (!h.compressed())
        return detail::make_raw_reader(std::move(h), std::move(name), fd, owned, codec);
    if (whole_buffer && detail::WholeInflater::available())
        return detail::make_whole_buffer_reader(std::move(h), std::move(name), fd, owned, codec);
    return detail::make_inflating_reader(std::move(h), std::move(name), fd, owned, codec);
}

bool is_regular_file(int fd) {
    struct stat st {};
    return ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

bool fast_inflate_available() {
    return detail::WholeInflater::available();
}

std::unique_ptr<Reader> Reader::open(const std::filesystem::path& path) {
    return open(path, ReaderOptions{});
}

std::unique_ptr<Reader> Reader::open(const std::filesystem::path& path, ReaderOptions options) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(path.string() + ": cannot open: " + std::strerror(errno));
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    const bool regular = is_regular_file(fd);
    const bool whole_buffer = !options.streaming_only && regular;
    for (int attempt = 1;; ++attempt) {
        try {
            return make_reader(fd, true, path.string(), whole_buffer);
        } catch (const HeaderChecksumError&) {
            // Perhaps a capture's header rewrite met this read: look again.
            if (regular && attempt < header_read_attempts && ::lseek(fd, 0, SEEK_SET) == 0) {
                ::usleep(header_retry_delay_us);
                continue;
            }
            ::close(fd);
            throw;
        } catch (...) {
            ::close(fd);
            throw;
        }
    }
}

std::unique_ptr<Reader> Reader::from_fd(int fd, std::string name) {
    return make_reader(fd, false, std::move(name), false);
}

}  // namespace flowfile
