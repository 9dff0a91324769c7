#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flowkeep_compat {

// One flow file of the golden set and the outputs the real flow-tools 0.68.5
// produced from it, as copied into tests/data/<family>/ (see the README.md
// there; the layout and names are those of the golden set).
struct GoldenCase {
    std::filesystem::path flow_file;
    std::string id;                    // path below tests/data, for messages
    std::filesystem::path header_txt;  // flow-header stdout
    // Non-empty when header_txt lists several files as "==> NAME <==" blocks.
    std::string header_section;
    std::optional<std::filesystem::path> export_csv;     // flow-export -f2 stdout
    std::optional<std::filesystem::path> export_stderr;  // its "Exported N records"
};

std::filesystem::path data_dir();

// Every flow file (ft-*, tmp-*, *.ft) under tests/data/<family>, sorted by id,
// paired with its goldens.  Walking the directory rather than listing names
// means a new case is picked up; callers assert the count so that a lost copy
// fails.  Throws std::runtime_error when a flow file has no flow-header golden.
std::vector<GoldenCase> golden_cases(std::string_view family);

std::string read_text(const std::filesystem::path& p);

// The flow-header output for this case (its block, for multi-file listings).
std::string golden_header_text(const GoldenCase& c);

// N from flow-export's "NAME: Exported N records" line, if the case has one.
std::optional<std::uint64_t> golden_exported_count(const GoldenCase& c);

}  // namespace flowkeep_compat
