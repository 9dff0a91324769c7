#pragma once

// flow-capture --client-networks: a finished file, written in arrival order
// (so that a crash loses at most one flush interval), is written again with
// its records in client order (flowfile::order_by_client) before it gets its
// final name, so that the block index finds one client's flows of the file
// in one or two blocks instead of in most of them.  The copy is made beside
// the file under a name no tool takes for a flow file, checked against the
// file's record count, made durable and renamed over it: an interruption or
// a failure at any point leaves the file as it was, complete in arrival
// order.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flowfile/client_order.hpp"
#include "flowfile/writer.hpp"

namespace capture {

// ".NAME.ordering" beside NAME.
std::filesystem::path client_order_staging_path(const std::filesystem::path& file);
// NAME for a file name ".NAME.ordering", else nullopt.
std::optional<std::string> client_order_staging_source(std::string_view filename);

struct ClientOrdered {
    std::uint64_t size = 0;  // of the file now in place
    // The encoded block index of the file now in place (empty when
    // options.block_records is 0, or when it failed: index_problem says why).
    std::vector<std::uint8_t> index;
    std::string index_problem;
};

// Writes the finished file at `path` (`records` records, its header final)
// again in client order with `options` (compression level, block points,
// checksum table) and `counters` (as the file was finished with), and
// renames the copy over it.  Throws flowfile::Error naming the file and the
// problem; `path` is then unchanged and the copy removed.
ClientOrdered rewrite_in_client_order(const std::filesystem::path& path, std::uint64_t records,
                                      const flowfile::ClientNetworks& networks,
                                      const flowfile::WriterOptions& options,
                                      const flowfile::CloseCounters& counters);

}  // namespace capture
