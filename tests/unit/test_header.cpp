#include <catch2/catch.hpp>

#include "flowfile/error.hpp"
#include "flowfile/header.hpp"
#include "spec_examples.hpp"

using namespace flowfile;

namespace {

std::vector<std::uint8_t> head_of(const std::vector<std::uint8_t>& file, std::size_t n) {
    return std::vector<std::uint8_t>(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(n));
}

std::string error_of(const std::vector<std::uint8_t>& bytes) {
    try {
        decode_header(bytes, "f");
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("closed capture header encodes exactly as flow-capture writes it", "[header]") {
    Header h = Header::for_capture(5, 0x6b0b31fb, "vm", false, std::nullopt, ByteOrder::little);
    h.flags |= header_flag::done;
    h.cap_end = 0x6b0b31fc;
    h.flow_count = 2;
    CHECK(encode_header(h) == head_of(spec_examples::little_endian_file(), 80));
}

TEST_CASE("big-endian header with a comment encodes exactly", "[header]") {
    Header h = Header::for_capture(5, 0x6b0b3202, "vm", false, "hello", ByteOrder::big);
    h.flags |= header_flag::done;
    h.cap_end = 0x6b0b3203;
    h.flow_count = 1;
    CHECK(encode_header(h) == head_of(spec_examples::big_endian_file(), 88));
}

TEST_CASE("header of a file being written has placeholders", "[header]") {
    const Header h =
        Header::for_capture(5, 0x6b0b323b, "vm", false, std::nullopt, ByteOrder::little);
    CHECK(encode_header(h) == spec_examples::open_file_header());
}

TEST_CASE("decoding the spec headers gives their values", "[header]") {
    const Header le = decode_header(spec_examples::little_endian_file(), "le");
    CHECK(le.byte_order == ByteOrder::little);
    CHECK(le.size == 80);
    CHECK(le.export_version == 5);
    CHECK(le.cap_start == 0x6b0b31fbu);
    CHECK(le.cap_end == 0x6b0b31fcu);
    CHECK(le.flags == header_flag::done);
    CHECK(le.flow_count == 2u);
    CHECK(le.lost_flows == 0u);
    CHECK(le.corrupt_packets == 0u);
    CHECK(le.seq_resets == 0u);
    CHECK(le.hostname == std::string("vm"));
    CHECK_FALSE(le.comments);
    CHECK_FALSE(le.exporter_ip);
    CHECK_FALSE(le.misordered);

    const Header be = decode_header(spec_examples::big_endian_file(), "be");
    CHECK(be.byte_order == ByteOrder::big);
    CHECK(be.size == 88);
    CHECK(be.cap_start == 0x6b0b3202u);
    CHECK(be.comments == std::string("hello"));
    CHECK(be.flow_count == 1u);

    const Header open = decode_header(spec_examples::open_file_header(), "open");
    CHECK_FALSE(open.done());
    CHECK(open.cap_end == 0u);
    CHECK(open.flow_count == 0u);
}

TEST_CASE("decode then encode reproduces the header bytes", "[header]") {
    for (const auto& file : {spec_examples::little_endian_file(), spec_examples::big_endian_file(),
                             spec_examples::empty_compressed_file()}) {
        const Header h = decode_header(file, "f");
        CHECK(encode_header(h) == head_of(file, h.size));
    }
}

TEST_CASE("unaligned u8 TLVs of a v8 header are decoded", "[header]") {
    const Header h = decode_header(spec_examples::v8_header_prefix(), "v8");
    CHECK(h.size == 88);
    CHECK(h.export_version == 8);
    CHECK(h.agg_version == 2);
    CHECK(h.agg_method == 1);
    CHECK(h.cap_start == 0x6b0b3217u);
    CHECK(h.hostname == std::string("vm"));
    CHECK(encode_header(h) == head_of(spec_examples::v8_header_prefix(), 88));
}

TEST_CASE("unknown TLVs are skipped and a TLV running past H is damage", "[header]") {
    Header h;
    h.byte_order = ByteOrder::little;
    h.export_version = 5;
    h.cap_start = 7;
    std::vector<std::uint8_t> bytes = encode_header(h);
    bytes.resize(8 + 6 + 8 + 8);  // without the padding
    // Append an unknown TLV (type 99, 2 bytes), then fix up H.
    const std::vector<std::uint8_t> unknown = {99, 0, 2, 0, 0xAA, 0xBB};
    bytes.insert(bytes.end(), unknown.begin(), unknown.end());
    bytes[4] = static_cast<std::uint8_t>(bytes.size());
    const Header d = decode_header(bytes, "f");
    CHECK(d.export_version == 5);
    CHECK(d.cap_start == 7u);

    // A hostname TLV whose length runs past the end.  flow-tools ignores the
    // rest of the header; no writer makes one, and what it hides may be the
    // flags or the checksum table, so the header is refused as damaged.
    const std::vector<std::uint8_t> runaway = {15, 0, 50, 0, 'x', 'y', 0, 0};
    bytes.insert(bytes.end(), runaway.begin(), runaway.end());
    bytes[4] = static_cast<std::uint8_t>(bytes.size());
    CHECK_THROWS_WITH(decode_header(bytes, "f"),
                      Catch::Contains("f: header damaged: TLV at byte ") &&
                          Catch::Contains("runs past the header length"));
}

TEST_CASE("a header's checksum table round-trips and its checksum catches damage", "[header]") {
    Header h = Header::for_capture(5, 1760000000, "collector", true);
    h.block_checksums = BlockChecksums::with_room_for(4);
    h.block_checksums->blocks = {{100, 0x11111111}, {250, 0x22222222}};
    const auto bytes = encode_header(h);
    const Header d = decode_header(bytes, "f");
    REQUIRE(d.block_checksums);
    CHECK(d.block_checksums->capacity == 15);
    CHECK(d.block_checksums->blocks == h.block_checksums->blocks);
    CHECK(d.size == bytes.size());
    for (std::size_t i = 0; i + 1 < bytes.size(); ++i) {
        auto damaged = bytes;
        damaged[i] ^= 0x04;
        INFO("byte " << i);
        try {
            const Header x = decode_header(damaged, "f");
            // What may change unseen here: unused table entries and padding,
            // and the entries' own values, which the blocks' CRCs then fail.
            CHECK(x.export_version == h.export_version);
            CHECK(x.flags == h.flags);
            CHECK(x.cap_start == h.cap_start);
            CHECK(x.hostname == h.hostname);
            CHECK(x.size == d.size);
            // A changed type makes the table an unknown TLV: the data it
            // described is then as undamaged as the rest of the header.
            if (x.block_checksums)
                CHECK(x.block_checksums->capacity == d.block_checksums->capacity);
        } catch (const Error&) {
        }
    }
}

TEST_CASE("the last occurrence of a repeated TLV wins", "[header]") {
    Header h;
    h.byte_order = ByteOrder::big;
    h.export_version = 5;
    h.cap_start = 1;
    std::vector<std::uint8_t> bytes = encode_header(h);
    bytes.resize(30);  // drop the padding, append a second capture start, pad again
    const std::vector<std::uint8_t> again = {0, 6, 0, 4, 0, 0, 0, 9, 0, 0};
    bytes.insert(bytes.end(), again.begin(), again.end());
    bytes[7] = static_cast<std::uint8_t>(bytes.size());
    CHECK(decode_header(bytes, "f").cap_start == 9u);
}

TEST_CASE("unusable headers are rejected with a message naming the problem", "[header]") {
    auto good = spec_examples::little_endian_file();

    CHECK(error_of({0xcf, 0x10}) == "f: not a flow file: 2 bytes, too short for a header");

    auto bad_magic = good;
    bad_magic[1] = 0x11;
    CHECK(error_of(bad_magic) == "f: not a flow file: bad magic number");

    auto v2 = good;
    v2[3] = 2;
    CHECK(error_of(v2) == "f: stream format must be 1 or 3, not 2");

    auto v1 = good;
    v1[3] = 1;
    CHECK_THAT(error_of(v1), Catch::Contains("stream version 1"));

    auto order = good;
    order[2] = 7;
    CHECK(error_of(order) == "f: bad byte order 7 in header (expected 1 little or 2 big)");

    CHECK(error_of(head_of(good, 6)) == "f: short read while loading header length");
    CHECK(error_of(head_of(good, 40)) == "f: short read while loading header (40 of 80 bytes)");

    auto huge = good;
    huge[4] = 0;
    huge[5] = 0;
    huge[6] = 1;  // 65536
    CHECK(error_of(huge) == "f: bad header length 65536 (expected 8..16384)");
}

TEST_CASE("strings that cannot be stored are refused when encoding", "[header]") {
    Header h;
    h.export_version = 5;
    h.hostname = std::string("a\0b", 3);
    CHECK_THROWS_AS(encode_header(h), Error);
    h.hostname = std::string(70000, 'x');
    CHECK_THROWS_AS(encode_header(h), Error);
}
