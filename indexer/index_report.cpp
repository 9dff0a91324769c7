#include "index_report.hpp"

#include <cstdio>

namespace flowindex {

namespace {

// Three significant digits at most: "8.6 M", "210 M".
std::string scaled(double v, const char* unit) {
    char text[32];
    std::snprintf(text, sizeof text, v < 99.95 ? "%.1f %s" : "%.0f %s", v, unit);
    return text;
}

std::string plural(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

Tally Tally::of(std::span<const JobResult> results) {
    Tally t;
    t.files = results.size();
    for (const JobResult& r : results) {
        switch (r.outcome) {
            case Outcome::indexed:
                ++t.indexed;
                break;
            case Outcome::rewritten:
                ++t.rewritten;
                break;
            case Outcome::up_to_date:
                ++t.up_to_date;
                break;
            case Outcome::being_written:
                ++t.being_written;
                break;
            case Outcome::gone:
                ++t.gone;
                break;
            case Outcome::failed:
                ++t.failed;
                break;
            case Outcome::would_index:
                ++t.would_index;
                break;
            case Outcome::would_rewrite:
                ++t.would_rewrite;
                break;
            case Outcome::index_good:
                ++t.index_good;
                break;
            case Outcome::index_bad:
                ++t.index_bad;
                break;
            case Outcome::no_index:
                ++t.no_index;
                break;
        }
        t.flows += r.flows;
        t.bytes_read += r.bytes_read;
        t.index_bytes += r.index_bytes;
    }
    return t;
}

std::string count_text(std::uint64_t n) {
    if (n < 10000) return std::to_string(n);
    if (n < 999950) return scaled(static_cast<double>(n) / 1e3, "k");
    if (n < 999950000) return scaled(static_cast<double>(n) / 1e6, "M");
    return scaled(static_cast<double>(n) / 1e9, "G");
}

std::string size_text(std::uint64_t bytes) {
    if (bytes < 1000) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
    if (bytes < 999950) return scaled(static_cast<double>(bytes) / 1e3, "kB");
    if (bytes < 999950000) return scaled(static_cast<double>(bytes) / 1e6, "MB");
    return scaled(static_cast<double>(bytes) / 1e9, "GB");
}

std::string summary_line(const Tally& t, const JobSettings& settings) {
    std::string line = "flow-index: " + plural(t.files, "file", "files") + ": ";
    const std::string skipped = std::to_string(t.being_written) + " skipped (being written)";
    const std::string gone = t.gone > 0 ? ", " + std::to_string(t.gone) + " gone meanwhile" : "";
    const std::string orphans =
        t.orphans == 0 ? ""
                       : ", " + std::to_string(t.orphans) +
                             (settings.dry_run ? " orphans to remove" : " orphans removed");
    const std::string failed = orphans + ", " + std::to_string(t.failed) + " failed";
    if (settings.verify) {
        line += std::to_string(t.index_good) + " good, " + std::to_string(t.index_bad) + " bad (" +
                count_text(t.flows) + " flows, " + size_text(t.bytes_read) + " read), " +
                std::to_string(t.no_index) + " without index, " + skipped + gone + failed;
    } else if (settings.dry_run) {
        line += std::to_string(t.would_index) + " to index, " + std::to_string(t.up_to_date) +
                " up to date, " + std::to_string(t.would_rewrite) + " to rewrite, " + skipped +
                gone + failed + " (dry run: nothing written)";
    } else {
        line += std::to_string(t.indexed) + " indexed (" + count_text(t.flows) + " flows, " +
                size_text(t.bytes_read) + " read, " + size_text(t.index_bytes) + " of index), " +
                std::to_string(t.up_to_date) + " up to date, " + std::to_string(t.rewritten) +
                " rewritten, " + skipped + gone + failed;
    }
    return line;
}

}  // namespace flowindex
