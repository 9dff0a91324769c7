#include "options.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <sstream>

#include "flowfile/archive.hpp"
#include "flowfile/error.hpp"

namespace po = boost::program_options;

namespace capture {

namespace {

// ---------------------------------------------------------------------------
// Messages

// Values are shown as typed; only an empty value or one with blanks is quoted,
// so the message stays unambiguous on one line.
std::string shown(const std::string& value) {
    const bool plain = !value.empty() && std::none_of(value.begin(), value.end(), [](char c) {
        return std::isspace(static_cast<unsigned char>(c)) != 0;
    });
    return plain ? value : "\"" + value + "\"";
}

// "-b" for a short option key, "--flush-interval" for a long one.
std::string option_label(const std::string& key) {
    return key.size() == 2 && key[0] == '-' ? key : "--" + key;
}

[[noreturn]] void fail(const std::string& key, const std::string& value, const std::string& why) {
    throw OptionError(option_label(key) + " " + shown(value) + ": " + why);
}

[[noreturn]] void unsupported(const std::string& key, const char* feature, const char* extra = "") {
    throw OptionError("option " + option_label(key) + " (" + feature +
                      ") is not supported by flowkeep; remove it from the command line" + extra);
}

// ---------------------------------------------------------------------------
// Numbers: strict decimal, where flow-tools' atoi() would have taken "5x" as 5
// and "x" as 0 without a word.

long long whole_number(const std::string& key, const std::string& value,
                       const std::string& accepted) {
    long long n = 0;
    const char* first = value.data();
    const char* last = value.data() + value.size();
    if (first != last && *first == '+') ++first;
    const auto [end, ec] = std::from_chars(first, last, n);
    if (value.empty() || ec != std::errc() || end != last)
        fail(key, value, "not a whole number (accepted: " + accepted + ")");
    return n;
}

long long number_in(const std::string& key, const std::string& value, long long min, long long max,
                    const std::string& accepted, const std::string& why = {}) {
    const long long n = whole_number(key, value, accepted);
    if (n < min || n > max)
        fail(key, value, why.empty() ? "out of range (accepted: " + accepted + ")" : why);
    return n;
}

std::uint64_t count_value(const std::string& key, const std::string& value,
                          const std::string& accepted) {
    std::uint64_t n = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (value.empty() || ec != std::errc() || end != value.data() + value.size())
        fail(key, value, "not a whole number (accepted: " + accepted + ")");
    return n;
}

// ---------------------------------------------------------------------------
// -V: flow-capture reads "%u" optionally followed by ".%u" (8.M picks the v8
// aggregation method).  flowfile writes v1, v5, v6, v7 and v1005 only, so
// every other version is refused here rather than at the first file, where
// flow-capture fails after leaving an empty tmp- file behind.

std::uint16_t export_version_value(const std::string& key, const std::string& value) {
    const std::string accepted = " (accepted: 1, 5, 6, 7 or 1005)";
    auto digits = [](std::string_view s) {
        return !s.empty() && s.size() <= 9 && std::all_of(s.begin(), s.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c)) != 0;
        });
    };
    const auto dot = value.find('.');
    const std::string_view major = std::string_view(value).substr(0, dot);
    if (!digits(major) || (dot != std::string::npos && !digits(value.substr(dot + 1))))
        fail(key, value, "Version scan failed" + accepted);
    const unsigned long version = std::stoul(std::string(major));
    if (version == 8)
        fail(key, value, "version 8 aggregation files are not supported by flowkeep" + accepted);
    if (dot != std::string::npos)
        fail(key, value, "only version 8 takes an aggregation method" + accepted);
    if (version != 1 && version != 5 && version != 6 && version != 7 && version != 1005)
        fail(key, value, "Unsupported d_version " + std::to_string(version) + accepted);
    return static_cast<std::uint16_t>(version);
}

// ---------------------------------------------------------------------------
// The option table: one row per option drives parsing, the usage synopsis and
// --help.

enum class Group { flow_tools, compatibility, refused, flowkeep };

