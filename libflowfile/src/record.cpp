#include "flowfile/record.hpp"

namespace flowfile {

FlowTimes flow_times(const Record& r) {
    // 64-bit arithmetic throughout: export time in ms minus uptime gives the
    // exporter's boot time, First/Last are offsets from it.
    const std::int64_t boot_ms =
        std::int64_t{r.unix_secs} * 1000 + r.unix_nsecs / 1000000 - std::int64_t{r.sysuptime};
    return FlowTimes{boot_ms + r.first, boot_ms + r.last};
}

std::optional<std::size_t> record_size(std::uint16_t export_version) {
    switch (export_version) {
        case 1:
            return 60;
        case 5:
            return 64;
        case 6:
            return 72;
        case 7:
            return 68;
        case 1005:
            return 72;
        default:
            return std::nullopt;
    }
}

bool is_supported_export_version(std::uint16_t export_version) {
    return record_size(export_version).has_value();
}

}  // namespace flowfile
