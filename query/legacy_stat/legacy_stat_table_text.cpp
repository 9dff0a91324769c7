#include "legacy_stat/legacy_stat_table_text.hpp"

#include <ostream>
#include <string>

#include "flowfile/ipv4_text.hpp"

namespace flowquery {

namespace {

void cannot_sort(std::ostream& err, const LegacyStatOptions& o) {
    err << o.comment << " can't sort on field " << o.sort_order << ".\n";
}

// Percentages of the rows printed so far; the first number uses a row total
// the original never initialises, which in practice always prints 0.000.
std::string tally_line(char cc, const StatCounters& so_far, const StatCounters& total) {
    return std::string(1, cc) + "SUB " + c_format("%-6.3f", 0.0) + "  " +
           percent_text(so_far.flows, total.flows) + "   " +
           percent_text(so_far.octets, total.octets) + "   " +
           percent_text(so_far.packets, total.packets) + "   " +
           percent_text(so_far.duration, total.duration) + '\n';
}

int key_columns(HashKeyLayout layout) {
    switch (layout) {
        case HashKeyLayout::number:
        case HashKeyLayout::address:
        case HashKeyLayout::prefix:
            return 1;
        default:
            return 2;
    }
}

std::string key_header(HashKeyLayout layout, std::string_view title, std::string_view title2) {
    switch (layout) {
        case HashKeyLayout::number:
            return std::string(title) + "  ";
        case HashKeyLayout::address:
            return "IPaddr         ";
        case HashKeyLayout::address_pair:
            return "src IPaddr     dst IPaddr       ";
        case HashKeyLayout::as_pair:
            return "src AS          dst AS            ";
        case HashKeyLayout::interface_pair:
            return "in   out    ";
        case HashKeyLayout::prefix:
            return "Source Prefix     ";
        case HashKeyLayout::prefix_pair:
            return "Source Prefix     Destination Prefix  ";
        case HashKeyLayout::number_pair:
            return std::string(title) + "  " + std::string(title2) + "  ";
    }
    return {};
}

// Left-justified in `width`, never cut (the original's FMT_PAD_RIGHT).
std::string padded(std::string s, std::size_t width) {
    if (s.size() < width) s.resize(width, ' ');
    return s;
}

// The key column(s) of one row, without the two spaces that follow them.
std::string key_text(HashKeyLayout layout, const TableKey& k, bool percent, bool wide) {
    switch (layout) {
        case HashKeyLayout::number:
            return fit(std::to_string(k.a), !percent && wide ? 15 : 10);
        case HashKeyLayout::address:
            return padded(flowfile::ipv4_text(k.a), 15);
        case HashKeyLayout::address_pair:
            return padded(flowfile::ipv4_text(k.a), 15) + "  " +
                   padded(flowfile::ipv4_text(k.b), 15);
        case HashKeyLayout::as_pair:
            return fit(std::to_string(k.a), 16) + "  " + fit(std::to_string(k.b), 16);
        case HashKeyLayout::interface_pair:
            return padded(std::to_string(k.a), 5) + "  " + padded(std::to_string(k.b), 5);
        case HashKeyLayout::prefix:
            return padded(prefix_text(k.a, static_cast<std::uint8_t>(k.c)), 18);
        case HashKeyLayout::prefix_pair:
            return padded(prefix_text(k.a, static_cast<std::uint8_t>(k.c & 0xFF)), 18) + "  " +
                   padded(prefix_text(k.b, static_cast<std::uint8_t>(k.c >> 8)), 18);
        case HashKeyLayout::number_pair:
            return fit(std::to_string(k.a), 10) + "  " + fit(std::to_string(k.b), 10);
    }
    return {};
}

// Pair reports pad their last absolute column; single-key ones do not.
bool pads_packets(HashKeyLayout layout) {
    return layout == HashKeyLayout::address_pair || layout == HashKeyLayout::as_pair ||
           layout == HashKeyLayout::interface_pair;
}

}  // namespace

void write_array_report(std::ostream& out, std::ostream& err, const LegacyStatOptions& o,
                        const KeyArrayTable& table, const StatCounters& total,
                        std::string_view title,
                        const std::function<std::string_view(std::uint32_t)>& key_name) {
    const auto order = table.print_order(o.sort_order);
    if (!order) {
        cannot_sort(err, o);
        return;
    }
    const std::size_t key_width = o.wide ? 15 : 10;
    std::string text = column_header(o.comment, fit(title, key_width), o.percent, o.wide);
    StatCounters so_far;
    std::int64_t printed = 0;
    for (const std::uint32_t key : *order) {
        const StatCounters& c = table.at(key);
        if (c.flows == 0) continue;
        if (o.tally > 0 && printed > 0 && printed % o.tally == 0 && o.percent)
            text += tally_line(o.comment, so_far, total);
        const std::string_view name = key_name ? key_name(key) : std::string_view{};
        // The original copies names into a 16-byte buffer: at most 15 characters.
        const std::string key_text =
            name.empty() ? std::to_string(key) : std::string(name.substr(0, 15));
        text += fit(key_text, key_width) + "  ";
        text += o.percent ? percent_columns(c, total, o.wide) : absolute_columns(c, o.wide, true);
        text += '\n';
        so_far.add(c);
        ++printed;
        if (text.size() > 65536) {
            out << text;
            text.clear();
        }
    }
    out << text;
}

void write_hash_report(std::ostream& out, std::ostream& err, const LegacyStatOptions& o,
                       const FirstSeenTable& table, const StatCounters& total, HashKeyLayout layout,
                       std::string_view title, std::string_view title2) {
    const auto order = table.print_order(o.sort_order, key_columns(layout));
    if (!order) {
        cannot_sort(err, o);
        return;
    }
    std::string text =
        column_header(o.comment, key_header(layout, title, title2), o.percent, o.wide);
    for (const FirstSeenTable::Entry* e : *order) {
        text += key_text(layout, e->key, o.percent, o.wide) + "  ";
        text += o.percent ? percent_columns(e->counters, total, o.wide)
                          : absolute_columns(e->counters, o.wide, pads_packets(layout));
        text += '\n';
        if (text.size() > 65536) {
            out << text;
            text.clear();
        }
    }
    out << text;
}

}  // namespace flowquery