// How the usage synopsis shows an option.  It keeps flow-capture 0.68.5's
// synopsis: short options by letter, each lowercase letter before its
// capital, then the long options in table order.
enum class Synopsis {
    bracketed,      // "[-x value]", "[-x]", "[--name value]"
    capital_first,  // bracketed, but before its lowercase letter: flow-tools lists -C before -c
    bundled,        // a switch in the leading bundle of switches, "[-hu]"
    required,       // unbracketed after every optional one, "-w workdir"
};

using Apply = void (*)(CaptureOptions&, const std::string& key, const std::string& value);

struct OptionRow {
    const char* names;       // Boost.Program_options syntax: ",b" short only, "name" long only
    const char* value_name;  // nullptr: a switch
    Group group;
    const char* help;
    Apply apply;
    Synopsis synopsis = Synopsis::bracketed;
};

const OptionRow option_rows[] = {
    {",b", "big|little", Group::flow_tools,
     "byte order of the files (default: this host's, little on x86)",
     [](CaptureOptions& o, const std::string& k, const std::string& v) {
         std::string lower = v;
         std::transform(lower.begin(), lower.end(), lower.begin(),
                        [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
         if (lower == "big")
             o.byte_order = flowfile::ByteOrder::big;
         else if (lower == "little")
             o.byte_order = flowfile::ByteOrder::little;
         else
             fail(k, v, "expecting \"big\" or \"little\" at -b");
     }},
    {",C", "comment", Group::flow_tools, "comment stored in the header of every file",
     [](CaptureOptions& o, const std::string&, const std::string& v) { o.comment = v; },
     Synopsis::capital_first},
    {",d", "debug_level", Group::flow_tools,
     "debug level; not 0: expiry logs what it would remove and removes nothing (default 0)",
     [](CaptureOptions& o, const std::string& k, const std::string& v) {
         o.debug_level = static_cast<int>(
             number_in(k, v, 0, std::numeric_limits<int>::max(), "a whole number, 0 or more"));
     }},
    {",D", nullptr, Group::flow_tools,
     "stay in the foreground and log to stderr; no pidfile is written",
     [](CaptureOptions& o, const std::string&, const std::string&) { o.foreground = true; }},
    {",e", "expire_count", Group::flow_tools,
     "keep at most this many finished files in workdir, removing the oldest (default 0: no "
     "limit)",
     [](CaptureOptions& o, const std::string& k, const std::string& v) {
         o.expire_count = count_value(k, v, "a number of files, 0 for no limit");
     }},
    {",E", "expire_size[bKMG]", Group::flow_tools,
     "keep the files in workdir within this total size, removing the oldest; suffix b = 512 "
     "bytes, K, M, G = 1024, 1024^2, 1024^3 bytes (default 0: no limit)",
     [](CaptureOptions& o, const std::string& k, const std::string& v) {
         try {
             o.expire_size = flowfile::parse_size_limit(v);
         } catch (const flowfile::Error& e) {
             throw OptionError(option_label(k) + ": scan_size(): failed: " + e.what());
         }
     }},
    {",h", nullptr, Group::flow_tools, "print this text to stderr and exit",
     [](CaptureOptions& o, const std::string&, const std::string&) {
         o.request = CaptureOptions::Request::usage_on_stderr;
     },
     Synopsis::bundled},
    {",n", "rotations", Group::flow_tools,
     "start a new file rotations+1 times a day, every 86400/(rotations+1) seconds counted from "
     "local midnight, 0..1439 (default 95: every 15 minutes)",
     [](CaptureOptions& o, const std::string& k, const std::string& v) {
         const long long n =
             whole_number(k, v, "0.." + std::to_string(max_rotations) + " rotations per day");
         try {
             check_rotations(n);
         } catch (const std::invalid_argument& e) {
             throw OptionError(e.what());
         }
         o.rotations = static_cast<int>(n);
     }},
    {",N", "nesting_level", Group::flow_tools,
     "directories of the files: 0 none, 1 YYYY, 2 YYYY/YYYY-MM, 3 YYYY/YYYY-MM/YYYY-MM-DD, "
     "-1 YYYY-MM-DD, -2 YYYY-MM/YYYY-MM-DD, -3 as 3 (default 3)",
     [](CaptureOptions& o, const std::string& k, const std::string& v) {
         const long long n = whole_number(k, v, "-3..3");
         try {
             if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max())
                 throw flowfile::Error("out of range");
             flowfile::check_nesting_level(static_cast<int>(n));
         } catch (const flowfile::Error&) {
             fail(k, v, "-3 <= nesting level <= 3");
         }
         o.nesting = static_cast<int>(n);
     }},
    {",p", "pidfile", Group::flow_tools,
     "pidfile name; the UDP port is appended (\"pidfile.9995\"); written only when running as "
     "a daemon; - or \"\" for none (default /var/run/flow-capture.pid)",
     [](CaptureOptions& o, const std::string&, const std::string& v) {
         if (v.empty() || v == "-")
             o.pid_file.reset();
         else
             o.pid_file = v;
     }},
    {",R", "rotate_program", Group::flow_tools,
     "after each file is finished, run this program with the file's path relative to workdir "
     "as its only argument",
     [](CaptureOptions& o, const std::string& k, const std::string& v) {
         if (v.empty()) fail(k, v, "expecting a program path");
         o.post_rotate_program = v;
     }},
    {",S", "stat_interval", Group::flow_tools,
     "log a STAT line per exporter every stat_interval minutes, 0..60 (default 0: none)",
     [](CaptureOptions& o, const std::string& k, const std::string& v) {
         o.stat_interval = static_cast<int>(
             number_in(k, v, 0, 60, "0..60 minutes", "Stat interval must be between 0 and 60."));
     }},
    {",u", nullptr, Group::flow_tools,
     "keep the inherited umask; without -u flowkeep sets umask 027, so files are 0640 and "
     "directories 0750 (flow-tools: 022, as a daemon only)",
     [](CaptureOptions& o, const std::string&, const std::string&) { o.keep_umask = true; },
     Synopsis::bundled},
    {",V", "pdu_version", Group::flow_tools,
     "export version of the files: 1, 5, 6, 7 or 1005; PDUs of the other versions except v8 "
     "are translated to it (default: the version of the first valid PDU; 5 when that is "
     "NetFlow v9 or IPFIX)",
     [](CaptureOptions& o, const std::string& k, const std::string& v) {
         o.export_version = export_version_value(k, v);
     }},
    {",w", "workdir", Group::flow_tools,
     "directory the files are written to (required); relative paths of -p and -R start here",
     [](CaptureOptions& o, const std::string& k, const std::string& v) {
         if (v.empty()) fail(k, v, "Specify workdir with -w.");
         o.work_dir = v;
     },
     Synopsis::required},
    {",z", "z_level", Group::flow_tools, "compression: 0 none, 1..9 zlib level (default 6)",
     [](CaptureOptions& o, const std::string& k, const std::string& v) {
         o.compression_level = static_cast<int>(
             number_in(k, v, 0, 9, "0..9", "Compression level must be between 0 and 9"));
     }},

    // flow-tools options whose only use is with -F, -T or -X: as in flow-tools
    // they do nothing on their own, so an old command line keeps working.
    {",f", "filter_fname", Group::compatibility, "filter file, used only with -F",
     [](CaptureOptions&, const std::string&, const std::string&) {}},
    {",t", "tag_fname", Group::compatibility, "tag file, used only with -T",
     [](CaptureOptions&, const std::string&, const std::string&) {}},
    {",x", "xlate_fname", Group::compatibility, "translation file, used only with -X",
     [](CaptureOptions&, const std::string&, const std::string&) {}},
    {",v", "VAR=value", Group::compatibility,
     "variable for @VAR in the filter, tag and translation files",
     [](CaptureOptions&, const std::string&, const std::string&) {}},

    // Features flowkeep does not carry: refusing them beats capturing
    // something other than what the operator asked for.
    {",c", "flow_clients", Group::refused,
     "TCP clients receiving the flows as they are captured (-c 0, the default, is accepted)",
     [](CaptureOptions&, const std::string& k, const std::string& v) {
         if (count_value(k, v, "0; flowkeep has no TCP clients") != 0)
             unsupported(k, "TCP flow clients", " (-c 0 is accepted)");
     }},
    {",F", "filter_definition", Group::refused, "filter the flows before writing them",
     [](CaptureOptions&, const std::string& k, const std::string&) { unsupported(k, "filter"); }},
    {",T", "tag_active", Group::refused, "tag the flows (output version 1005)",
     [](CaptureOptions&, const std::string& k, const std::string&) { unsupported(k, "tagging"); }},
    {",X", "xlate_active", Group::refused, "translate the flows before writing them",
     [](CaptureOptions&, const std::string& k, const std::string&) {
         unsupported(k, "translation");
     }},

    {"flush-interval", "SECONDS", Group::flowkeep,
     "make the open file readable on disk at least every SECONDS, bounding what a crash "
     "loses, 1..3600 (default 5)",
     [](CaptureOptions& o, const std::string& k, const std::string& v) {
         o.flush_interval = std::chrono::seconds(number_in(k, v, 1, 3600, "1..3600 seconds"));
     }},
    {"status-file", "PATH", Group::flowkeep,
     "keep a health summary (counters, open file, last error) in PATH for monitoring "
     "(default: none)",
     [](CaptureOptions& o, const std::string& k, const std::string& v) {
         if (v.empty()) fail(k, v, "expecting a file path");
         o.status_file = v;
     }},
    {"receive-buffer", "BYTES", Group::flowkeep,
     "UDP receive buffer to ask the kernel for, suffix K, M or G allowed, 64K..1G (default "
     "4M, as flow-tools); Linux caps it at net.core.rmem_max",
     [](CaptureOptions& o, const std::string& k, const std::string& v) {
         const std::string accepted = "(accepted: 65536..1073741824 bytes, e.g. 8M)";
         std::uint64_t bytes = 0;
         try {
             bytes = flowfile::parse_size_limit(v);
         } catch (const flowfile::Error&) {
             fail(k, v, "not a size " + accepted);
         }
         if (bytes < 65536 || bytes > 1073741824) fail(k, v, "out of range " + accepted);
         o.receive_buffer = static_cast<int>(bytes);
     }},
    {"template-lifetime", "SECONDS", Group::flowkeep,
     "forget a NetFlow v9/IPFIX template SECONDS after its exporter last sent it, 0..86400 "
     "(0: keep until withdrawn; default 1800, RFC 7011's advice for UDP)",
     [](CaptureOptions& o, const std::string& k, const std::string& v) {
         o.template_lifetime = number_in(k, v, 0, 86400, "0..86400 seconds");
     }},
    {"index-block", "RECORDS", Group::flowkeep,
     "end an independently readable block every RECORDS records and write an ix- index "
     "beside each finished file for the query tools, 0 or 64..1048576 (0: neither, "
     "flow-tools' exact layout; default 1024)",
     [](CaptureOptions& o, const std::string& k, const std::string& v) {
         const std::string accepted = "0 (off) or 64..1048576 records";
         const long long n = number_in(k, v, 0, 1048576, accepted);
         if (n != 0 && n < 64) fail(k, v, "out of range (accepted: " + accepted + ")");
         o.index_block = static_cast<std::size_t>(n);
     }},
    {"client-networks", "PREFIXES", Group::flowkeep,
     "the ISP's client address space, e.g. 10.0.0.0/8,100.64.0.0/10,2001:db8::/32: each "
     "finished file is written again with its flows in client order (by the address that "
     "lies in PREFIXES), so that the block index finds one client's flows of a file in one or "
     "two blocks (default: none, arrival order)",
     [](CaptureOptions& o, const std::string& k, const std::string& v) {
         try {
             o.client_networks = flowfile::ClientNetworks::parse(v);
         } catch (const flowfile::Error& e) {
             std::string why = e.what();
             const std::string prefix = "client networks: ";
             if (why.starts_with(prefix)) why.erase(0, prefix.size());
             fail(k, v, why);
         }
         if (o.client_networks.empty()) fail(k, v, "expecting IPv4 or IPv6 prefixes");
     }},
    {"fast", nullptr, Group::flowkeep,
     "compress with ISA-L igzip instead of zlib: about a tenth of the CPU for files about 10% "
     "larger, still ordinary flow-tools files; no effect with -z 0",
     [](CaptureOptions& o, const std::string&, const std::string&) { o.fast = true; }},
    {"user", "NAME", Group::flowkeep,
     "after binding the socket and writing the pidfile, switch to user NAME (or a numeric "
     "uid) and its primary group, dropping every other group; the start is refused when NAME "
     "does not exist or the switch fails",
     [](CaptureOptions& o, const std::string& k, const std::string& v) {
         if (v.empty()) fail(k, v, "expecting a user name");
         o.user = v;
     }},
    {"config", "FILE", Group::flowkeep,
     "start one capture per line of FILE (flow-capture.conf: each line the arguments of one "
     "flow-capture); must be the only option",
     [](CaptureOptions&, const std::string&, const std::string& v) {
         throw OptionError("--config " + v +
                           ": must be the only argument (flow-capture --config FILE)");
     }},
    {"help", nullptr, Group::flowkeep, "print this text to stdout and exit",
     [](CaptureOptions& o, const std::string&, const std::string&) {
         o.request = CaptureOptions::Request::usage_on_stdout;
     }},
    {"version", nullptr, Group::flowkeep, "print the version and exit",
     [](CaptureOptions& o, const std::string&, const std::string&) {
         o.request = CaptureOptions::Request::version;
     }},
};

const OptionRow* find_row(const std::string& key) {
    for (const OptionRow& row : option_rows) {
        const std::string names = row.names;
        // key[0] first: Boost names an option "" for a bare "--=", which has
        // no substr(1).
        if ((names[0] == ',' && key[0] == '-' && names.substr(1) == key.substr(1)) || names == key)
            return &row;
    }
    return nullptr;
}

const char* group_caption(Group g) {
    switch (g) {
        case Group::flow_tools:
            return "flow-tools options";
        case Group::compatibility:
            return "Accepted for compatibility (alone they do nothing, as in flow-tools)";
        case Group::refused:
            return "flow-tools features flowkeep does not carry (the start is refused)";
        case Group::flowkeep:
            return "flowkeep options";
    }
    return "";
}

po::options_description describe(Group group, unsigned line_length = 80) {
    po::options_description desc(group_caption(group), line_length, line_length / 2);
    for (const OptionRow& row : option_rows) {
        if (row.group != group) continue;
        if (row.value_name)
            desc.add_options()(row.names, po::value<std::string>()->value_name(row.value_name),
                               row.help);
        else
            desc.add_options()(row.names, row.help);
    }
    return desc;
}

po::options_description all_options() {
    po::options_description all;
    for (Group g : {Group::flow_tools, Group::compatibility, Group::refused, Group::flowkeep})
        all.add(describe(g));
    return all;
}

// getopt's reading of a short-option word, which Boost's own short parser
// does not give: the value of an option is the rest of the word or else the
// next word, whatever it looks like ("-N -3", "-C -D", "-p -"), and flags
// may be grouped in front of it ("-DuE5G").  Words starting with "--", and
// "-" alone, are left to Boost.
po::command_line_parser::style_parser getopt_short_options(const po::options_description& desc) {
    return [&desc](std::vector<std::string>& args) {
        std::vector<po::option> result;
        const std::string word = args.front();
        if (word.size() < 2 || word[0] != '-' || word[1] == '-') return result;
        args.erase(args.begin());
        for (std::size_t i = 1; i < word.size(); ++i) {
            po::option opt;
            opt.string_key = std::string("-") + word[i];
            opt.original_tokens.push_back(opt.string_key);
            const po::option_description* d = desc.find_nothrow(opt.string_key, false);
            if (d != nullptr && d->semantic()->max_tokens() > 0) {
                if (i + 1 < word.size()) {
                    opt.value.push_back(word.substr(i + 1));
                } else if (!args.empty()) {
                    opt.value.push_back(args.front());
                    args.erase(args.begin());
                }
                // Without a value Boost reports the missing argument.
                result.push_back(opt);
                break;
            }
            result.push_back(opt);
            if (d == nullptr) break;  // Boost reports the unknown option
        }
        return result;
    };
}

std::string value_name_of(const std::string& key) {
    const OptionRow* row = find_row(key);
    return row && row->value_name ? row->value_name : "value";
}

OptionError translate(const po::error& e) {
    const std::string see = " (see --help for the accepted options)";
    if (const auto* u = dynamic_cast<const po::unknown_option*>(&e))
        return OptionError("unknown option " + u->get_option_name() + see);
    if (const auto* s = dynamic_cast<const po::invalid_command_line_syntax*>(&e)) {
        // Boost spells every name with its canonical "--" prefix; one letter
        // means a short option here.
        std::string bare = s->get_option_name();
        bare.erase(0, bare.find_first_not_of('-'));
        const std::string key = bare.size() == 1 ? "-" + bare : bare;
        const std::string name = option_label(key);
        switch (s->kind()) {
            case po::invalid_syntax::missing_parameter:
                return OptionError("option " + name + " needs a value: " + name + " " +
                                   value_name_of(key));
            case po::invalid_syntax::extra_parameter:
                return OptionError("option " + name + " takes no value");
            case po::invalid_syntax::empty_adjacent_parameter:
                return OptionError("option " + name + " needs a value after '=': " + name + "=" +
                                   value_name_of(key));
            default:
                break;
        }
    }
    return OptionError(std::string(e.what()) + see);
}

// ---------------------------------------------------------------------------
// The usage synopsis, from the option table.

bool is_short(const OptionRow& row) {
    return row.names[0] == ',';
}

// "-b big|little", "-D", "--flush-interval SECONDS".
std::string synopsis_word(const OptionRow& row) {
    std::string word =
        is_short(row) ? std::string("-") + row.names[1] : "--" + std::string(row.names);
    if (row.value_name) word += std::string(" ") + row.value_name;
    return word;
}

// Short options by letter, the lowercase one first unless the row puts its
// capital first; long options after them, in table order.
int synopsis_rank(const OptionRow& row) {
    if (!is_short(row)) return std::numeric_limits<int>::max();
    const auto letter = static_cast<unsigned char>(row.names[1]);
    const int place = row.synopsis == Synopsis::capital_first ? 0 : std::isupper(letter) ? 2 : 1;
    return std::tolower(letter) * 3 + place;
}

// The words of the synopsis, each kept on one line when it is wrapped.
std::vector<std::string> synopsis_words() {
    std::vector<const OptionRow*> rows;
    for (const OptionRow& row : option_rows) rows.push_back(&row);
    std::stable_sort(rows.begin(), rows.end(), [](const OptionRow* a, const OptionRow* b) {
        return synopsis_rank(*a) < synopsis_rank(*b);
    });
    std::string bundle;
    std::vector<std::string> words;
    std::string required;
    for (const OptionRow* row : rows) {
        switch (row->synopsis) {
            case Synopsis::bundled:
                bundle += row->names[1];
                break;
            case Synopsis::required:
                required += synopsis_word(*row) + " ";
                break;
            case Synopsis::bracketed:
            case Synopsis::capital_first:
                words.push_back(std::string("[").append(synopsis_word(*row)).append("]"));
                break;
        }
    }
    if (!bundle.empty()) words.insert(words.begin(), "[-" + bundle + "]");
    words.push_back(required + "localip/remoteip/port");
    return words;
}

}  // namespace

