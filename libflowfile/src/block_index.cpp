#include "flowfile/block_index.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include "block_index_layout.hpp"
#include "blocked_bloom.hpp"
#include "fd_io.hpp"
#include "file_totals_codec.hpp"
#include "flowfile/block_checksums.hpp"

namespace flowfile {

namespace L = detail::index_layout;

namespace {

// The index's bytes and its head's fields.
struct IndexBytes {
    std::string name;
    // The bytes: owned whole (from_bytes), or read from `fd` a section at a
    // time as it is first used (open).  Not mapped: a query over a month
    // opens thousands of indexes in two threads, and each munmap then cost
    // a TLB shootdown on the other core, most of the time of a rare
    // address's month (bench_index).  Most files answer from the head,
    // block table and file filter alone, a few KB of some hundred.  An
    // index is replaced by rename, never rewritten in place, so the
    // descriptor's bytes do not change under it.
    std::vector<std::uint8_t> owned;
    std::unique_ptr<std::uint8_t[]> buffer;
    int fd = -1;
    const std::uint8_t* p = nullptr;
    std::size_t size = 0;

    std::uint16_t flags = 0;
    std::uint16_t export_version = 0;
    std::size_t record_size = 0;
    std::uint32_t header_size = 0;
    std::uint32_t header_crc = 0;
    std::uint64_t data_file_size = 0;
    std::uint64_t flows = 0;
    std::size_t block_records = 0;
    std::size_t blocks = 0;
    std::uint8_t bloom_bits = 0;
    std::size_t file_lines = 0;
    std::size_t a_size = 0;
    std::uint64_t b_offset = 0;
    std::uint64_t b_size = 0;
    std::uint64_t c_offset = 0;
    std::uint64_t c_size = 0;

    mutable std::once_flag filters_checked;
    mutable bool filters_bad = false;
    mutable std::once_flag totals_checked;
    mutable bool totals_bad = false;

    IndexBytes() = default;
    IndexBytes(const IndexBytes&) = delete;
    IndexBytes& operator=(const IndexBytes&) = delete;
    ~IndexBytes() {
        if (fd >= 0) ::close(fd);
    }

    // Makes bytes [from, from + n) of the index readable at p + from; false
    // when they cannot be read whole.
    bool load(std::uint64_t from, std::uint64_t n) const {
        if (fd < 0 || n == 0) return true;
        if (from > size || n > size - from) return false;
        const detail::IoResult got = detail::pread_full(
            fd, buffer.get() + from, static_cast<std::size_t>(n), static_cast<off_t>(from));
        return got.error == 0 && got.bytes == n;
    }

    const std::uint8_t* entry(std::size_t i) const { return p + L::head_size + i * L::entry_size; }
    const std::uint8_t* maps(std::size_t i) const { return p + b_offset + i * L::block_maps_size; }
    std::span<const std::uint8_t> file_filter() const {
        return {p + L::head_size + blocks * L::entry_size, file_lines * L::line_bytes};
    }
    std::span<const std::uint8_t> block_filter(std::size_t i) const {
        const std::uint8_t* e = entry(i);
        const std::size_t first = L::get<std::uint32_t>(e + L::entry::bloom_line);
        const std::size_t lines = L::get<std::uint32_t>(e + L::entry::bloom_lines);
        return {p + b_offset + L::line_area_offset(blocks) + first * L::line_bytes,
                lines * L::line_bytes};
    }

