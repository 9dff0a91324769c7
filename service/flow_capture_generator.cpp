// flow-capture-generator: /etc/flow-tools/flow-capture.conf -> one systemd
// service per capture line (systemd.generator(7)).
//
// A generator rather than a plain template unit because each line needs
// settings that only its own arguments decide: the data directory (-w) is the
// only place ProtectSystem=strict may let it write, and only a port below
// 1024 needs CAP_NET_BIND_SERVICE.  The hardening itself stays in the static
// template flow-capture@.service, where an administrator can read and
// override it; the generator only adds a drop-in per line and the Wants=
// link that makes flow-capture.service start it.
//
// The file is parsed by capture_core, the same code as flow-capture --config,
// so a line means exactly what it means on flow-capture's command line.
//
// Modes:
//   flow-capture-generator NORMAL_DIR [EARLY_DIR LATE_DIR]   (systemd)
//   flow-capture-generator --check [FILE]      summary or the error, exit 1 on error
//   flow-capture-generator --commands [FILE]   shell-quoted command per capture
//                                              (the init script without systemd)

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_file.hpp"
#include "config/options.hpp"

namespace {

namespace fs = std::filesystem;

// One capture line as the service runs it.
struct Capture {
    int line = 0;
    std::string instance;             // flow-capture@INSTANCE.service
    std::vector<std::string> words;   // flow-capture's arguments, as the service passes them
    capture::CaptureOptions options;  // the line as written (before -D and --status-file)
};

struct Config {
    std::string path;
    bool exists = false;
    std::vector<Capture> captures;
};

// The file of --check FILE / --commands FILE, else the default.
std::string config_path(const char* given) {
    if (given) return given;
    // Lets the tests point the generator mode (which takes directories, not
    // a file) at a file of their own; systemd never sets it.
    if (const char* env = std::getenv("FLOWKEEP_CAPTURE_CONF"); env && *env) return env;
    return capture::default_config_file;
}

// The path as systemd compares it: without ".", "//" or a final "/".
fs::path normal_path(const std::string& path) {
    fs::path p = fs::path(path).lexically_normal();
    if (!p.has_filename() && p != p.root_path()) p = p.parent_path();
    return p;
}

bool at_or_below(const fs::path& path, const fs::path& dir) {
    return std::mismatch(dir.begin(), dir.end(), path.begin(), path.end()).first == dir.end();
}

// The home directories ProtectHome=yes of the template hides.
constexpr std::array<std::string_view, 3> home_dirs{"/home", "/root", "/run/user"};

bool below_home_dir(const fs::path& path) {
    return std::any_of(home_dirs.begin(), home_dirs.end(),
                       [&](std::string_view home) { return at_or_below(path, home); });
}

std::string status_file_of(const capture::CaptureOptions& o, const std::string& instance) {
    return o.status_file.empty() ? std::string(FLOWKEEP_RUNTIME_DIR "/") + instance + ".status"
                                 : o.status_file;
}

// The directories a capture writes in: its -w directory and the directory of
// its status file, which is written beside as FILE.new and renamed over.
// Not the -p pidfile: the service passes -D, which writes none.
std::vector<std::pair<std::string, std::string>> written_dirs(const capture::CaptureOptions& o) {
    std::vector<std::pair<std::string, std::string>> dirs{{"-w", o.work_dir}};
    if (!o.status_file.empty())
        dirs.emplace_back("--status-file", fs::path(o.status_file).parent_path().string());
    return dirs;
}

// Refuses what the sandbox of flow-capture@.service cannot let the capture
// write, which would otherwise only fail when it starts (or lose its files
// when it stops).
void check_sandbox_paths(const std::string& where, const capture::CaptureOptions& o) {
    for (const auto& [option, dir] : written_dirs(o)) {
        const std::string what =
            where + option + " " + (option == "-w" ? o.work_dir : o.status_file) + ": ";
        const fs::path path(dir);
        // systemd ignores a ReadWritePaths= with "..", leaving it read-only;
        // resolving it here could differ from the kernel across a symlink.
        if (std::find(path.begin(), path.end(), fs::path("..")) != path.end())
            throw capture::OptionError(what + "the service needs a path without \"..\"");
        const fs::path normal = normal_path(dir);
        // PrivateTmp=yes: the capture's own /tmp, removed when it stops.
        if (at_or_below(normal, "/tmp") || at_or_below(normal, "/var/tmp"))
            throw capture::OptionError(what +
                                       "the service has a /tmp and /var/tmp of its own, "
                                       "removed when it stops; use another directory");
        // Below a home directory ProtectHome=read-only lets ReadWritePaths=
        // through; the home directory itself it would keep read-only.
        if (std::find(home_dirs.begin(), home_dirs.end(), normal.string()) != home_dirs.end())
            throw capture::OptionError(what +
                                       "the service cannot write in a home directory's "
                                       "root; use a directory below it");
    }
}

// Reads and checks the file; throws capture::OptionError "FILE:LINE: message".
Config read_config(const std::string& path) {
    Config config{path, false, {}};
    struct stat st {};
    // No file is no capture: the administrator may have removed the conffile.
    if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) return config;
    config.exists = true;