CaptureOptions parse_arguments(const std::vector<std::string>& args) {
    const po::options_description desc = all_options();
    std::vector<po::option> parsed;
    try {
        // Guessing is off: a prefix of a long option is not that option, so
        // adding an option later cannot change what an old line means.
        parsed =
            po::command_line_parser(args)
                .options(desc)
                .style(po::command_line_style::unix_style ^ po::command_line_style::allow_guessing)
                .extra_style_parser(getopt_short_options(desc))
                .run()
                .options;
    } catch (const po::error& e) {
        throw translate(e);
    }

    // Applied in command-line order, as getopt's loop does: the last of a
    // repeated option wins and -h stops at once.
    CaptureOptions options;
    std::vector<std::string> positional;
    for (const po::option& opt : parsed) {
        if (opt.string_key.empty()) {
            positional.push_back(opt.value.front());
            continue;
        }
        const OptionRow* row = find_row(opt.string_key);
        if (row == nullptr)  // cannot happen: Boost refused unknown names above
            throw OptionError("unknown option " + option_label(opt.string_key));
        row->apply(options, opt.string_key, opt.value.empty() ? std::string() : opt.value.front());
        if (options.request != CaptureOptions::Request::capture) return options;
    }

    // flow-capture checks the address before -w.
    if (positional.empty()) throw OptionError("Specify localip/remoteip/port.");
    if (positional.size() > 1)
        throw OptionError("Specify localip/remoteip/port. (only one; also got " +
                          shown(positional[1]) + ")");
    if (options.work_dir.empty()) throw OptionError("Specify workdir with -w.");
    try {
        options.listen = parse_listen_address(positional.front());
    } catch (const std::invalid_argument& e) {
        throw OptionError(e.what());
    }
    // Refused here, before any fork or file is touched, rather than capturing
    // something other than what was asked for.
    if (options.listen.multicast())
        throw OptionError(positional.front() +
                          ": multicast capture is not supported by flowkeep; give a unicast "
                          "address");
    if (const auto exporter = options.listen.required_exporter(); exporter && !exporter->is_ipv4())
        throw OptionError(positional.front() +
                          ": an IPv6 remoteip filter is not supported (NetFlow v1/v5/v7 records "
                          "hold IPv4 exporter addresses only)");
    return options;
}

