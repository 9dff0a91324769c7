#include "block_rewrite.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

#include "flowfile/block_index.hpp"
#include "flowfile/error.hpp"
#include "inflated_stream.hpp"
#include "record_pass.hpp"

namespace flowindex {

namespace {

constexpr std::string_view rewrite_prefix = ".rewrite-";
constexpr std::uint64_t zlib_header_size = 2;

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& step, int err) {
    throw flowfile::Error(path.string() + ": " + step + ": " + std::strerror(err));
}

class Fd {
  public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    Fd& operator=(Fd&& o) noexcept {
        std::swap(fd_, o.fd_);
        return *this;
    }
    int get() const { return fd_; }

  private:
    int fd_;
};

void write_all(int fd, const std::uint8_t* p, std::size_t n, off_t at,
               const std::filesystem::path& path) {
    while (n > 0) {
        const ssize_t w = ::pwrite(fd, p, n, at);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) fail(path, "cannot write the rewritten copy", errno);
        p += w;
        n -= static_cast<std::size_t>(w);
        at += w;
    }
}

std::vector<std::uint8_t> read_exactly(int fd, std::size_t n, const std::filesystem::path& path) {
    std::vector<std::uint8_t> bytes(n);
    std::size_t got = 0;
    while (got < n) {
        const ssize_t r = ::pread(fd, bytes.data() + got, n - got, static_cast<off_t>(got));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) fail(path, "cannot read back the rewritten copy", errno);
        if (r == 0) break;
        got += static_cast<std::size_t>(r);
    }
    bytes.resize(got);
    return bytes;
}

// The temporary file, exclusively locked while this run owns it (a second
// run finds it locked and leaves the file to the first), and removed unless
// it was renamed over the original.
class TempFile {
  public:
    // nullopt when another process holds it.
    static std::unique_ptr<TempFile> create(const std::filesystem::path& path) {
        const int fd =
            ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
        if (fd < 0) fail(path, "cannot create", errno);
        std::unique_ptr<TempFile> t(new TempFile(path, fd));
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            if (errno != EWOULDBLOCK) fail(path, "cannot lock", errno);
            t->keep();  // it is the other run's
            return nullptr;
        }
        if (::ftruncate(fd, 0) != 0) fail(path, "cannot truncate", errno);
        return t;
    }
    ~TempFile() {
        if (!kept_) ::unlink(path_.c_str());
        ::close(fd_);
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    int fd() const { return fd_; }
    const std::filesystem::path& path() const { return path_; }
    void keep() { kept_ = true; }

  private:
    TempFile(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
    std::filesystem::path path_;
    int fd_;
    bool kept_ = false;
};

// The header the Writer starts from.  finish() writes the flow count and the
// close counters into it, so each must be there; the bytes on disk are the
// original's anyway (see rewrite_with_block_points).
flowfile::Header writer_header(flowfile::Header h) {
    for (auto* field :
         {&h.flow_count, &h.cap_end, &h.lost_flows, &h.corrupt_packets, &h.seq_resets})
        *field = field->value_or(0);
    return h;
}

flowfile::CloseCounters close_counters(const flowfile::Header& h) {
    return {.cap_end = h.cap_end.value_or(0),
            .lost_flows = h.lost_flows.value_or(0),
            .corrupt_packets = h.corrupt_packets.value_or(0),
            .seq_resets = h.seq_resets.value_or(0)};
}

struct Compressed {
    Fd memory;  // the Writer's whole file
    std::uint64_t size = 0;
    std::uint32_t header_size = 0;
    std::vector<flowfile::BlockPoint> points;
};

// The original's records through a Writer with block points, into memory:
// the deflate data is all that is taken from it.
Compressed compress_with_points(const DataFile& file, std::size_t block_records) {
    Compressed c;
    c.memory = Fd(::memfd_create("flow-index-rewrite", MFD_CLOEXEC));
    if (c.memory.get() < 0) fail(file.path(), "cannot make room for the rewritten copy", errno);
    flowfile::WriterOptions options;
    options.compression_level = -1;
    options.flush_interval = std::chrono::milliseconds(0);
    options.sync_on_flush = false;
    options.block_records = block_records;
    auto writer =
        flowfile::Writer::to_fd(c.memory.get(), file.path().string() + " (rewritten copy)",
                                writer_header(file.header()), options);
    read_every_record(file.path(), file.header(), [&](const auto& batch) { writer->write(batch); });
    writer->finish(close_counters(file.header()));
    c.points = writer->block_points();
    c.header_size = writer->header().size;
    struct stat st {};
    if (::fstat(c.memory.get(), &st) != 0)
        fail(file.path(), "cannot stat the rewritten copy", errno);
    c.size = static_cast<std::uint64_t>(st.st_size);
    return c;
}

// The original's header bytes, then the new deflate data.
void write_copy(const DataFile& file, const Compressed& c, const TempFile& temp) {
    const auto header = file.header_bytes();
    write_all(temp.fd(), header.data(), header.size(), 0, temp.path());
    std::vector<std::uint8_t> buffer(1 << 20);
    off_t from = c.header_size;
    off_t to = static_cast<off_t>(header.size());
    for (;;) {
        const ssize_t r = ::pread(c.memory.get(), buffer.data(), buffer.size(), from);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) fail(temp.path(), "cannot copy the rewritten data", errno);
        if (r == 0) break;
        write_all(temp.fd(), buffer.data(), static_cast<std::size_t>(r), to, temp.path());
        from += r;
        to += r;
    }
}

