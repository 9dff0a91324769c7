#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "flowfile/archive.hpp"

namespace flowquery {

// Where a query reads its flows from, as the operator gave it.
struct InputSpec {
    std::vector<std::string> paths;           // files and directories, in order
    std::optional<std::string> archive_root;  // -w DIR
    // --from/--to; also narrows which files of a directory are opened.
    std::optional<flowfile::TimeWindow> window;
    // Which series a directory's files are taken from: a query whose
    // address filters are all of one family cannot match a flow of the
    // other (FlowFilter::accepts_ipv4/accepts_ipv6), so it skips its files.
    bool ipv4_files = true;
    bool ipv6_files = true;
};

// One stream to read: a file, or standard input when `path` is empty.
struct InputSource {
    std::string path;
    bool is_stdin() const { return path.empty(); }
    std::string display_name() const { return is_stdin() ? "standard input" : path; }
};

struct InputSelection {
    std::vector<InputSource> sources;
    // Directories that could not be read, one line each; the query goes on.
    std::vector<std::string> problems;
};

// Expands the inputs into the streams to read, in a deterministic order:
//   * nothing given: standard input;
//   * -w DIR: the flow files of the archive whose names say they can hold
//     flows of the window (flowfile::list_window), oldest first, of both
//     series (ft- and ip6.) unless ipv4_files or ipv6_files says otherwise;
//     tmp- files of the capture in progress included;
//   * a directory argument: the same, below that directory (the whole tree
//     when there is no window); names that are not flow file names
//     (ft-, tmp-, cf-, ip6., tmp-ip6.) are skipped;
//   * a file argument: that file, whatever its name and series;
//   * "-": standard input.
// A file reached twice (named twice, or by name and through a directory) is
// read once, at its first place (drop_repeated_sources).  A path that does
// not exist, or a directory that cannot be listed, is one line of
// `problems`.  Throws UsageError when -w is not a directory.
InputSelection select_inputs(const InputSpec& spec);

}  // namespace flowquery