    std::map<std::uint16_t, int> port_uses;
    // Every line is validated by flow-capture's own parser, with its messages.
    for (capture::ConfigLine& line : capture::parse_config_file(path)) {
        Capture c;
        c.line = line.number;
        c.options = std::move(line.options);
        const std::string where = path + ":" + std::to_string(line.number) + ": ";
        // The service starts in /, and a relative path would silently mean
        // something else than it did in a shell.
        if (c.options.work_dir.front() != '/')
            throw capture::OptionError(where + "-w " + c.options.work_dir +
                                       ": the service needs an absolute path");
        if (!c.options.status_file.empty() && c.options.status_file.front() != '/')
            throw capture::OptionError(where + "--status-file " + c.options.status_file +
                                       ": the service needs an absolute path");
        check_sandbox_paths(where, c.options);
        // User= starts the capture as that user, without CAP_SETUID, so
        // flow-capture could only fail at every start.
        if (!c.options.user.empty() && c.options.user != FLOWKEEP_USER)
            throw capture::OptionError(where + "--user " + c.options.user +
                                       ": the service runs as " FLOWKEEP_USER
                                       " and cannot switch to another user");
        // Two captures on one port (different local addresses) stay apart.
        const std::uint16_t port = c.options.listen.port;
        const int uses = ++port_uses[port];
        c.instance = std::to_string(port);
        if (uses > 1) c.instance.append("-").append(std::to_string(uses));
        // systemd supervises a process that stays in the foreground and
        // collects its stderr; a status file lets monitoring check each
        // capture.  Put first so that a "--" in the line still ends options.
        if (!c.options.foreground) c.words.push_back("-D");
        if (c.options.status_file.empty()) {
            c.words.push_back("--status-file");
            c.words.push_back(std::string(FLOWKEEP_RUNTIME_DIR "/") + c.instance + ".status");
        }
        c.words.insert(c.words.end(), line.words.begin(), line.words.end());
        config.captures.push_back(std::move(c));
    }
    return config;
}

bool plain_word(std::string_view w) {
    if (w.empty()) return false;
    for (const char c : w) {
        const bool alnum =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && std::string_view("/._:,=+@-").find(c) == std::string_view::npos) return false;
    }
    return true;
}

// A word as systemd reads it back in unit files (systemd.syntax(7)):
// double-quoted with C escapes, % doubled against specifier expansion, and in
// command lines $ doubled against environment expansion.
std::string unit_word(std::string_view w, bool command_line) {
    if (plain_word(w)) return std::string(w);
    std::string out = "\"";
    for (const char c : w) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '%' || (c == '$' && command_line)) out += c;
        out += c;
    }
    return out + '"';
}

std::string shell_word(std::string_view w) {
    std::string out = "'";
    for (const char c : w) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string status_file_of(const Capture& c) {
    return status_file_of(c.options, c.instance);
}

std::string drop_in_text(const Config& config, const Capture& c) {
    std::ostringstream out;
    out << "# Generated by flow-capture-generator from " << config.path << " line " << c.line
        << ";\n# edit that file, then: systemctl daemon-reload && systemctl restart "
           "flow-capture\n\n[Unit]\n";
    out << "Description=NetFlow capture on UDP port " << c.options.listen.port << " (line "
        << c.line << " of " << config.path << ")\n";
    // Binding one local address needs that address configured first.
    if (!c.options.listen.bind_address().is_unspecified())
        out << "Wants=network-online.target\nAfter=network-online.target\n";
    out << "\n[Service]\nExecStart=" << FLOWKEEP_FLOW_CAPTURE;
    for (const auto& w : c.words) out << ' ' << unit_word(w, true);
    out << '\n';
    // "-": a missing directory fails in flow-capture with its own clear
    // message instead of an opaque namespace error of systemd.
    out << "ReadWritePaths=" << unit_word("-" + c.options.work_dir, false) << '\n';
    // Only when not already writable: RuntimeDirectory= is, and so is a
    // status file in the data directory.
    const std::string status_dir = fs::path(status_file_of(c)).parent_path().string();
    const fs::path status_normal = normal_path(status_dir);
    if (!at_or_below(status_normal, FLOWKEEP_RUNTIME_DIR) &&
        !at_or_below(status_normal, normal_path(c.options.work_dir)))
        out << "ReadWritePaths=" << unit_word("-" + status_dir, false) << '\n';
    // ProtectHome=yes hides the home directories so that no ReadWritePaths=
    // below them can be mounted; read-only keeps the rest of them unwritable.
    const auto dirs = written_dirs(c.options);
    if (std::any_of(dirs.begin(), dirs.end(),
                    [](const auto& d) { return below_home_dir(normal_path(d.second)); }))
        out << "ProtectHome=read-only\n";
    if (c.options.listen.port < 1024) out << "AmbientCapabilities=CAP_NET_BIND_SERVICE\n";
    return out.str();
}

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw std::runtime_error(path.string() + ": " + std::strerror(errno));
}

