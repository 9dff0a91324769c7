#include "legacy_stat/legacy_stat.hpp"

#include <memory>
#include <optional>
#include <ostream>
#include <string_view>

#include "flowfile/error.hpp"
#include "flowfile/reader.hpp"
#include "inputs/input_selection.hpp"
#include "legacy_stat/legacy_stat_files.hpp"
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

// flowkeep's addition: files and directories as operands (the original
// reads standard input only and refuses them), so that the report can read
// an archive holding both series and say how many IPv6 flows it left out.
int run_on_files(const LegacyStatOptions& options, std::span<const std::string> argv, int in_fd,
                 const std::string& program, std::ostream& out, std::ostream& err) {
    InputSelection selection;
    try {
        selection = select_inputs(InputSpec{options.operands, std::nullopt, std::nullopt});
    } catch (const UsageError& e) {
        err << program << ": " << e.what() << '\n';
        return 2;
    }
    LegacyStatFiles files(std::move(selection.sources), in_fd, program, err);
    for (const std::string& problem : selection.problems) files.add_problem(problem);

    const std::optional<flowfile::Header>& header = files.first_header();
    // Nothing readable: no report, which would read as "no traffic".
    if (files.files_opened() == 0 && files.problems() > 0) {
        err << program << ": no input could be read, so there is no answer\n";
        return 1;
    }
    out << legacy_stat_preamble(options, legacy_stat_report_name(static_cast<int>(options.format)),
                                argv);
    if (options.print_header && header) out << header_block(*header, options.comment);
    // Without any flow-tools file the report has no flows: let it print
    // its empty form rather than a missing-field complaint.
    const std::uint16_t version = header ? header->export_version.value_or(0) : 5;
    const LegacyStatInput input{version, [&] { return files.next_batch(); }};
    run_legacy_stat_report(options, input, program, out, err);
    out.flush();
    files.finish();
    if (files.ipv6_flows_left_out() > 0)
        err << ipv6_left_out_line(program, files.ipv6_flows_left_out());
    return files.problems() > 0 ? 1 : 0;
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
    if (options.usage_requested) return 0;
    if (options.format < 0 || options.format >= legacy_stat_report_count) {
        err << program << ": No such format, " << options.format << '\n';
        return 1;
    }
    if (!options.operands.empty()) return run_on_files(options, argv, in_fd, program, out, err);

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
    const LegacyStatInput input{reader->header().export_version.value_or(0),
                                [&] { return reader->next_batch(); }};
    run_legacy_stat_report(options, input, program, out, err);
    out.flush();
    // Like the original, a damaged stream still gets the report of what was
    // read and exit status 0; the reader says what went wrong.
    if (!reader->status().ok()) err << program << ": " << reader->status().message << '\n';
    return 0;
}

}  // namespace flowquery
