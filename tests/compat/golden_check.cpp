#include "golden_check.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>
#include <regex>

#include "output/flow_export_text.hpp"
#include "output/flow_header_text.hpp"
#include "text_diff.hpp"

using namespace flowquery;

namespace flowkeep_compat {

namespace {

void report(const std::string& what, const std::string& difference) {
    if (difference.empty())
        SUCCEED(what);
    else
        FAIL_CHECK(what << ": " << difference);
}

}  // namespace

void use_golden_time_zone() {
    ::setenv("TZ", "UTC", 1);
    ::tzset();
}

void check_flow_header(const GoldenCase& c, const ReadAll& r) {
    use_golden_time_zone();
    report(c.id + " flow-header",
           describe_text_difference(golden_header_text(c), render_flow_header(r.header)));
}

void check_export_exact(const GoldenCase& c, const ReadAll& r) {
    REQUIRE(c.export_csv);
    report(
        c.id + " flow-export -f2",
        describe_csv_difference(read_text(*c.export_csv), render_export_f2(r.header, r.records)));
    if (const auto n = golden_exported_count(c)) {
        INFO(c.id << ": flow-export reported " << *n << " records");
        CHECK(r.records.size() == *n);
    }
}

std::size_t check_export_prefix(const GoldenCase& c, const ReadAll& r) {
    REQUIRE(c.export_csv);
    const std::string golden = read_text(*c.export_csv);
    const std::string ours = render_export_f2(r.header, r.records);
    report(c.id + " flow-export -f2 rows are a prefix of ours",
           describe_csv_difference(golden, ours.substr(0, golden.size())));
    const std::size_t rows = split_lines(golden).size() - 1;
    if (const auto n = golden_exported_count(c)) {
        INFO(c.id << ": the golden's row count agrees with its stderr");
        CHECK(rows == *n);
    }
    return rows;
}

void check_complete_file(const GoldenCase& c) {
    INFO(c.id);
    const ReadAll r = read_file(c.flow_file);
    INFO("reader status: " << (r.status.ok() ? "ok" : r.status.message));
    CHECK(r.status.ok());
    CHECK(r.status.records == r.records.size());
    // A stream without the PRELOADED flag has no flow count to check against.
    if (r.header.done() || r.header.preloaded()) {
        REQUIRE(r.header.flow_count);
        CHECK(r.records.size() == *r.header.flow_count);
    }
    check_flow_header(c, r);
    if (c.export_csv) check_export_exact(c, r);
}

void check_problem_message(const ReadAll& r) {
    INFO("message: " << r.status.message);
    CHECK(r.status.message.find(r.name) != std::string::npos);
    const std::regex count("(^|[^0-9])" + std::to_string(r.status.records) + "[^0-9]+flows?");
    CHECK(std::regex_search(r.status.message, count));
    CHECK(r.status.records == r.records.size());
}

}  // namespace flowkeep_compat
