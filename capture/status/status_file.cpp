#include "status_file.hpp"

#include <array>
#include <stdexcept>
#include <type_traits>
#include <variant>

#include "key_value_lines.hpp"

namespace capture {

namespace {

enum class Need {
    required,  // without it the file cannot be judged
    judged,    // may be missing (older daemons), must be well formed
    // Not judged: a malformed value reads as 0 rather than failing the check,
    // as it did when the check skipped these keys.
    shown,
};

struct Field {
    std::string_view key;
    std::variant<std::int64_t CaptureStatus::*, std::uint64_t CaptureStatus::*,
                 bool CaptureStatus::*, std::string CaptureStatus::*>
        member;
    Need need;
};

// In the order flow-capture writes them.
constexpr auto fields = std::to_array<Field>({
    {"pid", &CaptureStatus::pid, Need::required},
    {"updated", &CaptureStatus::updated, Need::required},
    {"started", &CaptureStatus::started, Need::required},
    {"last_datagram", &CaptureStatus::last_datagram, Need::judged},
    {"last_flow", &CaptureStatus::last_flow, Need::required},
    {"current_file", &CaptureStatus::current_file, Need::judged},
    {"datagrams", &CaptureStatus::datagrams, Need::judged},
    {"flows", &CaptureStatus::flows, Need::required},
    {"corrupt_packets", &CaptureStatus::corrupt_packets, Need::judged},
    {"queue_dropped_datagrams", &CaptureStatus::queue_dropped_datagrams, Need::judged},
    {"queue_dropped_flows", &CaptureStatus::queue_dropped_flows, Need::judged},
    {"kernel_drops", &CaptureStatus::kernel_drops, Need::judged},
    {"files_finished", &CaptureStatus::files_finished, Need::judged},
    {"ipv6_files_finished", &CaptureStatus::ipv6_files_finished, Need::shown},
    // Not judged: the index is optional and flow-index builds missing ones.
    {"index_files_written", &CaptureStatus::index_files_written, Need::shown},
    {"index_failures", &CaptureStatus::index_failures, Need::shown},
    // Nor these: a file left in arrival order holds every flow.
    {"client_ordered_files", &CaptureStatus::client_ordered_files, Need::shown},
    {"client_order_failures", &CaptureStatus::client_order_failures, Need::shown},
    {"write_errors", &CaptureStatus::write_errors, Need::judged},
    {"catch_up_episodes", &CaptureStatus::catch_up_episodes, Need::shown},
    {"exporters", &CaptureStatus::exporters, Need::shown},
    {"exporter_limit_datagrams", &CaptureStatus::exporter_limit_datagrams, Need::shown},
    {"exporter_limit_flows", &CaptureStatus::exporter_limit_flows, Need::shown},
    {"flows_removed_with_open_file", &CaptureStatus::flows_removed_with_open_file, Need::shown},
    {"renames_pending", &CaptureStatus::renames_pending, Need::shown},
    {"template_datagrams", &CaptureStatus::template_datagrams, Need::shown},
    {"templates", &CaptureStatus::templates, Need::shown},
    {"templates_refused", &CaptureStatus::templates_refused, Need::shown},
    {"no_template_sets", &CaptureStatus::no_template_sets, Need::judged},
    {"malformed_sets", &CaptureStatus::malformed_sets, Need::shown},
    {"ipv6_flows", &CaptureStatus::ipv6_flows, Need::judged},
    {"unplaceable_time_flows", &CaptureStatus::unplaceable_time_flows, Need::judged},
    {"oversized_flows", &CaptureStatus::oversized_flows, Need::judged},
    {"no_address_flows", &CaptureStatus::no_address_flows, Need::judged},
    {"untimed_flows", &CaptureStatus::untimed_flows, Need::shown},
    {"split_flows", &CaptureStatus::split_flows, Need::shown},
    {"ifindex_clamped_flows", &CaptureStatus::ifindex_clamped_flows, Need::shown},
    {"as_trans_flows", &CaptureStatus::as_trans_flows, Need::shown},
    {"disk_blocked", &CaptureStatus::disk_blocked, Need::judged},
    {"last_error", &CaptureStatus::last_error, Need::judged},
});

std::string value_text(std::int64_t value) {
    return std::to_string(value);
}
std::string value_text(std::uint64_t value) {
    return std::to_string(value);
}
std::string value_text(bool value) {
    return value ? "1" : "0";
}
const std::string& value_text(const std::string& value) {
    return value;
}

template <typename Number>
Number number_of(const KeyValues& lines, const Field& field) {
    if (field.need != Need::shown)
        return number_at<Number>(lines, field.key, field.need == Need::required);
    try {
        return number_at<Number>(lines, field.key, false);
    } catch (const std::runtime_error&) {
        return 0;
    }
}

void read_field(const KeyValues& lines, const Field& field, CaptureStatus& status) {
    std::visit(
        [&](auto member) {
            using Value = std::remove_reference_t<decltype(status.*member)>;
            if constexpr (std::is_same_v<Value, std::string>) {
                if (const auto it = lines.find(field.key); it != lines.end())
                    status.*member = it->second;
            } else if constexpr (std::is_same_v<Value, bool>) {
                status.*member = number_of<std::uint64_t>(lines, field) != 0;
            } else {
                status.*member = number_of<Value>(lines, field);
            }
        },
        field.member);
}

}  // namespace

std::string render_capture_status(const CaptureStatus& status) {
    std::string text;
    for (const Field& field : fields) {
        text += field.key;
        text += '=';
        std::visit([&](auto member) { text += value_text(status.*member); }, field.member);
        text += '\n';
    }
    return text;
}

CaptureStatus parse_capture_status(std::string_view text) {
    const KeyValues lines = read_key_value_lines(text);
    CaptureStatus status;
    // A missing required field is named even when another one is malformed.
    for (const Field& field : fields)
        if (field.need == Need::required) read_field(lines, field, status);
    for (const Field& field : fields)
        if (field.need != Need::required) read_field(lines, field, status);
    return status;
}

}  // namespace capture
