// flowfile::Reader and Reader6 over arbitrary bytes: a header, then records,
// compressed or not.  Each input is read twice by the reader of each series,
// once through open (a regular file, so a compressed one is inflated whole
// with libdeflate) and once through from_fd (zlib's streaming inflate, as
// for a pipe), and once more through open_any.  A reader promises the same
// records and the same status either way, and exactly one series takes a
// file whose header is usable: the IPv6 series when its export version is
// 0x8006, the flow-tools one otherwise.  So any difference is a finding, as
// is any crash or sanitizer report.

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
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

template <typename R>
struct Outcome {
    std::optional<std::string> error;  // what open threw, if it threw
    std::vector<R> records;
    flowfile::ReadStatus status;
};

template <typename R>
using Open = std::unique_ptr<flowfile::BasicReader<R>> (*)(const std::string&);

// Reads every batch of `reader`; `expected`, when given, is another path's
// outcome and each record is compared as it arrives instead of being stored
// again.
template <typename R>
Outcome<R> drain(flowfile::BasicReader<R>& reader, const Outcome<R>* expected) {
    Outcome<R> o;
    // The series a reader takes is the one its header names.
    check((reader.header().export_version == flowfile::ipv6_export_version) ==
              std::is_same_v<R, flowfile::Record6>,
          "a reader took the other series' file");
    std::size_t seen = 0;
    for (;;) {
        const auto batch = reader.next_batch();
        if (batch.empty()) break;
        check(batch.size() <= flowfile::BasicReader<R>::batch_records,
              "batch larger than batch_records");
        for (const R& r : batch) {
            if (expected) {
                check(seen < expected->records.size(), "a later path read more records");
                check(r == expected->records[seen], "paths decoded a record differently");
            } else {
                o.records.push_back(r);
            }
            ++seen;
        }
        check(reader.status().records == seen, "status().records is not the records delivered");
    }
    // Reading past the end stays at the end.
    check(reader.next_batch().empty(), "a batch after the end");
    o.status = reader.status();
    check(o.status.records == seen, "status().records is not the records delivered");
    check(o.status.ok() == o.status.message.empty(), "a problem without a message, or the reverse");
    if (expected) o.records.resize(seen);
    return o;
}

template <typename R>
Outcome<R> read_all(Open<R> open, const std::string& name, const Outcome<R>* expected) {
    std::unique_ptr<flowfile::BasicReader<R>> reader;
    try {
        reader = open(name);
    } catch (const flowfile::Error& e) {
        Outcome<R> o;
        o.error = e.what();
        check(o.error->find('\n') == std::string::npos, "an open error of more than one line");
        return o;
    }
    return drain(*reader, expected);
}

template <typename R>
std::unique_ptr<flowfile::BasicReader<R>> open_whole(const std::string& name) {
    return flowfile::BasicReader<R>::open(name);
}

template <typename R>
std::unique_ptr<flowfile::BasicReader<R>> open_streaming(const std::string& name) {
    check(::lseek(input_fd(), 0, SEEK_SET) == 0, "lseek on the memfd");
    return flowfile::BasicReader<R>::from_fd(input_fd(), name);
}

template <typename R>
void check_same(const Outcome<R>& whole, const Outcome<R>& other) {
    check(whole.error == other.error, "paths disagree on the header");
    check(other.records.size() == whole.records.size(), "a later path read fewer records");
    check(whole.status.problem == other.status.problem, "paths report different problems");
    check(whole.status.input_offset == other.status.input_offset,
          "paths report the problem at different offsets");
    check(whole.status.message == other.status.message, "paths word the problem differently");
}

// Both paths of one series; the whole-file outcome.
template <typename R>
Outcome<R> read_series(const std::string& name) {
    Outcome<R> whole = read_all<R>(open_whole<R>, name, nullptr);
    check_same(whole, read_all<R>(open_streaming<R>, name, &whole));
    return whole;
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
    const auto v4 = read_series<flowfile::Record>(name);
    const auto v6 = read_series<flowfile::Record6>(name);
    // A usable header goes to exactly one series; an unusable one is
    // refused by both with the same words.
    check(v4.error || v6.error, "both series took the file");
    if (v4.error && v6.error) check(*v4.error == *v6.error, "series disagree on the header");

    std::optional<std::string> any_error;
    try {
        flowfile::AnyReader any = flowfile::open_any(name);
        check(!any.ipv4 != !any.ipv6, "open_any set both readers or none");
        if (any.ipv4) {
            check(!v4.error, "open_any read a file Reader refused");
            check_same(v4, drain(*any.ipv4, &v4));
        } else {
            check(!v6.error, "open_any read a file Reader6 refused");
            check_same(v6, drain(*any.ipv6, &v6));
        }
    } catch (const flowfile::Error& e) {
        any_error = e.what();
    }
    if (any_error) {
        check(v4.error && v6.error, "open_any refused a file one series reads");
        check(*any_error == *v4.error, "open_any words a header error differently");
    }
    return 0;
}
