#pragma once

// What the fields of a NetFlow v9 or IPFIX record mean: IANA's IPFIX
// information elements (whose numbers 1-127 are v9's field types), read
// into an ExportedFlow.  Fields we have no use for, enterprise fields and
// values of a length an element cannot have are skipped by their length:
// a template may carry anything, and only the flow-tools record decides
// what is kept.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "exported_flow.hpp"
#include "exporters/template_store.hpp"

namespace capture {

// IANA numbers the decoder reads (https://www.iana.org/assignments/ipfix).
namespace ie {
inline constexpr std::uint16_t octet_delta_count = 1;
inline constexpr std::uint16_t packet_delta_count = 2;
inline constexpr std::uint16_t protocol = 4;
inline constexpr std::uint16_t class_of_service = 5;
inline constexpr std::uint16_t tcp_control_bits = 6;
inline constexpr std::uint16_t source_port = 7;
inline constexpr std::uint16_t source_ipv4 = 8;
inline constexpr std::uint16_t source_ipv4_prefix = 9;
inline constexpr std::uint16_t ingress_interface = 10;
inline constexpr std::uint16_t destination_port = 11;
inline constexpr std::uint16_t destination_ipv4 = 12;
inline constexpr std::uint16_t destination_ipv4_prefix = 13;
inline constexpr std::uint16_t egress_interface = 14;
inline constexpr std::uint16_t next_hop_ipv4 = 15;
inline constexpr std::uint16_t source_as = 16;
inline constexpr std::uint16_t destination_as = 17;
inline constexpr std::uint16_t end_sysuptime = 21;
inline constexpr std::uint16_t start_sysuptime = 22;
inline constexpr std::uint16_t source_ipv6 = 27;
inline constexpr std::uint16_t destination_ipv6 = 28;
inline constexpr std::uint16_t source_ipv6_prefix = 29;
inline constexpr std::uint16_t destination_ipv6_prefix = 30;
inline constexpr std::uint16_t flow_label_ipv6 = 31;
inline constexpr std::uint16_t icmp_type_code_ipv4 = 32;
inline constexpr std::uint16_t sampling_interval = 34;  // v9 options
inline constexpr std::uint16_t engine_type = 38;
inline constexpr std::uint16_t engine_id = 39;
inline constexpr std::uint16_t sampler_random_interval = 50;  // v9 options
inline constexpr std::uint16_t next_hop_ipv6 = 62;
inline constexpr std::uint16_t interface_name = 82;
inline constexpr std::uint16_t octet_total_count = 85;
inline constexpr std::uint16_t packet_total_count = 86;
inline constexpr std::uint16_t icmp_type_code_ipv6 = 139;
inline constexpr std::uint16_t start_seconds = 150;
inline constexpr std::uint16_t end_seconds = 151;
inline constexpr std::uint16_t start_milliseconds = 152;
inline constexpr std::uint16_t end_milliseconds = 153;
inline constexpr std::uint16_t start_microseconds = 154;
inline constexpr std::uint16_t end_microseconds = 155;
inline constexpr std::uint16_t start_nanoseconds = 156;
inline constexpr std::uint16_t end_nanoseconds = 157;
inline constexpr std::uint16_t start_delta_microseconds = 158;
inline constexpr std::uint16_t end_delta_microseconds = 159;
inline constexpr std::uint16_t system_init_milliseconds = 160;
inline constexpr std::uint16_t duration_milliseconds = 161;
inline constexpr std::uint16_t duration_microseconds = 162;
inline constexpr std::uint16_t icmp_type_ipv4 = 176;
inline constexpr std::uint16_t icmp_code_ipv4 = 177;
inline constexpr std::uint16_t sampling_packet_interval = 305;
}  // namespace ie

// Big-endian unsigned value of 1 to 8 bytes (RFC 7011 §6.2 lets exporters
// send counters and numbers in fewer bytes than their type).
std::uint64_t read_unsigned(const std::uint8_t* p, std::size_t length);

// Reads one field's value into `flow`.  `length` is the value's actual
// length (a variable-length field's, after its length prefix).  Returns
// false when the field was skipped.
bool read_flow_element(const TemplateField& field, const std::uint8_t* value, std::size_t length,
                       ExportedFlow& flow);

// What an options record tells about the exporter: flowkeep stores flows as
// received and only reports these.
struct ExporterOptions {
    std::uint64_t sampling_interval = 0;  // 1 in N packets; 0: not given
    std::uint32_t interface = 0;          // ifIndex the record describes
    std::string interface_name;
};

bool read_option_element(const TemplateField& field, const std::uint8_t* value, std::size_t length,
                         ExporterOptions& options);

// A fixed-length flow template compiled for reading its records: where in
// the record each value the stored record needs sits.  Reading a record is
// then a straight run of loads instead of a dispatch per field, which on
// the receive path is most of the cost of a v9/IPFIX flow.  Plans are made
// per data set (a few per datagram), so templates carry no decoder state.
struct FlowRecordPlan {
    static constexpr std::size_t slot_count = 40;
    struct Field {
        std::uint16_t offset = 0;
        std::uint8_t length = 0;  // 0: the template has no such field
    };
    std::array<Field, slot_count> fields{};
    std::size_t record_length = 0;
};

// nullopt for a template with variable-length fields (read field by field).
std::optional<FlowRecordPlan> plan_flow_record(const Template& t);

// `p` holds at least plan.record_length bytes.  Gives the same flow as
// read_flow_record, except that a template giving one fact in two forms
// (start time as 22 and as 152, or ICMP as 32 and as 176/177) has them
// applied in a fixed order rather than in template order.
void read_planned_record(const FlowRecordPlan& plan, const std::uint8_t* p, ExportedFlow& flow);

// One data record laid out as `t`, from `p` up to `end`, into `flow` or (an
// options template) `options`.  `fixed`: `t` has no variable-length field
// and `end - p` is at least its record length, so no field needs a bounds
// check.  Returns the bytes the record took, 0 when a field runs past `end`.
// The field loop lives here, beside the elements, so that reading a value
// is not a call per field: it is the receive path's inner loop.
std::size_t read_flow_record(const Template& t, bool fixed, const std::uint8_t* p,
                             const std::uint8_t* end, ExportedFlow& flow);
std::size_t read_options_record(const Template& t, const std::uint8_t* p, const std::uint8_t* end,
                                ExporterOptions& options);

}  // namespace capture
