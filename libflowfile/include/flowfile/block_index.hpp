#pragma once

// The block index beside a finished flow file (flow-index(5)): for each
// block of records the file's writer made inflatable alone (BlockPoint), its
// offset, CRC, flow times, and which addresses, ports and protocols occur in
// it; and the whole file's totals.  A query asks it which blocks can hold a
// match and reads only those; a summary over whole files takes the totals.
// The index is never needed: a query that cannot use it scans the file, and
// the answer is the same.
//
// Addresses are kept in blocked Bloom filters (one per block, one for the
// whole file), which answer "maybe" or "certainly not": a query may read a
// block in vain, never skip one that holds a match.  Each address also
// enters as its covering prefixes (IPv4 /24, IPv6 /64 and /48), so that a
// client's prefix is one probe too.  Source and destination share one
// filter: a conversation's two flows name the same two addresses, so
// keeping the sides apart would double the size for little gain.  Ports
// (either side) and protocols are exact bitmaps per block; ports from 1024
// up share buckets of 64.

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "flowfile/header.hpp"
#include "flowfile/ipv6_text.hpp"
#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"
#include "flowfile/writer.hpp"

namespace flowfile {

// Format version of index files this library writes and reads.
inline constexpr std::uint16_t block_index_version = 1;

// Records per block flow-capture and flow-index use unless told otherwise:
// the measured trade between the size a full flush costs and the share of
// blocks one client's flows touch (tests/bench/README.md).
inline constexpr std::size_t default_block_records = 1024;

// "ix-" + the data file's name, in its directory: a name that starts with
// neither ft, cf nor tmp, which flow-tools' directory readers pass by
// ("ignoring: ix-..."), and which no glob for ft-* or tmp-* catches.
inline constexpr std::string_view index_name_prefix = "ix-";
std::filesystem::path index_path_of(const std::filesystem::path& data_file);
// Whether a directory entry is an index (or an index being written).
bool is_index_file_name(std::string_view name);

// Flows, packets and octets of a set of flows.
struct FlowCounts {
    std::uint64_t flows = 0;
    std::uint64_t packets = 0;
    std::uint64_t octets = 0;

    void add(std::uint64_t packets_, std::uint64_t octets_) {
        ++flows;
        packets += packets_;
        octets += octets_;
    }
    friend bool operator==(const FlowCounts&, const FlowCounts&) = default;
};

// Totals of every flow of the file: all, by protocol, and by source and
// destination port over the TCP, UDP and SCTP flows alone, as flow-stat
// --by protocol, src-port and dst-port count them (other protocols carry
// something else in the port fields, ICMP its type and code).
//
// The port maps are kept only where they are cheap beside the file
// (flow-index(5), "port totals"): a file's ephemeral ports, nearly one key
// per flow, would make them most of the index.  Without them `ports` is
// false, the maps are empty, and a port report scans the file.
struct FileTotals {
    FlowCounts all;
    std::map<std::uint8_t, FlowCounts> protocols;
    bool ports = true;
    std::map<std::uint16_t, FlowCounts> src_ports;
    std::map<std::uint16_t, FlowCounts> dst_ports;

    friend bool operator==(const FileTotals&, const FileTotals&) = default;
};

// One block as the index describes it.
struct IndexBlock {
    std::uint64_t offset = 0;        // BlockPoint::offset
    std::uint64_t end_offset = 0;    // next block's offset, or the data file's size
    std::uint64_t first_record = 0;  // BlockPoint::first_record
    std::uint32_t records = 0;
    std::uint32_t crc = 0;  // CRC-32 (zlib's) of the block's record bytes as stored
    // Bounds of flowfile::flow_times (IPv4) or Record6's start_ms/end_ms over
    // the block's flows; all zero for an empty block.
    std::int64_t min_start_ms = 0;
    std::int64_t max_start_ms = 0;
    std::int64_t min_end_ms = 0;
    std::int64_t max_end_ms = 0;
};

// An address, or the prefix covering one, as the filters hold them.
struct AddressKey {
    enum class Kind : std::uint8_t { ipv4, ipv4_24, ipv6, ipv6_64, ipv6_48 };
    Kind kind = Kind::ipv4;
    std::array<std::uint8_t, 16> bytes{};  // network order; host bits zero