void keep_owner_and_mode(const DataFile& file, const TempFile& temp) {
    const struct stat& st = file.status();
    if (::fchown(temp.fd(), st.st_uid, st.st_gid) != 0)
        fail(temp.path(), "cannot give it the original's owner and group", errno);
    if (::fchmod(temp.fd(), st.st_mode & 07777) != 0)
        fail(temp.path(), "cannot give it the original's mode", errno);
}

void keep_times(const DataFile& file, const TempFile& temp) {
    const struct stat& st = file.status();
    const struct timespec times[2] = {st.st_atim, st.st_mtim};
    if (::futimens(temp.fd(), times) != 0)
        fail(temp.path(), "cannot give it the original's times", errno);
}

// The copy as it lies on disk: the original's header bytes, the same
// inflated record bytes, and records its reader accepts (fed to the index).
void check_copy(const DataFile& file, const TempFile& temp, flowfile::BlockIndexBuilder& builder,
                std::uint64_t& flows) {
    const auto header = file.header_bytes();
    const auto stored = read_exactly(temp.fd(), header.size(), temp.path());
    if (!std::equal(header.begin(), header.end(), stored.begin(), stored.end()))
        throw flowfile::Error(temp.path().string() + ": its header is not the original's");
    InflatedStream original(file.fd(), header.size(), file.path().string());
    InflatedStream copy(temp.fd(), header.size(), temp.path().string());
    if (const auto diff = first_difference(original, copy))
        throw flowfile::Error(file.path().string() + ": the rewritten copy's " + *diff +
                              ": the file is left as it was");
    flows = read_every_record(temp.path(), file.header(),
                              [&](const auto& batch) { builder.add(batch); });
}

// Puts the copy in place.  RENAME_EXCHANGE fails when the original is gone
// (expired meanwhile), where a plain rename would bring it back.
bool put_in_place(const DataFile& file, TempFile& temp, int dir_fd) {
    const std::string name = file.path().filename().string();
    const std::string temp_name = temp.path().filename().string();
    if (::renameat2(dir_fd, temp_name.c_str(), dir_fd, name.c_str(), RENAME_EXCHANGE) == 0)
        return true;  // the temporary name now holds the original: removed with it
    if (errno == ENOENT) return false;
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
        fail(file.path(), "cannot replace it with the rewritten copy", errno);
    // A file system without exchange: the same, with a window between the
    // check and the rename.
    if (!file.still_in_place()) return false;
    if (::renameat(dir_fd, temp_name.c_str(), dir_fd, name.c_str()) != 0)
        fail(file.path(), "cannot replace it with the rewritten copy", errno);
    temp.keep();
    return true;
}

}  // namespace

std::filesystem::path rewrite_path_of(const std::filesystem::path& data_file) {
    return data_file.parent_path() / (std::string(rewrite_prefix) + data_file.filename().string());
}

std::optional<std::string> why_not_rewritable(const flowfile::Header& header) {
    if (!header.compressed()) return "uncompressed (its records are at fixed offsets already)";
    if (header.block_checksums)
        return "its header holds a block checksum table, which a new stream would change";
    return std::nullopt;
}

Rewrite rewrite_with_block_points(const DataFile& file, std::size_t block_records) {
    Rewrite out;
    std::filesystem::path dir = file.path().parent_path();
    if (dir.empty()) dir = ".";
    const Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir_fd.get() < 0) fail(dir, "cannot open the directory", errno);

    // First, so that a second run finds it taken before it does any work.
    auto temp = TempFile::create(rewrite_path_of(file.path()));
    if (!temp) {
        out.result = RewriteResult::busy;
        return out;
    }
    const Compressed c = compress_with_points(file, block_records);
    write_copy(file, c, *temp);
    keep_owner_and_mode(file, *temp);

    const flowfile::Header& header = file.header();
    flowfile::BlockIndexBuilder builder(header, block_records);
    check_copy(file, *temp, builder, out.index.flows);
    keep_times(file, *temp);
    if (::fsync(temp->fd()) != 0) fail(temp->path(), "cannot sync", errno);

    const std::uint64_t size = header.size + (c.size - c.header_size);
    std::vector<flowfile::BlockPoint> points = c.points;
    for (auto& p : points) p.offset = p.offset - c.header_size + header.size;
    out.index.bytes = builder.finish(points, file.header_bytes(), size);
    out.index.bytes_read = file.size();

    if (!put_in_place(file, *temp, dir_fd.get())) return out;  // gone
    if (::fsync(dir_fd.get()) != 0) fail(dir, "cannot sync the directory", errno);
    out.result = RewriteResult::rewritten;
    return out;
}

bool remove_abandoned_rewrite(const std::filesystem::path& data_file) {
    const std::filesystem::path path = rewrite_path_of(data_file);
    const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK));
    if (fd.get() < 0) return false;
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) return false;  // a run is at it
    return ::unlink(path.c_str()) == 0;
}

}  // namespace flowindex
