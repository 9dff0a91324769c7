#pragma once

// flow-capture's command line (flow-capture.md §1): the flow-tools syntax
// exactly as getopt reads it (attached values "-E5G", grouped flags "-Du",
// values that start with '-' such as "-N -3", options and the positional
// argument in any order, "--" ending the options), plus a few long-only
// options of flowkeep's own.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "archive/rotation_schedule.hpp"
#include "flowfile/block_index.hpp"
#include "flowfile/client_order.hpp"
#include "flowfile/header.hpp"
#include "listen_address.hpp"

namespace capture {

// flow-capture exits 1 for every option error (flow-capture.md §12).
inline constexpr int options_exit_code = 1;

// A command line (or flow-capture.conf line) that cannot be used.  what() is
// one line naming the option and the accepted form, without the program
// name: main prints "flow-capture: " + what() and exits with exit_code().
class OptionError : public std::runtime_error {
  public:
    explicit OptionError(const std::string& message, int exit_code = options_exit_code)
        : std::runtime_error(message), exit_code_(exit_code) {}
    int exit_code() const { return exit_code_; }

  private:
    int exit_code_;
};

// Everything flow-capture can be told on its command line.  Defaults are
// flow-tools' defaults.
struct CaptureOptions {
    // What the command line asks for.  Both usage requests exit 0; -h prints
    // to stderr as flow-tools does, --help to stdout as GNU tools do.
    enum class Request { capture, usage_on_stderr, usage_on_stdout, version };
    Request request = Request::capture;

    // --- flow-tools options -------------------------------------------------

    std::string work_dir;  // -w, required; everything else is relative to it
    ListenAddress listen;  // localip/remoteip/port[/ttl], required

    flowfile::ByteOrder byte_order = flowfile::host_byte_order();  // -b big|little
    std::optional<std::string> comment;                            // -C, header comment
    int debug_level = 0;                // -d; not 0: expiry only logs what it would delete
    bool foreground = false;            // -D: no fork, log to stderr, no pidfile
    std::uint64_t expire_count = 0;     // -e; 0 = no limit on the number of files
    std::uint64_t expire_size = 0;      // -E in bytes; 0 = no size limit
    int rotations = default_rotations;  // -n, rotations per day (0..1439)
    int nesting = 3;                    // -N, -3..3
    // -p: pidfile base name (the port is appended: "X.9995").  nullopt after
    // "-p -" or "-p ''", which disable it.
    std::optional<std::string> pid_file = "/var/run/flow-capture.pid";
    std::optional<std::string> post_rotate_program;  // -R
    int stat_interval = 0;                           // -S, minutes 0..60; 0 = no STAT lines
    // -u: keep the inherited umask; otherwise flowkeep sets 027 (files 0640,
    // directories 0750), where flow-tools set 022 in daemon mode only.
    bool keep_umask = false;
    // -V: export version of the files (1, 5, 6, 7 or 1005); 0 = the version
    // of the first valid PDU.
    std::uint16_t export_version = 0;
    // -z: 0 = uncompressed, 1..9 zlib level, -1 = zlib's default (level 6),
    // as flowfile::WriterOptions takes it.
    int compression_level = -1;

    // --- flowkeep's own (long names only) -----------------------------------

    // --flush-interval: how often the open file's compressed data is made
    // readable on disk; bounds what a crash loses.
    std::chrono::seconds flush_interval{5};
    // --status-file: where the daemon keeps its health summary; empty = none.
    std::string status_file;
    // --receive-buffer: socket receive buffer to ask for; flow-tools asks 4 MiB.
    int receive_buffer = 4 * 1024 * 1024;
    // --template-lifetime: seconds a v9/IPFIX template stays usable after it
    // was last announced (RFC 7011 §8.4); 0 keeps it until withdrawn.
    std::int64_t template_lifetime = 1800;
    // --fast: compress with ISA-L's igzip (level 3) instead of zlib at -z.
    bool fast = false;
    // --index-block: records per independently readable block and an ix-
    // index beside each finished file (flow-index(5)); 0 = neither.
    std::size_t index_block = flowfile::default_block_records;
    // --client-networks: the ISP's client prefixes; each finished file's
    // records are put in client order by them.  Empty = arrival order.
    flowfile::ClientNetworks client_networks;
    // --user: switch to this user (and its primary group) after binding the
    // socket and writing the pidfile; empty = stay who we were started as.
    std::string user;
};

// argv as main() gets it (argv[0] is skipped).  Throws OptionError.
CaptureOptions parse_command_line(int argc, const char* const argv[]);

// The arguments alone, without a program name (a flow-capture.conf line).
// Throws OptionError.
CaptureOptions parse_arguments(const std::vector<std::string>& args);

// The --help text: the flow-tools synopsis, then every option with its
// argument, default and meaning, flowkeep's long options, and the flow-tools
// options flowkeep refuses.  Ends with a newline.
std::string usage_text(const std::string& program_name = "flow-capture");

}  // namespace capture
