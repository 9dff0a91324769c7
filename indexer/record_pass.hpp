#pragma once

// One pass over every record of a flow file, in file order, with the reader
// of its series (flowfile::open_any: a regular file is inflated whole, the
// fastest way through it).

#include <filesystem>
#include <string>

#include "flowfile/error.hpp"
#include "flowfile/header.hpp"
#include "flowfile/reader.hpp"

namespace flowindex {

// Calls `on_batch` with each batch (std::span<const flowfile::Record> or
// std::span<const flowfile::Record6>) and returns the records read.  Throws
// flowfile::Error when the file cannot be opened, when its header is not
// `expected` (the file was replaced since it was opened) or when its data
// does not end cleanly (the reader's one-line message).
template <typename OnBatch>
std::uint64_t read_every_record(const std::filesystem::path& path, const flowfile::Header& expected,
                                OnBatch&& on_batch) {
    flowfile::AnyReader reader = flowfile::open_any(path);
    auto pass = [&](auto& r) -> std::uint64_t {
        if (r.header() != expected)
            throw flowfile::Error(path.string() + ": changed while being read (another header)");
        for (auto batch = r.next_batch(); !batch.empty(); batch = r.next_batch()) on_batch(batch);
        if (!r.status().ok()) throw flowfile::Error(r.status().message);
        return r.status().records;
    };
    return reader.ipv4 ? pass(*reader.ipv4) : pass(*reader.ipv6);
}

}  // namespace flowindex