CaptureOptions parse_command_line(int argc, const char* const argv[]) {
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
    return parse_arguments(args);
}

std::string usage_text(const std::string& program_name) {
    const std::vector<std::string> synopsis = synopsis_words();
    constexpr std::size_t width = 80;
    std::ostringstream out;
    std::string line = "Usage: " + program_name;
    const std::string indent(std::min<std::size_t>(line.size() + 1, 24), ' ');
    for (const std::string& item : synopsis) {
        if (line.size() + 1 + item.size() > width && line.size() > indent.size()) {
            out << line << "\n";
            line = indent + item;
        } else {
            line += " " + item;
        }
    }
    out << line << "\n"
        << "\n"
        << "localip/remoteip/port[/ttl]: bind localip (0 = every address; IPv4 or IPv6),\n"
        << "accept datagrams only from remoteip (0 = any exporter), on UDP port (default\n"
        << "9991).  Multicast and IPv6 remoteip filters are refused.  Short dotted\n"
        << "addresses are left-aligned: 10 = 10.0.0.0.\n"
        << "\n";
    for (Group g : {Group::flow_tools, Group::compatibility, Group::refused, Group::flowkeep}) {
        // Boost pads wrapped descriptions with a trailing blank; drop it so
        // the text compares cleanly with the manual page.
        std::ostringstream group;
        group << describe(g, width);
        std::istringstream lines(group.str());
        for (std::string l; std::getline(lines, l);) {
            l.erase(l.find_last_not_of(' ') + 1);
            out << l << "\n";
        }
        out << "\n";
    }
    std::string text = out.str();
    text.pop_back();  // one newline at the end, not a blank line
    return text;
}

}  // namespace capture
