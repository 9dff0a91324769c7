#pragma once

// The files of tests/data/block_points/: the same flows written twice by
// flowkeep's Writer, without block points and with a full flush every few
// records (WriterOptions::block_records), so that the original flow-tools
// can be run on both and shown to read them alike (issue 14: "the original
// tools read files written with block points exactly as before").  Every
// value is fixed, so writing them again gives the same bytes (with the same
// zlib): a difference means the writer's output changed, and the originals'
// readings must be recorded again (tests/data/block_points/README.md).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "flowfile/record.hpp"

namespace flowkeep_compat {

// Records per block of the "with" files: small, so that each file's 80
// flows make four blocks, the last one short, and the goldens stay small.
inline constexpr std::size_t block_points_block_records = 25;

struct BlockPointsFile {
    std::string name;  // the same in both variants' directories
    std::uint16_t export_version = 5;
    int compression_level = 6;  // 0: uncompressed (-z 0)
    std::uint32_t cap_start = 0;
    std::vector<flowfile::Record> flows;
};

std::vector<BlockPointsFile> block_points_files();

// Writes every file into `root`/without/ and `root`/with/ (creating them,
// replacing files already there) and returns the paths written.  Throws
// flowfile::Error.
std::vector<std::filesystem::path> write_block_points_files(const std::filesystem::path& root);

}  // namespace flowkeep_compat
