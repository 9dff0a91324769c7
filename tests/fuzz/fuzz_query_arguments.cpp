// The query tools' option values: --from/--to, --interval, --ip, --port,
// --proto and flow-stat's --by/--interval/--sort.  A UsageError naming the
// option is the expected answer to a bad value; anything else (another
// exception, a crash, a sanitizer report, a value outside what the parser
// promises) is a finding.
//
// Input layout: one control byte, then the option text.  The control byte
// picks the parser and whether service and protocol names are known (the
// test fixtures) or not (a machine without netbase).  For flow-stat the text
// holds --by, --interval and --sort separated by newlines.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "filter/address_set.hpp"
#include "filter/port_set.hpp"
#include "filter/protocol_set.hpp"
#include "filter/service_names.hpp"
#include "fuzz_check.hpp"
#include "summary/summary_spec.hpp"
#include "time/time_spec.hpp"
#include "tools/usage_error.hpp"

using flowkeep_fuzz::check;

namespace {

const flowquery::ServiceNames& fixture_names() {
    static const flowquery::ServiceNames names = flowquery::ServiceNames::load(
        FLOWKEEP_TEST_DATA "/query/services", FLOWKEEP_TEST_DATA "/query/protocols");
    return names;
}

void parse(std::uint8_t control, std::string_view text) {
    static const flowquery::ServiceNames no_names;
    const flowquery::ServiceNames& names = (control & 0x80) ? no_names : fixture_names();
    switch (control % 6) {
        case 0: {
            const std::int64_t t = flowquery::parse_time_point(text, "--from");
            check(t <= flowquery::max_time_point, "a time past max_time_point");
            break;
        }
        case 1:
            check(flowquery::parse_duration(text, "--interval") > 0, "a duration not above zero");
            break;
        case 2: {
            const auto set = flowquery::AddressSet::parse(text, "--ip");
            const auto& ranges = set.ranges();
            for (std::size_t i = 0; i < ranges.size(); ++i) {
                check(ranges[i].first <= ranges[i].last, "an address range that ends first");
                if (i > 0)
                    check(ranges[i - 1].last < ranges[i].first &&
                              ranges[i].first - ranges[i - 1].last > 1,
                          "address ranges unsorted, overlapping or touching");
                check(set.contains(ranges[i].first) && set.contains(ranges[i].last),
                      "a range's own ends not contained");
            }
            break;
        }
        case 3:
            (void)flowquery::PortSet::parse(text, "--port", names);
            break;
        case 4:
            (void)flowquery::ProtocolSet::parse(text, "--proto", names);
            break;
        default: {
            const auto parts = flowkeep_fuzz::split(text, "\n");
            const std::string_view by = parts[0];
            const std::string_view interval = parts.size() > 1 ? parts[1] : "";
            const std::string_view sort = parts.size() > 2 ? parts[2] : "";
            const auto spec = flowquery::parse_summary_spec(by, interval, sort, control & 0x0f);
            bool has_interval = false;
            for (std::size_t i = 0; i < spec.by.size(); ++i) {
                has_interval |= spec.by[i] == flowquery::SummaryKey::interval;
                for (std::size_t j = 0; j < i; ++j)
                    check(spec.by[i] != spec.by[j], "a --by key twice");
            }
            check(has_interval == (spec.interval_seconds > 0),
                  "interval_seconds set without the interval key, or the reverse");
            break;
        }
    }
}

}  // namespace

// Local times follow TZ; a zone with daylight saving reaches the skipped and
// repeated hours.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
    ::setenv("TZ", "Europe/Berlin", 1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::string_view text = flowkeep_fuzz::as_text(data + 1, size - 1);
    try {
        parse(data[0], text);
    } catch (const flowquery::UsageError& e) {
        const std::string_view what = e.what();
        check(what.starts_with("--"), "an error that does not name the option");
    }
    return 0;
}
