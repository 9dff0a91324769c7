#include "summary/summary_render.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

#include "inputs/read_completeness.hpp"
#include "output/csv_text.hpp"

namespace flowquery {

namespace {

constexpr std::array<std::string_view, 3> metric_names{"flows", "packets", "octets"};

std::array<std::uint64_t, 3> metric_values(const SummaryCounters& c) {
    return {c.flows, c.packets, c.octets};
}

// The length of the valid UTF-8 sequence at text[i], or 0.
std::size_t utf8_length(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    std::size_t length = 0;
    std::uint32_t min = 0;
    std::uint32_t code = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2, min = 0x80, code = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3, min = 0x800, code = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4, min = 0x10000, code = lead & 0x07;
    } else {
        return 0;
    }
    if (i + length > text.size()) return 0;
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
        code = code << 6 | (byte(i + k) & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
    return length;
}

// Walks text as UTF-8: a valid multi-byte character is copied to `out` as
// it is, each ASCII byte goes to on_ascii and each byte that starts no valid
// character to on_invalid, so that an escaping rule says only what it changes.
template <typename OnAscii, typename OnInvalid>
void copy_utf8(std::string& out, std::string_view text, OnAscii on_ascii, OnInvalid on_invalid) {
    for (std::size_t i = 0; i < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            on_ascii(c);
            ++i;
        } else if (const std::size_t n = utf8_length(text, i); n > 0) {
            out.append(text.substr(i, n));
            i += n;
        } else {
            on_invalid();
            ++i;
        }
    }
}

// A table must stay one line per row, and its columns aligned, whatever an
// account name holds: control characters and bytes that are not UTF-8 are
// shown as '?'.
std::string printable(std::string_view text) {
    std::string out;
    copy_utf8(
        out, text,
        [&](unsigned char c) { out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c); },
        [&] { out += '?'; });
    return out;
}

// Characters on screen of valid UTF-8 (wide East Asian characters aside).
std::size_t display_width(std::string_view text) {
    std::size_t width = 0;
    for (char c : text)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;
    return width;
}

void write_table(std::ostream& out, const SummaryReport& report) {
    // Without keys a blank-headed column holds the "total" label.
    std::vector<SummaryColumn> columns = report.columns;
    if (columns.empty()) columns.push_back({"", false});
    const std::size_t keys = columns.size();

    std::vector<std::vector<std::string>> lines;
    std::vector<std::string> header;
    for (const SummaryColumn& c : columns) header.push_back(c.name);
    for (std::string_view m : metric_names) header.emplace_back(m);
    lines.push_back(std::move(header));
    auto add_line = [&](std::vector<std::string> cells, const SummaryCounters& counters) {
        cells.resize(keys);
        for (std::uint64_t v : metric_values(counters)) cells.push_back(std::to_string(v));
        lines.push_back(std::move(cells));
    };
    for (const SummaryTextRow& row : report.rows) {
        std::vector<std::string> cells;
        for (const std::string& cell : row.cells) cells.push_back(printable(cell));
        add_line(std::move(cells), row.counters);
    }
    add_line({"total"}, report.total);

    std::vector<std::size_t> widths(keys + metric_names.size(), 0);
    for (const auto& line : lines)
        for (std::size_t i = 0; i < line.size(); ++i)
            widths[i] = std::max(widths[i], display_width(line[i]));

    std::string text;
    for (const auto& line : lines) {
        for (std::size_t i = 0; i < line.size(); ++i) {
            const bool right = i >= keys || columns[i].numeric;
            const std::string pad(widths[i] - display_width(line[i]), ' ');
            if (i > 0) text += "  ";
            if (right) text += pad;
            text += line[i];
            if (!right && i + 1 < line.size()) text += pad;
        }
        text += '\n';
    }
    if (report.incomplete_inputs > 0)
        text += "# " + incomplete_note(report.incomplete_inputs) + '\n';
    out << text;
}

void write_csv(std::ostream& out, const SummaryReport& report) {
    std::string text;
    auto line = [&](const std::vector<std::string>& fields) {
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (i > 0) text += ',';
            append_csv_field(text, fields[i]);
        }
        text += csv_line_end;
    };
    std::vector<std::string> header;
    for (const SummaryColumn& c : report.columns) header.push_back(c.name);
    for (std::string_view m : metric_names) header.emplace_back(m);
    line(header);
    auto counters_row = [&](std::vector<std::string> fields, const SummaryCounters& counters) {
        for (std::uint64_t v : metric_values(counters)) fields.push_back(std::to_string(v));
        line(fields);
    };
    if (report.columns.empty()) counters_row({}, report.total);
    for (const SummaryTextRow& row : report.rows) counters_row(row.cells, row.counters);
    out << text;
}

// A JSON string; bytes that are not UTF-8 become U+FFFD so that the
// document stays valid whatever a clients file holds.
void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    copy_utf8(
        out, text,
        [&](unsigned char c) {
            if (c == '"' || c == '\\') {
                out += '\\';
                out += static_cast<char>(c);
            } else if (c < 0x20) {
                static constexpr char hex[] = "0123456789abcdef";
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 0xF];
            } else {
                out += static_cast<char>(c);
            }
        },
        [&] { out += "\\ufffd"; });
    out += '"';
}

void append_json_counters(std::string& out, const SummaryCounters& counters) {
    const auto values = metric_values(counters);
    for (std::size_t m = 0; m < metric_names.size(); ++m) {
        if (m > 0) out += ',';
        out += '"';
        out += metric_names[m];
        out += "\":";
        out += std::to_string(values[m]);
    }
}

void write_json(std::ostream& out, const SummaryReport& report) {
    std::string text = "{\"rows\":[";
    for (std::size_t r = 0; r < report.rows.size(); ++r) {
        const SummaryTextRow& row = report.rows[r];
        text += r == 0 ? "\n{" : ",\n{";
        for (std::size_t i = 0; i < report.columns.size() && i < row.cells.size(); ++i) {
            append_json_string(text, report.columns[i].name);
            text += ':';
            if (report.columns[i].numeric)
                text += row.cells[i];
            else
                append_json_string(text, row.cells[i]);
            text += ',';
        }
        append_json_counters(text, row.counters);
        text += '}';
    }
    text += report.rows.empty() ? "],\n" : "\n],\n";
    text += "\"total\":{";
    append_json_counters(text, report.total);
    text += '}';
    if (report.incomplete_inputs > 0)
        text +=
            ",\n\"incomplete\":true,\"failed_inputs\":" + std::to_string(report.incomplete_inputs);
    text += "}\n";
    out << text;
}

}  // namespace

void render_summary(std::ostream& out, const SummaryReport& report, SummaryFormat format) {
    switch (format) {
        case SummaryFormat::table:
            write_table(out, report);
            return;
        case SummaryFormat::csv:
            write_csv(out, report);
            return;
        case SummaryFormat::json:
            write_json(out, report);
            return;
    }
}

}  // namespace flowquery
