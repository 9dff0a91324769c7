// flowfile::Reader over arbitrary bytes: a header, then records, compressed
// or not.  Each input is read twice, once through Reader::open (a regular
// file, so a compressed one is inflated whole with libdeflate) and once
// through Reader::from_fd (zlib's streaming inflate, as for a pipe).  The
// reader promises the same records and the same status either way, so any
// difference is a finding, as is any crash or sanitizer report.

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flowfile/error.hpp"
#include "flowfile/reader.hpp"
#include "fuzz_check.hpp"

using flowkeep_fuzz::check;

namespace {

// One in-memory file reused for every input: it is a regular file to
// fstat(), so Reader::open takes the whole-buffer path, without touching
// the disk.
int input_fd() {
    static const int fd = ::memfd_create("fuzz_reader", MFD_CLOEXEC);
    return fd;
}

struct Outcome {
    std::optional<std::string> error;  // what open threw, if it threw
    std::vector<flowfile::Record> records;
    flowfile::ReadStatus status;
};

// Reads every batch; `expected`, when given, is the other path's outcome and
// each record is compared as it arrives instead of being stored again.
Outcome read_all(std::unique_ptr<flowfile::Reader> (*open)(const std::string&),
                 const std::string& name, const Outcome* expected) {
    Outcome o;
    std::unique_ptr<flowfile::Reader> reader;
    try {
        reader = open(name);
    } catch (const flowfile::Error& e) {
        o.error = e.what();
        return o;
    }
    std::size_t seen = 0;
    for (;;) {
        const auto batch = reader->next_batch();
        if (batch.empty()) break;
        check(batch.size() <= flowfile::Reader::batch_records, "batch larger than batch_records");
        for (const flowfile::Record& r : batch) {
            if (expected) {
                check(seen < expected->records.size(), "streaming path read more records");
                check(r == expected->records[seen], "paths decoded a record differently");
            } else {
                o.records.push_back(r);
            }
            ++seen;
        }
        check(reader->status().records == seen, "status().records is not the records delivered");
    }
    // Reading past the end stays at the end.
    check(reader->next_batch().empty(), "a batch after the end");
    o.status = reader->status();
    check(o.status.records == seen, "status().records is not the records delivered");
    check(o.status.ok() == o.status.message.empty(), "a problem without a message, or the reverse");
    if (expected) o.records.resize(seen);
    return o;
}

std::unique_ptr<flowfile::Reader> open_whole(const std::string& name) {
    return flowfile::Reader::open(name);
}

std::unique_ptr<flowfile::Reader> open_streaming(const std::string& name) {
    check(::lseek(input_fd(), 0, SEEK_SET) == 0, "lseek on the memfd");
    return flowfile::Reader::from_fd(input_fd(), name);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const int fd = input_fd();
    check(fd >= 0, "memfd_create");
    check(::ftruncate(fd, 0) == 0, "ftruncate on the memfd");
    check(::pwrite(fd, data, size, 0) == static_cast<ssize_t>(size), "pwrite to the memfd");

    // Opening the /proc link gives Reader::open a descriptor of its own, with
    // its own offset, on the same bytes.
    const std::string name = "/proc/self/fd/" + std::to_string(fd);
    const Outcome whole = read_all(open_whole, name, nullptr);
    const Outcome streaming = read_all(open_streaming, name, &whole);

    check(whole.error == streaming.error, "paths disagree on the header");
    check(streaming.records.size() == whole.records.size(), "streaming path read fewer records");
    check(whole.status.problem == streaming.status.problem, "paths report different problems");
    check(whole.status.input_offset == streaming.status.input_offset,
          "paths report the problem at different offsets");
    check(whole.status.message == streaming.status.message, "paths word the problem differently");
    return 0;
}
