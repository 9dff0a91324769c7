// Writing back what we read from a flow-capture file must give the file
// flow-capture wrote: the same bytes when uncompressed, and when compressed the
// same header and the same inflated record area (file-format.md §5.2 does not
// require the same deflate bytes, only a valid zlib stream).

#include <zlib.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <span>
#include <string_view>
#include <vector>

#include "flowfile/writer.hpp"
#include "golden_check.hpp"
#include "support/files.hpp"
#include "support/temp_dir.hpp"
#include "text_diff.hpp"

using namespace flowkeep_compat;
using namespace std::chrono_literals;
using flowkeep_test::slurp;

namespace {

struct Inflated {
    std::vector<std::uint8_t> bytes;
    bool stream_end = false;
    std::size_t unused_input = 0;  // bytes after the end of the zlib stream
};

Inflated inflate_all(std::span<const std::uint8_t> in) {
    Inflated out;
    z_stream zs{};
    REQUIRE(inflateInit(&zs) == Z_OK);
    zs.next_in = const_cast<Bytef*>(in.data());
    zs.avail_in = static_cast<uInt>(in.size());
    std::vector<std::uint8_t> chunk(64 * 1024);
    int rc = Z_OK;
    while (rc == Z_OK) {
        zs.next_out = chunk.data();
        zs.avail_out = static_cast<uInt>(chunk.size());
        rc = inflate(&zs, Z_NO_FLUSH);
        out.bytes.insert(out.bytes.end(), chunk.data(), chunk.data() + chunk.size() - zs.avail_out);
        if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;  // input ended early
    }
    out.stream_end = rc == Z_STREAM_END;
    out.unused_input = zs.avail_in;
    inflateEnd(&zs);
    return out;
}

// A level that gives the same zlib header as the original, read from its
// FLEVEL bits; only a guess for 2..5 and 7..9, which is enough because only
// the inflated bytes have to match.
int level_of(std::span<const std::uint8_t> zlib_stream) {
    REQUIRE(zlib_stream.size() >= 2);
    switch (zlib_stream[1] >> 6) {
        case 0:
            return 1;
        case 1:
            return 5;
        case 2:
            return Z_DEFAULT_COMPRESSION;
        default:
            return 9;
    }
}

// The complete files flow-capture wrote in the golden set.
std::vector<GoldenCase> capture_files() {
    std::vector<GoldenCase> out;
    for (const char* family : {"files", "pdus", "incomplete", "stream"}) {
        for (auto& c : golden_cases(family)) {
            const std::string dir = c.flow_file.parent_path().filename().string();
            const bool written_by_capture = std::string_view(family) == "files" ||
                                            std::string_view(family) == "pdus" || dir == "final" ||
                                            dir == "in";
            if (written_by_capture) out.push_back(std::move(c));
        }
    }
    return out;
}

// Returns whether the file was compressed, so the caller can tell that both
// kinds were covered.
bool check_round_trip(const GoldenCase& c, const flowkeep_test::TempDir& tmp) {
    INFO(c.id);
    const ReadAll in = read_file(c.flow_file);
    const flowfile::Header& h = in.header;
    const bool usable = in.status.ok() && h.done() && h.export_version && h.cap_end &&
                        h.lost_flows && h.corrupt_packets && h.seq_resets;
    CHECK(usable);
    if (!usable) return h.compressed();
    const std::vector<std::uint8_t> original = slurp(c.flow_file);
    const std::size_t header_size = h.size;
    const std::size_t record_size = flowfile::record_size(*h.export_version).value_or(0);
    REQUIRE(original.size() > header_size);

    // The header as flow-capture wrote it at creation: every TLV present,
    // counters and capture end as placeholders, not yet DONE.
    flowfile::Header created = h;
    created.flags &= ~flowfile::header_flag::done;
    created.cap_end = 0;
    created.flow_count = 0;
    created.lost_flows = 0;
    created.corrupt_packets = 0;
    created.seq_resets = 0;

    const std::span<const std::uint8_t> original_area(original.data() + header_size,
                                                      original.size() - header_size);
    const int level = h.compressed() ? level_of(original_area) : 0;
    const auto path = tmp / c.flow_file.filename().string();
    {
        // Durability is not what this test is about.
        auto w = flowfile::Writer::create(
            path, created,
            {.compression_level = level, .flush_interval = 0ms, .sync_on_flush = false});
        // Datagram-sized writes, as a collector makes them.
        const std::span<const flowfile::Record> all(in.records);
        for (std::size_t i = 0; i < all.size(); i += 30)
            w->write(all.subspan(i, std::min<std::size_t>(30, all.size() - i)));
        w->finish({.cap_end = *h.cap_end,
                   .lost_flows = *h.lost_flows,
                   .corrupt_packets = *h.corrupt_packets,
                   .seq_resets = *h.seq_resets});
    }
    const std::vector<std::uint8_t> ours = slurp(path);

    if (!h.compressed()) {
        CHECK(describe_byte_difference(original, ours, header_size, record_size) == "");
        return false;
    }
    REQUIRE(ours.size() > header_size);
    CHECK(describe_byte_difference(std::span(original).first(header_size),
                                   std::span(ours).first(header_size), header_size, 0) == "");
    const Inflated want = inflate_all(original_area);
    const Inflated got = inflate_all(std::span(ours).subspan(header_size));
    REQUIRE(want.stream_end);
    CHECK(got.stream_end);
    CHECK(got.unused_input == 0);
    CHECK(describe_byte_difference(want.bytes, got.bytes, 0, record_size) == "");
    return true;
}

}  // namespace

TEST_CASE("flow-capture's files written again by our Writer are the same files",
          "[compat][roundtrip]") {
    const auto cases = capture_files();
    // files/ 7 + pdus/ 13 + incomplete/*/final/ 5 + stream/in/ 3.
    CHECK(cases.size() == 28);
    std::size_t compressed = 0;
    flowkeep_test::TempDir tmp;
    for (const auto& c : cases) compressed += check_round_trip(c, tmp);
    // Both halves of the test must have run.
    CHECK(compressed > 0);
    CHECK(compressed < cases.size());
}
