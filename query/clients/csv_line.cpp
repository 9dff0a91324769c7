#include "clients/csv_line.hpp"

#include <algorithm>

namespace flowquery {

namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

std::size_t skip_blanks(std::string_view line, std::size_t pos) {
    while (pos < line.size() && is_blank(line[pos])) ++pos;
    return pos;
}

std::string field_number(std::size_t index) {
    return "field " + std::to_string(index + 1);
}

}  // namespace

std::vector<std::string> split_csv_line(std::string_view line) {
    std::vector<std::string> fields;
    std::size_t pos = 0;
    while (true) {
        const std::size_t index = fields.size();
        std::string field;
        pos = skip_blanks(line, pos);
        if (pos < line.size() && line[pos] == '"') {
            ++pos;
            bool closed = false;
            while (pos < line.size()) {
                const char c = line[pos++];
                if (c != '"') {
                    field += c;
                } else if (pos < line.size() && line[pos] == '"') {
                    field += '"';
                    ++pos;
                } else {
                    closed = true;
                    break;
                }
            }
            if (!closed) throw CsvLineError("unterminated quote in " + field_number(index));
            pos = skip_blanks(line, pos);
            if (pos < line.size() && line[pos] != ',')
                throw CsvLineError("text after the closing quote of " + field_number(index));
        } else {
            const std::size_t end = std::min(line.find(',', pos), line.size());
            std::string_view text = line.substr(pos, end - pos);
            while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
            if (text.find('"') != std::string_view::npos)
                throw CsvLineError("stray quote in " + field_number(index) +
                                   " (quote the whole field and double the quotes inside)");
            field = text;
            pos = end;
        }
        fields.push_back(std::move(field));
        if (pos >= line.size()) return fields;
        ++pos;  // the comma
    }
}

}  // namespace flowquery
