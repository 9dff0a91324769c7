#pragma once

// What the fields of a NetFlow v9 or IPFIX record mean: IANA's IPFIX
// information elements (whose numbers 1-127 are v9's field types), read
// into an ExportedFlow.  Fields we have no use for, enterprise fields and
// values of a length an element cannot have are skipped by their length:
// a template may carry anything, and only the flow-tools record decides
// what is kept.

#include <cstddef>
#include <cstdint>
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

}  // namespace capture
