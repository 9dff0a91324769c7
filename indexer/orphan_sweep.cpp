#include "orphan_sweep.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <system_error>

#include "flowfile/block_index.hpp"

namespace flowindex {

namespace {

constexpr std::string_view rewrite_prefix = ".rewrite-";
constexpr std::string_view index_in_progress_suffix = ".new";

// The data file an entry of flow-index's belongs to, or empty when the entry
// is not one (an index being written, ix-NAME.new, is write_index_file's).
std::string owner_name(const std::string& name) {
    if (name.starts_with(flowfile::index_name_prefix) && !name.ends_with(index_in_progress_suffix))
        return name.substr(flowfile::index_name_prefix.size());
    if (name.starts_with(rewrite_prefix)) return name.substr(rewrite_prefix.size());
    return {};
}

bool held_by_a_run(const std::filesystem::path& p) {
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) return true;  // cannot tell: leave it
    const bool held = ::flock(fd, LOCK_EX | LOCK_NB) != 0;
    ::close(fd);
    return held;
}

}  // namespace

Sweep sweep_orphans(const std::vector<std::filesystem::path>& roots, bool dry_run) {
    Sweep sweep;
    for (const auto& root : roots) {
        std::error_code ec;
        if (!std::filesystem::is_directory(root, ec)) continue;
        for (auto it = std::filesystem::recursive_directory_iterator(
                 root, std::filesystem::directory_options::skip_permission_denied, ec);
             !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
            if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
            const std::string name = it->path().filename().string();
            const std::string owner = owner_name(name);
            if (owner.empty()) continue;
            std::error_code exists_ec;
            if (std::filesystem::exists(
                    std::filesystem::symlink_status(it->path().parent_path() / owner, exists_ec)))
                continue;
            if (name.starts_with(rewrite_prefix) && held_by_a_run(it->path())) continue;
            if (!dry_run && ::unlink(it->path().c_str()) != 0) {
                if (errno != ENOENT)
                    sweep.problems.push_back(it->path().string() +
                                             ": cannot remove: " + std::strerror(errno));
                continue;
            }
            sweep.removed.push_back(it->path());
        }
    }
    return sweep;
}

}  // namespace flowindex
