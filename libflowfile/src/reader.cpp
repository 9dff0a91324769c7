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
    if (*h.export_version != ipv6_export_version && !is_supported_export_version(*h.export_version))
        throw Error(name + ": unsupported export version " + std::to_string(*h.export_version));
    return h;
}

// The one place a file's series is checked against the reader asked for.
template <typename R>
const detail::CodecOf<R>& codec_or_refuse(const Header& h, const std::string& name) {
    const detail::CodecOf<R>* codec = detail::codec_of<R>(*h.export_version, h.byte_order);
    if (codec) return *codec;
    if (record_family(h) == RecordFamily::ipv6)
        throw Error(name + ": a file of flowkeep's IPv6 series, not a flow-tools IPv4 file");
    throw Error(name + ": a flow-tools IPv4 file (export version " +
                std::to_string(*h.export_version) + "), not one of the IPv6 series");
}

// `whole_buffer`: the descriptor is a regular file that pread() can read
// again from the record area, so a compressed file may be inflated whole.
template <typename R>
std::unique_ptr<BasicReader<R>> reader_for(Header h, int fd, bool owned, std::string name,
                                           bool whole_buffer) {
    const detail::CodecOf<R>& codec = codec_or_refuse<R>(h, name);
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

RecordFamily record_family(const Header& h) {
    return h.export_version == ipv6_export_version ? RecordFamily::ipv6 : RecordFamily::ipv4;
}

namespace {

// Opens `path` and hands the header to `make(header, fd, whole_buffer)`; on
// a header checksum error (perhaps a capture's header rewrite met this
// read) looks again.  The descriptor is closed when `make` throws.
template <typename Make>
auto open_path(const std::filesystem::path& path, ReaderOptions options, Make make) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(path.string() + ": cannot open: " + std::strerror(errno));
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    const bool regular = is_regular_file(fd);
    const bool whole_buffer = !options.streaming_only && regular;
    for (int attempt = 1;; ++attempt) {
        try {
            return make(read_header(fd, path.string()), fd, whole_buffer);
        } catch (const HeaderChecksumError&) {
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

}  // namespace

template <typename R>
std::unique_ptr<BasicReader<R>> BasicReader<R>::open(const std::filesystem::path& path) {
    return open(path, ReaderOptions{});
}

template <typename R>
std::unique_ptr<BasicReader<R>> BasicReader<R>::open(const std::filesystem::path& path,
                                                     ReaderOptions options) {
    return open_path(path, options, [&](Header h, int fd, bool whole_buffer) {
        return reader_for<R>(std::move(h), fd, true, path.string(), whole_buffer);
    });
}

template <typename R>
std::unique_ptr<BasicReader<R>> BasicReader<R>::from_fd(int fd, std::string name) {
    Header h = read_header(fd, name);
    return reader_for<R>(std::move(h), fd, false, std::move(name), false);
}

AnyReader open_any(const std::filesystem::path& path, ReaderOptions options) {
    return open_path(path, options, [&](Header h, int fd, bool whole_buffer) {
        AnyReader any;
        if (record_family(h) == RecordFamily::ipv6)
            any.ipv6 = reader_for<Record6>(std::move(h), fd, true, path.string(), whole_buffer);
        else
            any.ipv4 = reader_for<Record>(std::move(h), fd, true, path.string(), whole_buffer);
        return any;
    });
}

template class BasicReader<Record>;
template class BasicReader<Record6>;

}  // namespace flowfile