    bool section_a_sound() const {
        return L::section_a_crc(p, a_size) == L::get<std::uint32_t>(p + L::head::table_crc);
    }
    bool section_b_sound() const {
        return crc32_update(0, p + b_offset, static_cast<std::size_t>(b_size)) ==
               L::get<std::uint32_t>(p + L::head::filters_crc);
    }
    bool section_c_sound() const {
        return crc32_update(0, p + c_offset, static_cast<std::size_t>(c_size)) ==
               L::get<std::uint32_t>(p + L::head::totals_crc);
    }
    bool filters_usable() const {
        std::call_once(filters_checked,
                       [this] { filters_bad = !load(b_offset, b_size) || !section_b_sound(); });
        return !filters_bad;
    }
    bool totals_usable() const {
        std::call_once(totals_checked,
                       [this] { totals_bad = !load(c_offset, c_size) || !section_c_sound(); });
        return !totals_bad;
    }
};

std::string damaged(const std::string& name, const std::string& reason) {
    return name + ": damaged (" + reason + "): scanning the file";
}

std::string stale(const std::string& name, const std::string& reason) {
    return name + ": stale (" + reason + "): scanning the file";
}

// Reads the head and checks that section A is whole and sound and that
// every field points inside the file; the reason it is not, or "".
std::string parse(IndexBytes& v) {
    if (v.size < L::head_size)
        return "too short (" + std::to_string(v.size) + " bytes) to be an index";
    const std::uint8_t* p = v.p;
    if (std::memcmp(p + L::head::magic, L::magic, sizeof L::magic) != 0)
        return "not an index file (bad magic)";
    const auto version = L::get<std::uint16_t>(p + L::head::version);
    if (version != block_index_version)
        return "format version " + std::to_string(version) + ", this library reads " +
               std::to_string(block_index_version);
    v.flags = L::get<std::uint16_t>(p + L::head::flags);
    if ((v.flags & ~(L::flag_compressed | L::flag_no_port_totals)) != 0)
        return "unknown flags " + std::to_string(v.flags);
    v.data_file_size = L::get<std::uint64_t>(p + L::head::data_file_size);
    v.header_size = L::get<std::uint32_t>(p + L::head::header_size);
    v.header_crc = L::get<std::uint32_t>(p + L::head::header_crc);
    v.export_version = L::get<std::uint16_t>(p + L::head::export_version);
    v.record_size = L::get<std::uint16_t>(p + L::head::record_size);
    v.block_records = L::get<std::uint32_t>(p + L::head::block_records);
    v.flows = L::get<std::uint64_t>(p + L::head::flows);
    v.blocks = L::get<std::uint32_t>(p + L::head::blocks);
    v.bloom_bits = p[L::head::bloom_bits];
    v.file_lines = L::get<std::uint32_t>(p + L::head::file_filter_lines);
    v.b_offset = L::get<std::uint64_t>(p + L::head::filters_offset);
    v.b_size = L::get<std::uint64_t>(p + L::head::filters_size);
    v.c_offset = L::get<std::uint64_t>(p + L::head::totals_offset);
    v.c_size = L::get<std::uint64_t>(p + L::head::totals_size);

    // Each count is at most 2^32, so these sums cannot overflow 64 bits.
    v.a_size = L::head_size + v.blocks * L::entry_size + v.file_lines * L::line_bytes;
    if (v.a_size > v.size)
        return "truncated (" + std::to_string(v.size) + " bytes, its block table needs " +
               std::to_string(v.a_size) + ")";
    if (!v.load(L::head_size, v.a_size - L::head_size)) return "its block table cannot be read";
    if (!v.section_a_sound()) return "its block table fails its checksum";
    if (v.b_size > v.size || v.c_size > v.size) return "its sections run past its end";
    if (v.b_offset != v.a_size || v.b_size < L::line_area_offset(v.blocks) ||
        (v.b_size - L::line_area_offset(v.blocks)) % L::line_bytes != 0 ||
        v.c_offset != v.b_offset + v.b_size)
        return "its sections do not fit together";
    if (v.c_offset + v.c_size != v.size)
        return v.c_offset + v.c_size > v.size
                   ? "truncated (" + std::to_string(v.size) + " bytes, it needs " +
                         std::to_string(v.c_offset + v.c_size) + ")"
                   : std::to_string(v.size - v.c_offset - v.c_size) + " bytes after its end";
    if (v.bloom_bits == 0 || v.record_size == 0) return "its filter or record size is zero";

    const std::size_t lines_in_b = (v.b_size - L::line_area_offset(v.blocks)) / L::line_bytes;
    std::uint64_t next_record = 0;
    std::uint64_t last_offset = 0;
    for (std::size_t i = 0; i < v.blocks; ++i) {
        const std::uint8_t* e = v.entry(i);
        const auto offset = L::get<std::uint64_t>(e + L::entry::offset);
        const auto first = L::get<std::uint64_t>(e + L::entry::first_record);
        const auto records = L::get<std::uint32_t>(e + L::entry::records);
        const std::uint64_t line = L::get<std::uint32_t>(e + L::entry::bloom_line);
        const std::uint64_t lines = L::get<std::uint32_t>(e + L::entry::bloom_lines);
        if (first != next_record || offset < last_offset || offset > v.data_file_size ||
            line + lines > lines_in_b)
            return "block " + std::to_string(i) + " does not fit the file";
        next_record += records;
        last_offset = offset;
    }
    if (next_record != v.flows) return "its blocks do not add up to its flows";
    return {};
}

// Checks bytes already set against the data file's size now: problem
// none, or why the index cannot be used.
BlockIndex::Opened check(IndexBytes& v, std::uint64_t data_file_size) {
    BlockIndex::Opened out;
    if (const std::string reason = parse(v); !reason.empty()) {
        out.problem = IndexProblem::damaged;
        out.message = damaged(v.name, reason);
    } else if (v.data_file_size != data_file_size) {
        out.problem = IndexProblem::stale;
        out.message = stale(v.name, "indexes " + std::to_string(v.data_file_size) +
                                        " bytes, the file has " + std::to_string(data_file_size));
    } else {
        out.problem = IndexProblem::none;
    }
    return out;
}

// A block the index does not have is the caller's mistake, not damage.
void require_block(const IndexBytes& v, std::size_t block) {
    if (block >= v.blocks) throw std::out_of_range(v.name + ": no block " + std::to_string(block));
}

bool older(const struct stat& a, const struct stat& b) {
    if (a.st_mtim.tv_sec != b.st_mtim.tv_sec) return a.st_mtim.tv_sec < b.st_mtim.tv_sec;
    return a.st_mtim.tv_nsec < b.st_mtim.tv_nsec;
}

}  // namespace

struct BlockIndex::View : IndexBytes {};

BlockIndex::BlockIndex(std::unique_ptr<View> view) : view_(std::move(view)) {}
BlockIndex::~BlockIndex() = default;

BlockIndex::Opened BlockIndex::from_bytes(std::vector<std::uint8_t> bytes,
                                          std::uint64_t data_file_size, std::string name) {
    auto v = std::make_unique<View>();
    v->name = std::move(name);
    v->owned = std::move(bytes);
    v->p = v->owned.data();
    v->size = v->owned.size();
    Opened o = check(*v, data_file_size);
    if (o.problem == IndexProblem::none) o.index.reset(new BlockIndex(std::move(v)));
    return o;
}

BlockIndex::Opened BlockIndex::open(const std::filesystem::path& data_file) {
    const std::filesystem::path path = index_path_of(data_file);
    Opened out;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return out;
        out.problem = IndexProblem::damaged;
        out.message = damaged(path.string(), std::string("cannot open: ") + std::strerror(errno));
        return out;
    }
    struct stat index_st {};
    struct stat data_st {};
    const bool index_stat = ::fstat(fd, &index_st) == 0;
    const int index_error = errno;
    if (!index_stat || !S_ISREG(index_st.st_mode)) {
        ::close(fd);
        out.problem = IndexProblem::damaged;
        out.message = damaged(
            path.string(), index_stat ? "not a regular file"
                                      : std::string("cannot stat: ") + std::strerror(index_error));
        return out;
    }
    if (::stat(data_file.c_str(), &data_st) != 0) {
        const int error = errno;
        ::close(fd);
        out.problem = IndexProblem::stale;
        out.message = stale(path.string(),
                            "its data file cannot be read: " + std::string(std::strerror(error)));
        return out;
    }
    auto v = std::make_unique<View>();
    v->name = path.string();
    v->size = static_cast<std::size_t>(index_st.st_size);
    if (v->size > 0) {
        // Uninitialised: only the sections used are ever read into it.
        v->buffer.reset(new std::uint8_t[v->size]);
        v->p = v->buffer.get();
        v->fd = fd;
        if (!v->load(0, std::min<std::size_t>(v->size, L::head_size))) {
            out.problem = IndexProblem::damaged;
            out.message = damaged(path.string(), "its head cannot be read");
            return out;
        }
    } else {
        ::close(fd);
    }
    const bool index_older = older(index_st, data_st);
    Opened o = check(*v, static_cast<std::uint64_t>(data_st.st_size));
    if (o.problem == IndexProblem::none && index_older) {
        o.problem = IndexProblem::stale;
        o.message = stale(path.string(), "older than its data file");
    }
    if (o.problem == IndexProblem::none) o.index.reset(new BlockIndex(std::move(v)));
    return o;
}

