#include "inputs/input_identity.hpp"

#include <sys/stat.h>

#include <set>
#include <utility>

namespace flowquery {

void drop_repeated_sources(std::vector<InputSource>& sources) {
    std::set<std::pair<dev_t, ino_t>> seen;
    bool stdin_seen = false;
    std::vector<InputSource> kept;
    kept.reserve(sources.size());
    for (auto& source : sources) {
        if (source.is_stdin()) {
            if (std::exchange(stdin_seen, true)) continue;
        } else if (struct stat st{}; ::stat(source.path.c_str(), &st) == 0) {
            if (!seen.emplace(st.st_dev, st.st_ino).second) continue;
        }
        kept.push_back(std::move(source));
    }
    sources = std::move(kept);
}

}  // namespace flowquery
