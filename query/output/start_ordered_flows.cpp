#include "output/start_ordered_flows.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <queue>
#include <type_traits>

namespace flowquery {

namespace {

using flowfile::Record;
using flowfile::Record6;

static_assert(std::is_trivially_copyable_v<Record>);
static_assert(std::is_trivially_copyable_v<Record6>);

std::int64_t start_of(const Record& r) {
    return flowfile::flow_times(r).start_ms;
}
std::int64_t start_of(const Record6& r) {
    return r.start_ms;
}

template <typename R>
constexpr std::size_t mask_bytes = (sizeof(R) + 7) / 8;
template <typename R>
using RecordBytes = std::array<unsigned char, sizeof(R)>;

// A record as a bitmap of the bytes that differ from the previous record of
// the run, then those bytes XORed with it.
template <typename R>
void append_packed(std::vector<unsigned char>& out, const RecordBytes<R>& previous,
                   const RecordBytes<R>& current) {
    const std::size_t mask_at = out.size();
    out.resize(mask_at + mask_bytes<R>, 0);
    for (std::size_t i = 0; i < sizeof(R); ++i) {
        const auto x = static_cast<unsigned char>(previous[i] ^ current[i]);
        if (x == 0) continue;
        out[mask_at + i / 8] |= static_cast<unsigned char>(1u << (i % 8));
        out.push_back(x);
    }
}

// Reads one run back, record after record.
template <typename R>
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
        data_ += mask_bytes<R>;
        for (std::size_t i = 0; i < sizeof(R); ++i)
            if ((mask[i / 8] >> (i % 8)) & 1u) bytes_[i] ^= *data_++;
        std::memcpy(&record_, bytes_.data(), sizeof(R));
        start_ms_ = start_of(record_);
        return true;
    }

    const R& record() const { return record_; }
    std::int64_t start_ms() const { return start_ms_; }

  private:
    const unsigned char* data_;
    std::uint64_t left_;
    RecordBytes<R> bytes_;
    R record_;
    std::int64_t start_ms_ = 0;
};

// One run's cursor, of the run's series.
struct AnyCursor {
    std::optional<RunCursor<Record>> ipv4;
    std::optional<RunCursor<Record6>> ipv6;

    bool next() { return ipv6 ? ipv6->next() : ipv4->next(); }
    std::int64_t start_ms() const { return ipv6 ? ipv6->start_ms() : ipv4->start_ms(); }
};

}  // namespace

template <typename R>
void StartOrderedFlows::add_run(std::vector<R>& flows) {
    if (flows.empty()) return;
    std::vector<std::pair<std::int64_t, std::uint32_t>> keys;
    keys.reserve(flows.size());
    for (std::uint32_t i = 0; i < flows.size(); ++i) keys.emplace_back(start_of(flows[i]), i);
    std::stable_sort(keys.begin(), keys.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });

    std::vector<unsigned char> packed;
    packed.reserve(flows.size() * (mask_bytes<R> + sizeof(R) / 2));
    RecordBytes<R> previous{};
    RecordBytes<R> current{};
    for (const auto& k : keys) {
        std::memcpy(current.data(), &flows[k.second], sizeof(R));
        append_packed<R>(packed, previous, current);
        previous = current;
    }
    Run run;
    run.packed.assign(packed.begin(), packed.end());  // exactly the size needed
    run.count = flows.size();
    run.ipv6 = std::is_same_v<R, Record6>;
    runs_.push_back(std::move(run));
    flows_ += flows.size();
}

void StartOrderedFlows::add_file(std::vector<Record>& flows) {
    add_run(flows);
}

void StartOrderedFlows::add_file(std::vector<Record6>& flows) {
    add_run(flows);
}

void StartOrderedFlows::drain(std::size_t batch,
                              const std::function<void(std::span<const Record>)>& write,
                              const std::function<void(std::span<const Record6>)>& write6) {
    std::vector<AnyCursor> cursors(runs_.size());
    for (std::size_t i = 0; i < runs_.size(); ++i) {
        if (runs_[i].ipv6)
            cursors[i].ipv6.emplace(runs_[i].packed, runs_[i].count);
        else
            cursors[i].ipv4.emplace(runs_[i].packed, runs_[i].count);
    }
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
    std::vector<Record6> out6;
    out.reserve(batch);
    out6.reserve(batch);
    const auto flush = [&] {
        if (!out.empty()) write(out);
        if (!out6.empty()) write6(out6);
        out.clear();
        out6.clear();
    };
    while (!heads.empty()) {
        const std::size_t i = heads.top();
        heads.pop();
        AnyCursor& c = cursors[i];
        if (c.ipv6) {
            if (!out.empty()) flush();
            out6.push_back(c.ipv6->record());
        } else {
            if (!out6.empty()) flush();
            out.push_back(c.ipv4->record());
        }
        if (c.next()) heads.push(i);
        if (out.size() == batch || out6.size() == batch) flush();
    }
    flush();
    runs_.clear();
    flows_ = 0;
}

}  // namespace flowquery
