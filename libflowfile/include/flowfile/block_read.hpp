#pragma once

// Random access inside a flow file: the records of chosen blocks (the
// BlockPoints its writer made, as its index lists them), each block read
// and inflated alone.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "flowfile/block_index.hpp"
#include "flowfile/header.hpp"
#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"

namespace flowfile {

// The records of chosen blocks of a data file, each block read and inflated
// alone and checked against the index's CRC.  `problem` is set (one line
// naming the file and block) when the data file's header is not the one the
// index was made for, or a block fails to inflate or to match its CRC; the
// caller then scans the whole file, which finds and words any damage, and
// uses none of `records`.
template <typename R>
struct BlockRead {
    std::vector<R> records;  // in file order
    std::optional<std::string> problem;
};
template <typename R>
BlockRead<R> read_blocks(const std::filesystem::path& data_file, const Header& header,
                         const BlockIndex& index, std::span<const std::uint32_t> blocks);

extern template BlockRead<Record> read_blocks(const std::filesystem::path&, const Header&,
                                              const BlockIndex&, std::span<const std::uint32_t>);
extern template BlockRead<Record6> read_blocks(const std::filesystem::path&, const Header&,
                                               const BlockIndex&, std::span<const std::uint32_t>);

}  // namespace flowfile