const std::string& BlockIndex::name() const {
    return view_->name;
}
std::uint16_t BlockIndex::export_version() const {
    return view_->export_version;
}
std::size_t BlockIndex::record_size() const {
    return view_->record_size;
}
bool BlockIndex::compressed() const {
    return (view_->flags & L::flag_compressed) != 0;
}
std::uint32_t BlockIndex::header_size() const {
    return view_->header_size;
}
std::uint32_t BlockIndex::header_crc() const {
    return view_->header_crc;
}
std::uint64_t BlockIndex::data_file_size() const {
    return view_->data_file_size;
}
std::uint64_t BlockIndex::flows() const {
    return view_->flows;
}
std::size_t BlockIndex::block_records() const {
    return view_->block_records;
}
std::size_t BlockIndex::blocks() const {
    return view_->blocks;
}

IndexBlock BlockIndex::block(std::size_t i) const {
    require_block(*view_, i);
    const std::uint8_t* e = view_->entry(i);
    IndexBlock b;
    b.offset = L::get<std::uint64_t>(e + L::entry::offset);
    b.end_offset = i + 1 < view_->blocks
                       ? L::get<std::uint64_t>(view_->entry(i + 1) + L::entry::offset)
                       : view_->data_file_size;
    b.first_record = L::get<std::uint64_t>(e + L::entry::first_record);
    b.records = L::get<std::uint32_t>(e + L::entry::records);
    b.crc = L::get<std::uint32_t>(e + L::entry::crc);
    b.min_start_ms = static_cast<std::int64_t>(L::get<std::uint64_t>(e + L::entry::min_start));
    b.max_start_ms = static_cast<std::int64_t>(L::get<std::uint64_t>(e + L::entry::max_start));
    b.min_end_ms = static_cast<std::int64_t>(L::get<std::uint64_t>(e + L::entry::min_end));
    b.max_end_ms = static_cast<std::int64_t>(L::get<std::uint64_t>(e + L::entry::max_end));
    return b;
}

