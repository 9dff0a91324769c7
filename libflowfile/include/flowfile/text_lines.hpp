#pragma once

// The line-oriented text files flowkeep reads (flow-capture.conf, a status
// file, a clients file) may be written by an editor on Windows or lack a
// final newline, and their readers name a bad line by its number; one
// splitter keeps every reader counting the same lines.

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string_view>

namespace flowfile {

struct TextLine {
    std::size_t number = 0;  // 1 for the first line
    std::string_view text;   // without its '\n' and a '\r' before it
};

// Lines of a text, in order: cut at each '\n'.  Text after the last '\n' is
// a line too; a final '\n' does not begin another one, so "" has no lines
// and "a\n\n" has two.  The views point into the text given.
class TextLines {
  public:
    explicit TextLines(std::string_view text) : rest_(text) {}

    std::optional<TextLine> next() {
        if (rest_.empty()) return std::nullopt;
        const std::size_t end = std::min(rest_.find('\n'), rest_.size());
        std::string_view line = rest_.substr(0, end);
        rest_.remove_prefix(std::min(end + 1, rest_.size()));
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        return TextLine{++number_, line};
    }

  private:
    std::string_view rest_;
    std::size_t number_ = 0;
};

}  // namespace flowfile
