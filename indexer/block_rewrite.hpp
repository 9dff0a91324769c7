#pragma once

// flow-index --rewrite: a compressed file written without block points (an
// old flow-tools archive) rewritten with a zlib full flush every N records,
// so that its index can name blocks a query inflates alone.  The header
// bytes and the record bytes stay exactly as they were; only the deflate
// data between them changes.  The new file is made beside the original
// under a name no tool takes for a flow file, checked, made durable, and
// renamed over the original, so that an interruption at any point leaves
// the original as it was.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include "data_file.hpp"
#include "index_build.hpp"

namespace flowindex {

// ".rewrite-NAME" beside NAME: flow-tools' programs and flowkeep's
// directory walks take names starting with ft, cf, tmp or ip6. only.
std::filesystem::path rewrite_path_of(const std::filesystem::path& data_file);

// Why a file cannot be rewritten so, or nullopt: only a compressed file has
// flush points to add, and a header with a block checksum table
// (flow-file(5)) would describe the new stream's blocks, not the old one's.
std::optional<std::string> why_not_rewritable(const flowfile::Header& header);

enum class RewriteResult {
    rewritten,  // `index` describes the new file now in place
    busy,       // another flow-index is rewriting the same file
    gone,       // the original was removed meanwhile; nothing was left behind
};

struct Rewrite {
    RewriteResult result = RewriteResult::gone;
    BuiltIndex index;
};

// Rewrites `file` (which why_not_rewritable() accepts) with blocks of
// `block_records` records and returns the index of the new file, to be
// written by the caller.  Keeps the original's owner, group, mode and
// times.  Throws flowfile::Error naming the file and the step that failed;
// the original is then unchanged and the temporary file removed.
Rewrite rewrite_with_block_points(const DataFile& file, std::size_t block_records);

// Removes a ".rewrite-" file an interrupted run left beside `data_file`,
// unless a running flow-index holds it.  Returns whether one was removed.
bool remove_abandoned_rewrite(const std::filesystem::path& data_file);

}  // namespace flowindex