bool BlockIndex::file_may_hold(const AddressKey& key) const {
    return detail::bloom_may_hold(view_->file_filter(), detail::address_key_hash(key),
                                  view_->bloom_bits);
}

bool BlockIndex::block_may_hold(std::size_t block, const AddressKey& key) const {
    require_block(*view_, block);
    if (!view_->filters_usable()) return true;
    return detail::bloom_may_hold(view_->block_filter(block), detail::address_key_hash(key),
                                  view_->bloom_bits);
}

bool BlockIndex::block_may_hold_port(std::size_t block, std::uint16_t port) const {
    require_block(*view_, block);
    if (!view_->filters_usable()) return true;
    const std::size_t bit = L::port_bit(port);
    return (view_->maps(block)[bit >> 3] & (1u << (bit & 7u))) != 0;
}

bool BlockIndex::block_may_hold_protocol(std::size_t block, std::uint8_t protocol) const {
    require_block(*view_, block);
    if (!view_->filters_usable()) return true;
    const std::uint8_t* map = view_->maps(block) + L::port_map_bytes;
    return (map[protocol >> 3] & (1u << (protocol & 7u))) != 0;
}

bool BlockIndex::filters_damaged() const {
    return !view_->filters_usable();
}

std::optional<FileTotals> BlockIndex::totals() const {
    if (!view_->totals_usable()) return std::nullopt;
    return detail::decode_totals(
        {view_->p + view_->c_offset, static_cast<std::size_t>(view_->c_size)},
        L::get<std::uint64_t>(view_->p + L::head::totals_raw_size),
        (view_->flags & L::flag_no_port_totals) == 0);
}

std::optional<std::string> BlockIndex::verify_sections() const {
    const IndexBytes& v = *view_;
    if (!v.section_a_sound()) return v.name + ": its block table fails its checksum";
    if (!v.filters_usable()) return v.name + ": its block filters fail their checksum";
    if (!v.totals_usable()) return v.name + ": its totals fail their checksum";
    if (!totals()) return v.name + ": its totals do not inflate";
    return std::nullopt;
}

}  // namespace flowfile
