#include "inflated_stream.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "flowfile/error.hpp"

namespace flowindex {

namespace {

constexpr std::size_t chunk = 256 * 1024;

}  // namespace

InflatedStream::InflatedStream(int fd, std::uint64_t offset, std::string name)
    : fd_(fd), offset_(offset), name_(std::move(name)), in_(chunk), out_(chunk) {
    if (inflateInit(&z_) != Z_OK) throw flowfile::Error(name_ + ": inflateInit failed");
}

InflatedStream::~InflatedStream() {
    inflateEnd(&z_);
}

void InflatedStream::fill_input() {
    ssize_t got;
    do {
        got = ::pread(fd_, in_.data(), in_.size(), static_cast<off_t>(offset_));
    } while (got < 0 && errno == EINTR);
    if (got < 0) throw flowfile::Error(name_ + ": cannot read: " + std::strerror(errno));
    offset_ += static_cast<std::uint64_t>(got);
    input_ended_ = got == 0;
    z_.next_in = in_.data();
    z_.avail_in = static_cast<uInt>(got);
}

std::span<const std::uint8_t> InflatedStream::next() {
    if (ended_) return {};
    z_.next_out = out_.data();
    z_.avail_out = static_cast<uInt>(out_.size());
    while (z_.avail_out > 0) {
        if (z_.avail_in == 0) {
            fill_input();
            if (input_ended_)
                throw flowfile::Error(name_ + ": compressed data ends before its zlib stream");
        }
        const int r = inflate(&z_, Z_NO_FLUSH);
        if (r == Z_STREAM_END) {
            ended_ = true;
            if (z_.avail_in == 0) fill_input();
            if (z_.avail_in != 0)
                throw flowfile::Error(name_ + ": bytes after the end of its zlib stream");
            break;
        }
        if (r != Z_OK && r != Z_BUF_ERROR)
            throw flowfile::Error(name_ + ": damaged compressed data (" +
                                  (z_.msg ? z_.msg : "inflate failed") + ")");
    }
    return {out_.data(), out_.size() - z_.avail_out};
}

std::optional<std::string> first_difference(InflatedStream& a, InflatedStream& b) {
    std::uint64_t at = 0;
    std::span<const std::uint8_t> x = a.next();
    std::span<const std::uint8_t> y = b.next();
    while (!x.empty() && !y.empty()) {
        const std::size_t n = std::min(x.size(), y.size());
        const auto diff =
            std::mismatch(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(n), y.begin());
        if (diff.first != x.begin() + static_cast<std::ptrdiff_t>(n))
            return "record bytes differ at byte " +
                   std::to_string(at + static_cast<std::uint64_t>(diff.first - x.begin()));
        at += n;
        x = x.subspan(n);
        y = y.subspan(n);
        if (x.empty()) x = a.next();
        if (y.empty()) y = b.next();
    }
    if (!x.empty() || !y.empty())
        return "record bytes differ in length (one ends after " + std::to_string(at) + " bytes)";
    return std::nullopt;
}

}  // namespace flowindex
