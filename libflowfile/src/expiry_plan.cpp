#include "flowfile/archive.hpp"

namespace flowfile {

ExpiryPlan plan_expiry(std::span<const ExpiryEntry> oldest_first, const ExpiryLimits& limits,
                       std::uint64_t open_file_bytes) {
    ExpiryPlan plan;
    std::uint64_t files = oldest_first.size();
    std::uint64_t bytes = 0;
    for (const auto& e : oldest_first) bytes += e.size;

    std::size_t next = 0;  // removals always come from the head of the list
    auto remove_next = [&](ExpiryRule rule) {
        const ExpiryEntry& e = oldest_first[next++];
        plan.removals.push_back({e, rule});
        --files;
        bytes -= e.size;
    };

    // The open file is not counted: -e N keeps N closed files beside it.
    if (limits.max_files != 0)
        while (files > limits.max_files) remove_next(ExpiryRule::count);
    // The open file's bytes are, so a growing file pushes old ones out; if it
    // alone exceeds the limit every closed file goes.
    if (limits.max_bytes != 0)
        while (files > 0 && bytes + open_file_bytes > limits.max_bytes)
            remove_next(ExpiryRule::size);

    plan.files_left = files;
    plan.bytes_left = bytes;
    return plan;
}

}  // namespace flowfile
