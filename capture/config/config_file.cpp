#include "config_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "flowfile/text_lines.hpp"

namespace capture {

namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

[[noreturn]] void expansion_refused(char c) {
    throw std::invalid_argument(std::string("shell expansion (") + c +
                                ") is not supported; write the value itself, or quote it with "
                                "'...' to keep the character");
}

// Where the pidfile of a daemon line lands: -p is relative to -w.
std::string pidfile_of(const CaptureOptions& o) {
    const std::string& base = *o.pid_file;
    const std::string path = base.front() == '/' ? base : o.work_dir + "/" + base;
    return path + "." + std::to_string(o.listen.port);
}

}  // namespace

std::vector<std::string> split_config_words(std::string_view line) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;  // also true for an empty quoted word such as ''
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (is_blank(c)) {
            if (in_word) words.push_back(std::move(word));
            word.clear();
            in_word = false;
        } else if (c == '#' && !in_word) {
            break;
        } else if (c == '\'') {
            const auto close = line.find('\'', i + 1);
            if (close == std::string_view::npos)
                throw std::invalid_argument("unterminated single quote");
            word.append(line.substr(i + 1, close - i - 1));
            i = close;
            in_word = true;
        } else if (c == '"') {
            std::size_t j = i + 1;
            for (; j < line.size() && line[j] != '"'; ++j) {
                if (line[j] == '$' || line[j] == '`') expansion_refused(line[j]);
                if (line[j] == '\\' && j + 1 < line.size() &&
                    std::string_view("\"\\$`").find(line[j + 1]) != std::string_view::npos)
                    ++j;
                word.push_back(line[j]);
            }
            if (j == line.size()) throw std::invalid_argument("unterminated double quote");
            i = j;
            in_word = true;
        } else if (c == '\\') {
            // A line continuation would join two captures' lines; one line
            // is one capture.
            if (i + 1 == line.size())
                throw std::invalid_argument("a line cannot end with a backslash");
            word.push_back(line[++i]);
            in_word = true;
        } else if (c == '$' || c == '`') {
            expansion_refused(c);
        } else {
            word.push_back(c);
            in_word = true;
        }
    }
    if (in_word) words.push_back(std::move(word));
    return words;
}

std::vector<ConfigLine> parse_config_text(std::string_view text, const std::string& name) {
    std::vector<ConfigLine> captures;
    std::map<std::string, int> pidfile_lines;  // pidfile -> line that uses it
    flowfile::TextLines lines(text);
    while (const auto line = lines.next()) {
        const int line_number = static_cast<int>(line->number);
        const std::string where = name + ":" + std::to_string(line_number) + ": ";
        try {
            std::vector<std::string> words = split_config_words(line->text);
            if (words.empty()) continue;
            CaptureOptions options = parse_arguments(words);
            if (options.request != CaptureOptions::Request::capture)
                throw OptionError("-h, --help and --version do not belong in a configuration line");
            if (!options.foreground && options.pid_file) {
                const std::string pidfile = pidfile_of(options);
                const auto [it, fresh] = pidfile_lines.emplace(pidfile, line_number);
                if (!fresh)
                    throw OptionError("pidfile " + pidfile + " is also used by line " +
                                      std::to_string(it->second) +
                                      " (give each capture its own port or -p)");
            }
            captures.push_back({line_number, std::move(words), std::move(options)});
        } catch (const OptionError& e) {
            throw OptionError(where + e.what(), e.exit_code());
        } catch (const std::invalid_argument& e) {
            throw OptionError(where + e.what());
        }
    }
    return captures;
}

std::vector<ConfigLine> parse_config_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw OptionError(path + ": " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw OptionError(path + ": " + std::strerror(errno));
    return parse_config_text(text.str(), path);
}

}  // namespace capture