int generate(const fs::path& dir, const Config& config) {
    const fs::path wants = dir / "flow-capture.service.wants";
    for (const Capture& c : config.captures) {
        const std::string unit = "flow-capture@" + c.instance + ".service";
        fs::create_directories(dir / (unit + ".d"));
        write_file(dir / (unit + ".d") / "50-flow-capture-conf.conf", drop_in_text(config, c));
        fs::create_directories(wants);
        fs::create_symlink(FLOWKEEP_TEMPLATE_UNIT, wants / unit);
    }
    return 0;
}

// Warns about what makes a capture fail at once: a data directory that is
// missing or not writable by the service's user.
void warn_about_work_dir(const Capture& c) {
    const std::string& dir = c.options.work_dir;
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
        std::printf("warning: line %d: -w %s: %s (create it and chown " FLOWKEEP_USER
                    ":" FLOWKEEP_USER " it)\n",
                    c.line, dir.c_str(), std::strerror(errno));
        return;
    }
    const passwd* user = ::getpwnam(FLOWKEEP_USER);
    if (!user) return;
    const bool writable = (st.st_uid == user->pw_uid && (st.st_mode & S_IWUSR)) ||
                          (st.st_gid == user->pw_gid && (st.st_mode & S_IWGRP)) ||
                          (st.st_mode & S_IWOTH);
    if (!writable)
        std::printf("warning: line %d: -w %s is not writable by user " FLOWKEEP_USER
                    " (chown -R " FLOWKEEP_USER ":" FLOWKEEP_USER " %s)\n",
                    c.line, dir.c_str(), dir.c_str());
}

int check(const Config& config) {
    if (config.captures.empty()) {
        std::printf(
            "%s: %s, nothing to start (one line of flow-capture arguments per capture; "
            "see flow-capture.conf(5))\n",
            config.path.c_str(), config.exists ? "no capture line" : "no such file");
        return 0;
    }
    std::printf("%s: %zu capture%s\n", config.path.c_str(), config.captures.size(),
                config.captures.size() == 1 ? "" : "s");
    for (const Capture& c : config.captures) {
        std::printf("flow-capture@%s: line %d, UDP port %u, files in %s, status file %s\n",
                    c.instance.c_str(), c.line, unsigned{c.options.listen.port},
                    c.options.work_dir.c_str(), status_file_of(c).c_str());
        warn_about_work_dir(c);
    }
    return 0;
}

// One line per capture: INSTANCE LOW_PORT(0|1) then the shell-quoted
// arguments, for the init script's "eval set --".
int commands(const Config& config) {
    for (const Capture& c : config.captures) {
        std::cout << c.instance << ' ' << (c.options.listen.port < 1024 ? 1 : 0);
        for (const auto& w : c.words) std::cout << ' ' << shell_word(w);
        std::cout << '\n';
    }
    return std::cout.flush() ? 0 : 1;
}

}  // namespace

int main(int argc, char* argv[]) {
    const std::string mode = argc > 1 ? argv[1] : "";
    const bool tool_mode = mode == "--check" || mode == "--commands";
    if (argc < 2 || argc > 4 || (tool_mode && argc > 3) || (!tool_mode && mode.front() == '-')) {
        std::fprintf(stderr,
                     "usage: flow-capture-generator NORMAL_DIR [EARLY_DIR LATE_DIR] | --check "
                     "[FILE] | --commands [FILE]\n");
        return 2;
    }
    try {
        const Config config = read_config(config_path(tool_mode && argc == 3 ? argv[2] : nullptr));
        if (mode == "--check") return check(config);
        if (mode == "--commands") return commands(config);
        return generate(mode, config);
    } catch (const capture::OptionError& e) {
        std::fprintf(stderr, "flow-capture: %s\n", e.what());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "flow-capture-generator: %s\n", e.what());
    }
    return 1;
}
