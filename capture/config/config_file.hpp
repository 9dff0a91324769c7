#pragma once

// /etc/flow-tools/flow-capture.conf (flow-capture.md §13): the packagers'
// convention of one capture per line, each line being flow-capture's
// complete argument list without the program name.  Blank lines and lines
// starting with '#' are skipped.

#include <string>
#include <string_view>
#include <vector>

#include "options.hpp"

namespace capture {

inline constexpr const char* default_config_file = "/etc/flow-tools/flow-capture.conf";

// Splits a line into words the way sh does for a simple command, so a line
// can be pasted from a shell script and back: blanks separate words, '...'
// keeps everything literally, "..." keeps everything but \" \\ \$ \` (which
// drop the backslash), a backslash outside quotes keeps the next character,
// and a word starting with '#' begins a comment.  Nothing is expanded: an
// unquoted or double-quoted $ or ` is refused rather than taken literally,
// since the line's author probably expected a shell to expand it.  Throws
// std::invalid_argument with a one-line message.
std::vector<std::string> split_config_words(std::string_view line);

// A capture line: where it is, for messages that name it, and its words,
// for starting flow-capture with exactly them.
struct ConfigLine {
    int number = 0;                  // 1 for the file's first line
    std::vector<std::string> words;  // split_config_words of the line
    CaptureOptions options;          // parse_arguments of the words
};

// One ConfigLine per capture line, in file order.  Every line is parsed as
// a command line; -h, --help and --version are refused, and so are two
// daemon lines that would write the same pidfile (same -p and port).
// Throws OptionError "NAME:LINE: message" (exit code 1).
std::vector<ConfigLine> parse_config_text(std::string_view text, const std::string& name);

// Reads and parses `path`; an unreadable file is an OptionError naming it.
std::vector<ConfigLine> parse_config_file(const std::string& path = default_config_file);

}  // namespace capture
