#include "inputs/input_selection.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "flowfile/error.hpp"
#include "inputs/input_identity.hpp"
#include "time/time_spec.hpp"
#include "tools/usage_error.hpp"

namespace flowquery {

namespace {

// Every time an option can name (time_spec.hpp): 1970 to the end of 9999.
constexpr flowfile::TimeWindow whole_history{0, max_time_point + 1};

void add_tree(const std::string& root, const InputSpec& spec, InputSelection& out) {
    flowfile::ArchiveListing listing;
    try {
        listing = flowfile::list_window(root, spec.window.value_or(whole_history));
    } catch (const flowfile::Error& e) {
        // A directory the user may not read is an input that could not be
        // read (exit 1), not a bad option value.
        out.problems.push_back(e.what());
        return;
    }
    for (const auto& f : listing.files) {
        if (!(f.name.ipv6_series() ? spec.ipv6_files : spec.ipv4_files)) continue;
        out.sources.push_back(InputSource{f.path});
    }
    for (const auto& p : listing.problems) out.problems.push_back(p.path + ": " + p.message);
}

bool is_directory(const std::string& path, const char* what) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw UsageError(std::string(what) + path + ": " + std::strerror(errno));
    return S_ISDIR(st.st_mode);
}

}  // namespace

InputSelection select_inputs(const InputSpec& spec) {
    InputSelection out;
    if (spec.archive_root) {
        if (!is_directory(*spec.archive_root, "-w "))
            throw UsageError("-w " + *spec.archive_root + ": not a directory");
        add_tree(*spec.archive_root, spec, out);
    }
    for (const auto& path : spec.paths) {
        if (path == "-") {
            out.sources.push_back(InputSource{});
            continue;
        }
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) {
            // A missing file is an input that could not be read: the others
            // are still read, and the exit status is 1.
            out.problems.push_back(path + ": " + std::strerror(errno));
        } else if (S_ISDIR(st.st_mode)) {
            add_tree(path, spec, out);
        } else {
            out.sources.push_back(InputSource{path});
        }
    }
    if (!spec.archive_root && spec.paths.empty()) out.sources.push_back(InputSource{});
    drop_repeated_sources(out.sources);
    return out;
}

}  // namespace flowquery
