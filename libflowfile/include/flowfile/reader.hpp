#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

#include "flowfile/header.hpp"
#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"

namespace flowfile {

// What went wrong in the record area, if anything.  A reader delivers the
// records up to the last checksum point that vouches for them (flow-file(5)):
// never a record that damage may have changed, never a reason to throw the
// verified ones away.
enum class ReadProblem {
    none,
    partial_record,    // the data ended inside a record (truncated, or a tmp- file)
    truncated_stream,  // compressed data ended before the end of the zlib stream
    corrupt_data,      // inflate rejected the data (damaged bytes or checksum)
    unverified,        // a checksum point failed: the records after the last good one withheld
    trailing_data,     // bytes after the end of the zlib stream
    io_error,          // read() failed
};

struct ReadStatus {
    ReadProblem problem = ReadProblem::none;
    std::uint64_t records = 0;       // records delivered so far
    std::uint64_t input_offset = 0;  // file offset at which the problem showed
    std::string message;             // one line naming file, problem, flows read

    bool ok() const { return problem == ReadProblem::none; }
};

// Whether compressed files are inflated with libdeflate (about 2.3 times
// zlib's speed) in this build; tools report it in --version.
bool fast_inflate_available();

struct ReaderOptions {
    // Inflate compressed files with zlib as a stream, as pipes always are,
    // instead of whole with libdeflate.  The records and the status are the
    // same either way; tests compare the two.
    bool streaming_only = false;
};

// Reads one flow-tools stream (a file, a tmp- file, or stdin) and hands out its
// records in batches.  Byte order and compression are handled inside; callers
// see host-order records only.  Reader reads the flow-tools archive (IPv4
// records of every supported export version), Reader6 the IPv6 series
// (record6.hpp); each refuses the other's files by their export version.
template <typename R>
class BasicReader {
  public:
    // Opens and reads the header.  Throws flowfile::Error (one line: file and
    // problem) when the file cannot be opened or its header is unusable.
    static std::unique_ptr<BasicReader> open(const std::filesystem::path& path);
    // A compressed regular file is inflated whole on the first next_batch()
    // when libdeflate is available (memory: the file's compressed and
    // uncompressed record area); any problem with it (damage, truncation, a
    // file still being written) makes the reader start again from the
    // record area with zlib's streaming inflate, which finds and words it.
    static std::unique_ptr<BasicReader> open(const std::filesystem::path& path,
                                             ReaderOptions options);
    // Reads from an already open descriptor (stdin, a pipe); does not close it.
    // `name` is used in messages.
    static std::unique_ptr<BasicReader> from_fd(int fd, std::string name);

    virtual ~BasicReader() = default;

    const Header& header() const { return header_; }
    const std::string& name() const { return name_; }

    // The next batch of records; an empty span at the end of the data.  The
    // span stays valid until the next call.  After the end, status() says
    // whether the data ended cleanly.
    virtual std::span<const R> next_batch() = 0;

    const ReadStatus& status() const { return status_; }

    // Records per batch: large enough to amortise per-batch work, small enough
    // to stay in the L2 cache.
    static constexpr std::size_t batch_records = 4096;

  protected:
    BasicReader(Header header, std::string name)
        : header_(std::move(header)), name_(std::move(name)) {}

    Header header_;
    std::string name_;
    ReadStatus status_;
};

using Reader = BasicReader<Record>;
using Reader6 = BasicReader<Record6>;

extern template class BasicReader<Record>;
extern template class BasicReader<Record6>;

// Which series a file belongs to, from its header's export version: the
// query tools open each file with the reader of its series.
enum class RecordFamily { ipv4, ipv6 };
RecordFamily record_family(const Header& h);

// A file of either series, opened (header read once) with the reader its
// export version asks for: exactly one of the two is set.  Throws as open().
struct AnyReader {
    std::unique_ptr<Reader> ipv4;
    std::unique_ptr<Reader6> ipv6;
};
AnyReader open_any(const std::filesystem::path& path, ReaderOptions options = {});

}  // namespace flowfile
