#include "legacy_stat/legacy_stat_options.hpp"

#include <charconv>
#include <ostream>

#include "legacy_stat/legacy_stat_reports.hpp"
#include "tools/usage_error.hpp"

namespace flowquery {

namespace {

// The original's usage() prints the synopsis the first time it is called and
// the list of reports every later time (so `-h -h` lists the reports).
void print_usage(std::ostream& err, int& calls) {
    if (calls++ == 0) {
        err << "Usage: flow-stat [-hnpPw] [-d debug_level] [-f format] [-S sort_field]\n"
               "       [-s sort_field] [-t tally_lines] [-T title]\n";
        return;
    }
    err << "Formats:\n";
    for (int i = 0; i < legacy_stat_report_count; ++i) {
        const std::string_view name = legacy_stat_report_name(i);
        const std::string number = std::to_string(i);
        err << "  " << number << std::string(number.size() < 2 ? 2 - number.size() : 0, ' ') << ' '
            << name << '\n';
    }
}

// The original uses atoi(); we insist on a whole number so that a typo is
// reported instead of silently selecting report 0.
std::int64_t number_value(char option, const std::string& value) {
    std::string_view text = value;
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    constexpr std::int64_t limit = 1'000'000'000;
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n > limit ||
        n < -limit)
        throw UsageError(std::string("-") + option + ": not a number: '" + value + "'");
    return n;
}

void apply(LegacyStatOptions& o, char option, const std::string& value) {
    switch (option) {
        case 'c':
            o.comment = value.empty() ? '\0' : value.front();
            break;
        case 'd':
            number_value(option, value);  // debug level: profiling output is not reproduced
            break;
        case 'f':
            o.format = number_value(option, value);
            break;
        case 's':
            o.sort_order = -(number_value(option, value) + 1);
            break;
        case 'S':
            o.sort_order = number_value(option, value) + 1;
            break;
        case 't': {
            const std::int64_t n = number_value(option, value);
            if (n < 1) throw UsageError("-t: tally_lines must be at least 1, not '" + value + "'");
            o.tally = n;
            break;
        }
        case 'T':
            o.title = value;
            break;
        default:
            break;
    }
}

}  // namespace

bool legacy_stat_option_takes_value(char option) {
    return std::string_view("cdfsStT").find(option) != std::string_view::npos;
}

LegacyStatOptions parse_legacy_stat_options(std::span<const std::string> argv, std::ostream& err) {
    LegacyStatOptions o;
    const std::string program = argv.empty() ? std::string("flow-stat") : argv.front();
    int usage_calls = 0;
    bool options_ended = false;
    for (std::size_t i = 1; i < argv.size(); ++i) {
        const std::string& arg = argv[i];
        const bool is_option = !options_ended && arg.size() > 1 && arg.front() == '-';
        if (!is_option) {
            o.operands.push_back(arg);
            continue;
        }
        if (arg == "--") {
            options_ended = true;
            continue;
        }
        for (std::size_t c = 1; c < arg.size(); ++c) {
            const char option = arg[c];
            if (std::string_view("cdfhnpPsStTw?").find(option) == std::string_view::npos) {
                err << program << ": invalid option -- '" << option << "'\n";
                o.usage_requested = true;
                print_usage(err, usage_calls);
                continue;
            }
            if (!legacy_stat_option_takes_value(option)) {
                if (option == 'h' || option == '?') {
                    o.usage_requested = true;
                    print_usage(err, usage_calls);
                }
                if (option == 'n') o.names = true;
                if (option == 'p') o.print_header = true;
                if (option == 'P') o.percent = true;
                if (option == 'w') o.wide = true;
                continue;
            }
            if (c + 1 < arg.size()) {
                apply(o, option, arg.substr(c + 1));
            } else if (i + 1 < argv.size()) {
                apply(o, option, argv[++i]);
            } else {
                err << program << ": option requires an argument -- '" << option << "'\n";
                o.usage_requested = true;
                print_usage(err, usage_calls);
            }
            break;
        }
    }
    return o;
}

}  // namespace flowquery
