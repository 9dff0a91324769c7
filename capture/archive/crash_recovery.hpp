#pragma once

// On start-up, a tmp- file that no process is writing any more (left by a
// crash, kill -9 or power loss) is turned into a finished ft- file (ip6. for
// a tmp-ip6. file of the IPv6 series) holding every record that can still be
// read.  flow-tools leaves such files as they
// are forever; operators then find "incomplete" files that expiry and scripts
// treat differently.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "flowfile/client_order.hpp"

namespace capture {

struct RecoveredFile {
    std::string tmp_path;    // the leftover
    std::string final_path;  // the ft- file written from it ("" when it was kept)
    std::uint64_t flows = 0;
    std::string problem;  // how the leftover ended (reader status), "" when clean
    bool recovered = false;
    // Why the recovered file has no index although one was asked for; ""
    // when it has one, or none was asked for.
    std::string index_problem;
};

// Walks `work_dir` (no symlinks followed) for tmp- files with flow file names
// at exactly the place this capture's nesting level (-N) would have put them:
// anything else in the tree (copies, other tools' files) is not ours to touch.
// Files locked by a live writer are left alone.  Each leftover is read to its
// end, its flows are written to a new file with the same header and the DONE
// flag (capture end = the leftover's modification time), which is synced and
// renamed to the ft- name; only then is the tmp- file removed.  A leftover
// whose ft- name already exists, or that cannot be read or written, is kept
// and reported.  Never throws for one bad file.
//
// `block_records` (--index-block): the new file gets block points every so
// many records and its ix- index (flow-index(5)) is written beside it once
// it has its name, from the records as they are copied: recovery rewrites
// the file anyway, so the index costs no second read.  An index that cannot
// be written is logged and the file is recovered all the same.  0: neither.
//
// `client_networks` (--client-networks): the records are copied in client
// order (flowfile::order_by_client), as a finished file is; and the copy a
// finish in client order was making when the crash came (".tmp-NAME.ordering"
// beside the leftover, client_order_rewrite) is removed: its leftover, still
// complete in arrival order, is the one recovered.
std::vector<RecoveredFile> recover_leftovers(const std::filesystem::path& work_dir, int nesting,
                                             const std::function<void(const std::string&)>& log,
                                             std::size_t block_records = 0,
                                             const flowfile::ClientNetworks& client_networks = {});

}  // namespace capture
