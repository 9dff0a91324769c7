#include "legacy_stat/legacy_stat.hpp"

#include <memory>
#include <ostream>
#include <string_view>

#include "flowfile/error.hpp"
#include "flowfile/reader.hpp"
#include "legacy_stat/legacy_stat_options.hpp"
#include "legacy_stat/legacy_stat_reports.hpp"
#include "legacy_stat/legacy_stat_text.hpp"
#include "output/flow_header_text.hpp"
#include "tools/usage_error.hpp"

namespace flowquery {

namespace {

// fterr_setid(): messages are prefixed with argv[0] after its last '/'.
std::string program_name(std::span<const std::string> argv) {
    if (argv.empty()) return "flow-stat";
    const std::string& path = argv.front();
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// ftio_header_print() starts its lines with the -c comment character.
std::string header_block(const flowfile::Header& header, char comment) {
    std::string text = render_flow_header(header);
    bool line_start = true;
    for (char& ch : text) {
        if (line_start && ch == '#') ch = comment;
        line_start = ch == '\n';
    }
    return text;
}

}  // namespace

bool wants_legacy_flow_stat(std::span<const std::string> argv) {
    for (std::size_t i = 1; i < argv.size(); ++i) {
        const std::string& arg = argv[i];
        if (arg == "--") return false;
        if (arg.size() < 2 || arg[0] != '-' || arg[1] == '-') continue;
        for (std::size_t c = 1; c < arg.size(); ++c) {
            if (arg[c] == 'f') return true;
            if (legacy_stat_option_takes_value(arg[c])) {
                // The value is the rest of this argument or the next one.
                if (c + 1 == arg.size()) ++i;
                break;
            }
        }
    }
    return false;
}

int run_legacy_flow_stat(std::span<const std::string> argv, int in_fd, std::ostream& out,
                         std::ostream& err) {
    const std::string program = program_name(argv);
    LegacyStatOptions options;
    try {
        options = parse_legacy_stat_options(argv, err);
    } catch (const UsageError& e) {
        err << program << ": " << e.what() << '\n';
        return 2;
    }
    if (options.extra_argument) {
        err << program << ": Extra arguments starting with " << *options.extra_argument << ".\n";
        return 1;
    }
    if (options.usage_requested) return 0;
    if (options.format < 0 || options.format >= legacy_stat_report_count) {
        err << program << ": No such format, " << options.format << '\n';
        return 1;
    }

    std::unique_ptr<flowfile::Reader> reader;
    try {
        reader = flowfile::Reader::from_fd(in_fd, "standard input");
    } catch (const flowfile::Error& e) {
        err << program << ": " << e.what() << '\n';
        return 1;
    }

    out << legacy_stat_preamble(options, legacy_stat_report_name(static_cast<int>(options.format)),
                                argv);
    if (options.print_header) out << header_block(reader->header(), options.comment);
    run_legacy_stat_report(options, *reader, program, out, err);
    out.flush();
    // Like the original, a damaged stream still gets the report of what was
    // read and exit status 0; the reader says what went wrong.
    if (!reader->status().ok()) err << program << ": " << reader->status().message << '\n';
    return 0;
}

}  // namespace flowquery
