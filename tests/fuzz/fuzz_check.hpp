#pragma once

// What the fuzz targets share: a check that turns a broken invariant into a
// crash libFuzzer records (with the input that caused it), and a way to cut
// an input into parts.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace flowkeep_fuzz {

// An invariant the code documents but the input broke.  abort() rather than
// an exception so that no catch in the target can swallow it, and libFuzzer
// saves the input as a crash.
[[noreturn]] inline void fail(const char* what) {
    std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
    std::abort();
}

inline void check(bool ok, const char* what) {
    if (!ok) fail(what);
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Splits at every `separator`; n separators give n + 1 parts, empty ones
// included, so the mutator controls each part independently.
inline std::vector<std::string_view> split(std::string_view text, std::string_view separator) {
    std::vector<std::string_view> parts;
    for (;;) {
        const std::size_t at = text.find(separator);
        if (at == std::string_view::npos) break;
        parts.push_back(text.substr(0, at));
        text.remove_prefix(at + separator.size());
    }
    parts.push_back(text);
    return parts;
}

}  // namespace flowkeep_fuzz
