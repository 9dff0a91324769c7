#include "output/start_ordered_flows.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <queue>
#include <type_traits>

namespace flowquery {

namespace {

using flowfile::Record;

static_assert(std::is_trivially_copyable_v<Record>);
constexpr std::size_t record_bytes = sizeof(Record);
constexpr std::size_t mask_bytes = (record_bytes + 7) / 8;
using RecordBytes = std::array<unsigned char, record_bytes>;

// A record as a bitmap of the bytes that differ from the previous record of
// the run, then those bytes XORed with it.
void append_packed(std::vector<unsigned char>& out, const RecordBytes& previous,
                   const RecordBytes& current) {
    const std::size_t mask_at = out.size();
    out.resize(mask_at + mask_bytes, 0);
    for (std::size_t i = 0; i < record_bytes; ++i) {
        const auto x = static_cast<unsigned char>(previous[i] ^ current[i]);
        if (x == 0) continue;
        out[mask_at + i / 8] |= static_cast<unsigned char>(1u << (i % 8));
        out.push_back(x);
    }
}

// Reads one run back, record after record.
class RunCursor {
  public:
    explicit RunCursor(const std::vector<unsigned char>& packed, std::uint64_t count)
        : data_(packed.data()), left_(count) {
        bytes_.fill(0);
    }

    bool next() {
        if (left_ == 0) return false;
        --left_;
        const unsigned char* mask = data_;
        data_ += mask_bytes;
        for (std::size_t i = 0; i < record_bytes; ++i)
            if ((mask[i / 8] >> (i % 8)) & 1u) bytes_[i] ^= *data_++;
        std::memcpy(&record_, bytes_.data(), record_bytes);
        start_ms_ = flowfile::flow_times(record_).start_ms;
        return true;
    }

    const Record& record() const { return record_; }
    std::int64_t start_ms() const { return start_ms_; }

  private:
    const unsigned char* data_;
    std::uint64_t left_;
    RecordBytes bytes_;
    Record record_;
    std::int64_t start_ms_ = 0;
};

}  // namespace

void StartOrderedFlows::add_file(std::vector<Record>& flows) {
    if (flows.empty()) return;
    std::vector<std::pair<std::int64_t, std::uint32_t>> keys;
    keys.reserve(flows.size());
    for (std::uint32_t i = 0; i < flows.size(); ++i)
        keys.emplace_back(flowfile::flow_times(flows[i]).start_ms, i);
    std::stable_sort(keys.begin(), keys.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });

    std::vector<unsigned char> packed;
    packed.reserve(flows.size() * (mask_bytes + record_bytes / 2));
    RecordBytes previous{};
    RecordBytes current{};
    for (const auto& k : keys) {
        std::memcpy(current.data(), &flows[k.second], record_bytes);
        append_packed(packed, previous, current);
        previous = current;
    }
    Run run;
    run.packed.assign(packed.begin(), packed.end());  // exactly the size needed
    run.count = flows.size();
    runs_.push_back(std::move(run));
    flows_ += flows.size();
}

void StartOrderedFlows::drain(std::size_t batch,
                              const std::function<void(std::span<const Record>)>& write) {
    std::vector<RunCursor> cursors;
    cursors.reserve(runs_.size());
    for (const Run& run : runs_) cursors.emplace_back(run.packed, run.count);
    // Earliest start first; equal starts in file order, as a stable sort of
    // all files one after the other would leave them.
    auto later = [&](std::size_t a, std::size_t b) {
        const std::int64_t sa = cursors[a].start_ms();
        const std::int64_t sb = cursors[b].start_ms();
        return sa != sb ? sa > sb : a > b;
    };
    std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> heads(later);
    for (std::size_t i = 0; i < cursors.size(); ++i)
        if (cursors[i].next()) heads.push(i);

    std::vector<Record> out;
    out.reserve(batch);
    while (!heads.empty()) {
        const std::size_t i = heads.top();
        heads.pop();
        out.push_back(cursors[i].record());
        if (cursors[i].next()) heads.push(i);
        if (out.size() == batch) {
            write(out);
            out.clear();
        }
    }
    if (!out.empty()) write(out);
    runs_.clear();
    flows_ = 0;
}

}  // namespace flowquery
