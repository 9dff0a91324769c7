#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "flowfile/header.hpp"
#include "flowfile/reader.hpp"
#include "inputs/input_selection.hpp"

namespace flowquery {

// The inputs of `flow-stat -f N FILE|DIR...` read one after the other as
// one stream, the way `flow-cat DIR | flow-stat -f N` reads them: the
// flow-tools files in the query tools' order (select_inputs), and the IPv6
// series files counted and left out, since the original's reports hold
// IPv4 records only.  A file that cannot be opened or read to its end is
// named on `err` ("program: FILE: ...") and the rest is read.
class LegacyStatFiles {
  public:
    LegacyStatFiles(std::vector<InputSource> sources, int stdin_fd, std::string program,
                    std::ostream& err);

    // The header of the first flow-tools file (opened if need be), which
    // heads the report (-p) and says which fields it has; nullopt when
    // there is none.
    const std::optional<flowfile::Header>& first_header();

    // The next records of the flow-tools files; empty at the end of the last.
    std::span<const flowfile::Record> next_batch();

    // Reads what is left (the IPv6 files after the last flow-tools one are
    // counted only then).
    void finish();

    std::uint64_t ipv6_flows_left_out() const { return ipv6_flows_; }
    std::size_t problems() const { return problems_; }
    // Files of either series opened so far.
    std::size_t files_opened() const { return files_opened_; }
    void add_problem(const std::string& line);

  private:
    bool open_next();

    std::vector<InputSource> sources_;
    std::size_t next_ = 0;
    int stdin_fd_;
    std::string program_;
    std::ostream& err_;
    std::unique_ptr<flowfile::Reader> current_;
    std::optional<flowfile::Header> first_header_;
    std::uint64_t ipv6_flows_ = 0;
    std::size_t problems_ = 0;
    std::size_t files_opened_ = 0;
};

// The line flow-stat -f prints on stderr when it left IPv6 flows out.
std::string ipv6_left_out_line(std::string_view program, std::uint64_t flows);

}  // namespace flowquery