    static AddressKey ipv4(std::uint32_t host_order);
    static AddressKey ipv4_24(std::uint32_t host_order);  // the /24 holding it
    static AddressKey ipv6(const Ipv6Address& a);
    static AddressKey ipv6_64(const Ipv6Address& a);
    static AddressKey ipv6_48(const Ipv6Address& a);
};

// Builds the index of one file from its records, in file order, as they are
// written (flow-capture) or read back (flow-index).
class BlockIndexBuilder {
  public:
    // `header`: the data file's header (export version, byte order,
    // compression); `block_records`: WriterOptions::block_records of the
    // file, or for a file without block points any count (an uncompressed
    // file) or the file's whole flow count (a compressed one: one block).
    BlockIndexBuilder(const Header& header, std::size_t block_records);
    ~BlockIndexBuilder();
    BlockIndexBuilder(const BlockIndexBuilder&) = delete;
    BlockIndexBuilder& operator=(const BlockIndexBuilder&) = delete;

    // Records of an IPv4 file resp. an IPv6 series file; the wrong kind throws.
    void add(std::span<const Record> records);
    void add(std::span<const Record6> records);

    // The encoded index (flow-index(5)).  `points`: where each block begins
    // (Writer::block_points(), one per block_records records);
    // `header_bytes`: the data file's header exactly as it is on disk when
    // finished; `file_size`: the finished data file's size in bytes.
    // Throws flowfile::Error when the points do not fit the records added.
    std::vector<std::uint8_t> finish(std::span<const BlockPoint> points,
                                     std::span<const std::uint8_t> header_bytes,
                                     std::uint64_t file_size);

  private:
    struct State;
    std::unique_ptr<State> state_;
};

// Writes `bytes` as the index of `data_file`, atomically: a temporary
// "ix-NAME.new" in the same directory, fsync, rename over "ix-NAME", fsync of
// the directory.  Throws flowfile::Error naming the file and the reason.
void write_index_file(const std::filesystem::path& data_file, std::span<const std::uint8_t> bytes);

// Why an index could not be used.
enum class IndexProblem {
    none,
    missing,  // no ix- file (an old archive, a tmp- file, indexing turned off)
    stale,    // for another size or header, or older than its data file
    damaged,  // unreadable, wrong magic or version, a checksum that fails
};

// A read-only view of one index file, checked against its data file.  Only
// the parts a query touches are read (the file is mapped): a query over a
// month opens thousands of them.
class BlockIndex {
  public:
    struct Opened {
        std::unique_ptr<BlockIndex> index;  // set iff problem == none
        IndexProblem problem = IndexProblem::missing;
        // One line naming the index and the reason, for stale and damaged:
        // "ix-ft-v05...: stale (indexes 123456 bytes, the file has 130000): scanning the file".
        std::string message;
    };
    // Opens the index of `data_file` and checks its own header, block table
    // and file filter, and that it describes the data file as it is now
    // (size, and an index not older than the file).  The data file's header
    // is checked by read_blocks().
    static Opened open(const std::filesystem::path& data_file);
    // The same from bytes already in memory (tests, flow-index --verify).
    static Opened from_bytes(std::vector<std::uint8_t> bytes, std::uint64_t data_file_size,
                             std::string name);

    ~BlockIndex();
    BlockIndex(const BlockIndex&) = delete;
    BlockIndex& operator=(const BlockIndex&) = delete;

    const std::string& name() const;
    std::uint16_t export_version() const;
    std::size_t record_size() const;
    bool compressed() const;
    std::uint32_t header_size() const;
    std::uint32_t header_crc() const;  // CRC-32 of the data file's header bytes
    std::uint64_t data_file_size() const;
    std::uint64_t flows() const;
    std::size_t block_records() const;

    std::size_t blocks() const;
    IndexBlock block(std::size_t i) const;

    // "Certainly not" (false) or "maybe" (true).  The block filters are
    // checked on first use; when they fail their checksum every probe says
    // "maybe" and filters_damaged() is set (the caller scans the file).
    bool file_may_hold(const AddressKey& key) const;
    bool block_may_hold(std::size_t block, const AddressKey& key) const;
    bool block_may_hold_port(std::size_t block, std::uint16_t port) const;  // either side
    bool block_may_hold_protocol(std::size_t block, std::uint8_t protocol) const;
    bool filters_damaged() const;

    // The file's totals, or nullopt when their section fails its checksum.
    std::optional<FileTotals> totals() const;

    // Checks every section's checksum (flow-index --verify); one line naming
    // the first that fails, or nullopt.
    std::optional<std::string> verify_sections() const;

  private:
    struct View;
    explicit BlockIndex(std::unique_ptr<View> view);
    std::unique_ptr<View> view_;
};

}  // namespace flowfile
