#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "decode/information_elements.hpp"

using capture::ExportedFlow;
using capture::ExporterOptions;
using capture::FlowClock;
using capture::read_flow_element;
using capture::read_option_element;
using capture::read_unsigned;
using capture::TemplateField;
namespace ie = capture::ie;

namespace {

using Bytes = std::vector<std::uint8_t>;

// `value` in `length` big-endian bytes.
Bytes be(std::uint64_t value, std::size_t length) {
    Bytes b(length);
    for (std::size_t i = length; i-- > 0; value >>= 8) b[i] = static_cast<std::uint8_t>(value);
    return b;
}

bool read(ExportedFlow& flow, std::uint16_t id, const Bytes& value, std::uint32_t enterprise = 0) {
    const TemplateField field{id, static_cast<std::uint16_t>(value.size()), enterprise};
    return read_flow_element(field, value.data(), value.size(), flow);
}

bool read_option(ExporterOptions& options, std::uint16_t id, const Bytes& value,
                 std::uint32_t enterprise = 0) {
    const TemplateField field{id, static_cast<std::uint16_t>(value.size()), enterprise};
    return read_option_element(field, value.data(), value.size(), options);
}

// RFC 7011 §6.1.9/6.1.10: NTP seconds count from 1900-01-01; 1900 to 1970
// is 70 years with 17 leap days (1904 ... 1968).
constexpr std::uint64_t ntp_unix_offset = (70ull * 365 + 17) * 86400;

// An NTP timestamp: seconds since 1900 and a 32-bit binary fraction.
Bytes ntp(std::uint64_t unix_seconds, std::uint32_t fraction) {
    return be(((unix_seconds + ntp_unix_offset) << 32) | fraction, 8);
}

}  // namespace

TEST_CASE("read_unsigned reads 1 to 8 big-endian bytes", "[information_elements]") {
    const Bytes b = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
    CHECK(read_unsigned(b.data(), 1) == 0x01);
    CHECK(read_unsigned(b.data(), 2) == 0x0123);
    CHECK(read_unsigned(b.data(), 3) == 0x012345);
    CHECK(read_unsigned(b.data(), 4) == 0x01234567);
    CHECK(read_unsigned(b.data(), 8) == 0x0123456789abcdefull);
}

TEST_CASE("counters in reduced-size encoding read the same value", "[information_elements]") {
    // RFC 7011 §6.2: an unsigned64 may be sent in 1, 2, 4 (or any fewer)
    // bytes when the value fits.
    for (std::size_t length : {1u, 2u, 3u, 4u, 8u}) {
        INFO("length " << length);
        ExportedFlow f;
        CHECK(read(f, ie::octet_delta_count, be(200, length)));
        CHECK(read(f, ie::packet_delta_count, be(3, length)));
        CHECK(f.octets == 200);
        CHECK(f.packets == 3);
    }
    ExportedFlow f;
    CHECK(read(f, ie::octet_delta_count, be(0x1'0000'0005ull, 8)));
    CHECK(f.octets == 0x1'0000'0005ull);
    CHECK(read(f, ie::packet_delta_count, be(0xffff'ffff'ffff'ffffull, 8)));
    CHECK(f.packets == 0xffff'ffff'ffff'ffffull);
}

TEST_CASE("counters longer than 8 bytes are skipped", "[information_elements]") {
    ExportedFlow f;
    CHECK_FALSE(read(f, ie::octet_delta_count, be(5, 9)));
    CHECK_FALSE(read(f, ie::packet_delta_count, be(5, 16)));
    CHECK_FALSE(read(f, ie::octet_total_count, be(5, 9)));
    CHECK(f.octets == 0);
    CHECK(f.packets == 0);
}

TEST_CASE("total counts stand in only for missing delta counts", "[information_elements]") {
    SECTION("total alone") {
        ExportedFlow f;
        CHECK(read(f, ie::octet_total_count, be(9000, 8)));
        CHECK(read(f, ie::packet_total_count, be(6, 4)));
        CHECK(f.octets == 9000);
        CHECK(f.packets == 6);
    }
    SECTION("delta after total") {
        ExportedFlow f;
        read(f, ie::octet_total_count, be(9000, 8));
        read(f, ie::octet_delta_count, be(1500, 4));
        CHECK(f.octets == 1500);
    }
    SECTION("delta before total") {
        ExportedFlow f;
        read(f, ie::packet_delta_count, be(2, 4));
        read(f, ie::packet_total_count, be(600, 8));
        CHECK(f.packets == 2);
    }
    SECTION("a delta of 0 is a delta, before or after the total") {
        ExportedFlow f;
        read(f, ie::octet_delta_count, be(0, 4));
        read(f, ie::octet_total_count, be(9000, 8));
        CHECK(f.octets == 0);
        read(f, ie::packet_total_count, be(600, 8));
        read(f, ie::packet_delta_count, be(0, 4));
        CHECK(f.packets == 0);
    }
}

TEST_CASE("fields of a length their element cannot have are skipped", "[information_elements]") {
    ExportedFlow f;
    CHECK_FALSE(read(f, ie::protocol, be(6, 2)));
    CHECK_FALSE(read(f, ie::class_of_service, be(1, 2)));
    CHECK_FALSE(read(f, ie::source_port, be(80, 4)));
    CHECK_FALSE(read(f, ie::destination_port, be(80, 1)));
    CHECK_FALSE(read(f, ie::source_ipv4, be(0x0a000001, 8)));
    CHECK_FALSE(read(f, ie::destination_ipv4, be(0x0a000001, 3)));
    CHECK_FALSE(read(f, ie::next_hop_ipv4, be(1, 16)));
    CHECK_FALSE(read(f, ie::source_ipv6, Bytes(4, 1)));
    CHECK_FALSE(read(f, ie::source_ipv4_prefix, be(24, 2)));
    CHECK_FALSE(read(f, ie::ingress_interface, be(1, 8)));
    CHECK_FALSE(read(f, ie::egress_interface, be(1, 5)));
    CHECK_FALSE(read(f, ie::source_as, be(1, 8)));
    CHECK_FALSE(read(f, ie::icmp_type_code_ipv4, be(0x0301, 4)));
    CHECK_FALSE(read(f, ie::engine_type, be(1, 2)));
    CHECK_FALSE(read(f, ie::start_sysuptime, be(1, 8)));
    CHECK_FALSE(read(f, ie::start_seconds, be(1, 8)));
    CHECK_FALSE(read(f, ie::start_milliseconds, be(1, 4)));
    CHECK_FALSE(read(f, ie::start_microseconds, be(1, 4)));
    CHECK_FALSE(read(f, ie::end_nanoseconds, be(1, 16)));
    CHECK_FALSE(read(f, ie::start_delta_microseconds, be(1, 8)));
    CHECK_FALSE(read(f, ie::system_init_milliseconds, be(1, 4)));
    CHECK_FALSE(read(f, ie::duration_milliseconds, be(1, 8)));
    CHECK_FALSE(read(f, ie::tcp_control_bits, be(1, 9)));
    // Zero-length values (a variable-length field sent empty) are skipped.
    CHECK_FALSE(read(f, ie::octet_delta_count, Bytes{}));
    // Nothing was taken from any of them.
    const ExportedFlow untouched;
    CHECK(f.ip_version == untouched.ip_version);
    CHECK(f.prot == 0);
    CHECK(f.tos == 0);
    CHECK(f.srcport == 0);
    CHECK(f.dstport == 0);
    CHECK(f.src4 == 0);
    CHECK(f.dst4 == 0);
    CHECK(f.nexthop4 == 0);
    CHECK(f.src_mask == 0);
    CHECK(f.input == 0);
    CHECK(f.output == 0);
    CHECK(f.src_as == 0);
    CHECK_FALSE(f.has_icmp_type_code);
    CHECK_FALSE(f.has_engine_type);
    CHECK_FALSE(f.has_engine_id);
    CHECK(f.start.clock == FlowClock::none);
    CHECK(f.end.clock == FlowClock::none);
    CHECK(f.system_init_ms == -1);
    CHECK(f.duration_ms == -1);
    CHECK(f.tcp_flags == 0);
    CHECK(f.octets == 0);
}

TEST_CASE("enterprise fields are skipped even under an IANA number", "[information_elements]") {
    ExportedFlow f;
    CHECK_FALSE(read(f, ie::octet_delta_count, be(1500, 4), 9));
    CHECK_FALSE(read(f, ie::source_ipv4, be(0x0a000001, 4), 29305));
    CHECK(f.octets == 0);
    CHECK(f.ip_version == 0);
    ExporterOptions o;
    CHECK_FALSE(read_option(o, ie::sampling_interval, be(100, 4), 9));
    CHECK(o.sampling_interval == 0);
}

TEST_CASE("elements the decoder has no use for are skipped", "[information_elements]") {
    ExportedFlow f;
    CHECK_FALSE(read(f, 3, be(1, 4)));     // deltaFlowCount
    CHECK_FALSE(read(f, 58, be(100, 2)));  // vlanId
    CHECK_FALSE(read(f, ie::interface_name, Bytes(16, 'a')));
}

TEST_CASE("tcpControlBits in 2 bytes keeps the low byte", "[information_elements]") {
    // RFC 7125: 16 bits, the flags header bits above the v5 byte.
    ExportedFlow f;
    CHECK(read(f, ie::tcp_control_bits, {0x01, 0x12}));  // NS + SYN ACK
    CHECK(f.tcp_flags == 0x12);
    CHECK(read(f, ie::tcp_control_bits, {0x1b}));
    CHECK(f.tcp_flags == 0x1b);
}

TEST_CASE("addresses set the flow's IP version", "[information_elements]") {
    SECTION("IPv4") {
        ExportedFlow f;
        CHECK(read(f, ie::source_ipv4, {10, 0, 0, 1}));
        CHECK(read(f, ie::destination_ipv4, {192, 0, 2, 77}));
        CHECK(read(f, ie::next_hop_ipv4, {10, 0, 0, 254}));
        CHECK(f.ip_version == 4);
        CHECK(f.src4 == 0x0a000001);
        CHECK(f.dst4 == 0xc000024d);
        CHECK(f.nexthop4 == 0x0a0000fe);
    }
    SECTION("a next hop alone is no address") {
        ExportedFlow f;
        CHECK(read(f, ie::next_hop_ipv4, {10, 0, 0, 254}));
        CHECK(f.ip_version == 0);
    }
    SECTION("IPv6, even after IPv4 fields") {
        ExportedFlow f;
        read(f, ie::source_ipv4, {10, 0, 0, 1});
        Bytes v6(16, 0);
        v6[0] = 0x20;
        v6[1] = 0x01;
        v6[2] = 0x0d;
        v6[3] = 0xb8;
        v6[15] = 1;
        CHECK(read(f, ie::source_ipv6, v6));
        CHECK(f.ip_version == 6);
        CHECK(f.src6[0] == 0x20);
        CHECK(f.src6[3] == 0xb8);
        CHECK(f.src6[15] == 1);
        v6[15] = 2;
        CHECK(read(f, ie::destination_ipv6, v6));
        CHECK(f.dst6[15] == 2);
        CHECK(read(f, ie::next_hop_ipv6, v6));
        CHECK(f.nexthop6[15] == 2);
        // A later IPv4 field does not turn it back.
        read(f, ie::destination_ipv4, {10, 0, 0, 2});
        CHECK(f.ip_version == 6);
    }
}

TEST_CASE("ports, protocol, ToS, masks, interfaces and AS numbers", "[information_elements]") {
    ExportedFlow f;
    CHECK(read(f, ie::source_port, be(40000, 2)));
    CHECK(read(f, ie::destination_port, be(443, 2)));
    CHECK(read(f, ie::protocol, {17}));
    CHECK(read(f, ie::class_of_service, {0xb8}));
    CHECK(read(f, ie::source_ipv4_prefix, {24}));
    CHECK(read(f, ie::destination_ipv4_prefix, {16}));
    CHECK(read(f, ie::ingress_interface, be(5, 2)));  // v9 often sends 2 bytes
    CHECK(read(f, ie::egress_interface, be(70'000, 4)));
    CHECK(read(f, ie::source_as, be(64500, 2)));
    CHECK(read(f, ie::destination_as, be(4'200'000'000u, 4)));
    CHECK(f.srcport == 40000);
    CHECK(f.dstport == 443);
    CHECK(f.prot == 17);
    CHECK(f.tos == 0xb8);
    CHECK(f.src_mask == 24);
    CHECK(f.dst_mask == 16);
    CHECK(f.input == 5);
    CHECK(f.output == 70'000);
    CHECK(f.src_as == 64500);
    CHECK(f.dst_as == 4'200'000'000u);

    ExportedFlow v6;
    CHECK(read(v6, ie::source_ipv6_prefix, {64}));
    CHECK(read(v6, ie::destination_ipv6_prefix, {48}));
    CHECK(v6.src_mask == 64);
    CHECK(v6.dst_mask == 48);
}

TEST_CASE("ICMP type and code in each of their forms", "[information_elements]") {
    SECTION("icmpTypeCodeIPv4, type * 256 + code") {
        ExportedFlow f;
        CHECK(read(f, ie::icmp_type_code_ipv4, {3, 1}));
        CHECK(f.has_icmp_type_code);
        CHECK(f.icmp_type_code == 3 * 256 + 1);
    }
    SECTION("icmpTypeCodeIPv6") {
        ExportedFlow f;
        CHECK(read(f, ie::icmp_type_code_ipv6, {128, 0}));
        CHECK(f.has_icmp_type_code);
        CHECK(f.icmp_type_code == 128 * 256);
    }
    SECTION("icmpTypeIPv4 then icmpCodeIPv4") {
        ExportedFlow f;
        CHECK(read(f, ie::icmp_type_ipv4, {11}));
        CHECK(f.has_icmp_type_code);
        CHECK(read(f, ie::icmp_code_ipv4, {1}));
        CHECK(f.icmp_type_code == 11 * 256 + 1);
    }
    SECTION("icmpCodeIPv4 then icmpTypeIPv4") {
        ExportedFlow f;
        CHECK(read(f, ie::icmp_code_ipv4, {4}));
        CHECK(f.has_icmp_type_code);
        CHECK(f.icmp_type_code == 4);
        CHECK(read(f, ie::icmp_type_ipv4, {3}));
        CHECK(f.icmp_type_code == 3 * 256 + 4);
    }
    SECTION("echo reply, type 0 code 0, is still given") {
        ExportedFlow f;
        CHECK(read(f, ie::icmp_type_code_ipv4, {0, 0}));
        CHECK(f.has_icmp_type_code);
        CHECK(f.icmp_type_code == 0);
    }
}

TEST_CASE("engine type and ID mark the record as having its own", "[information_elements]") {
    ExportedFlow f;
    CHECK(read(f, ie::engine_id, {0}));
    CHECK(f.has_engine_id);
    CHECK_FALSE(f.has_engine_type);
    CHECK(f.engine_id == 0);
    CHECK(read(f, ie::engine_type, {1}));
    CHECK(f.engine_type == 1);
}

TEST_CASE("uptime, seconds and milliseconds times", "[information_elements]") {
    ExportedFlow f;
    CHECK(read(f, ie::start_sysuptime, be(3'500'000, 4)));
    CHECK(read(f, ie::end_sysuptime, be(3'590'000, 4)));
    CHECK(f.start.clock == FlowClock::uptime_ms);
    CHECK(f.start.value == 3'500'000);
    CHECK(f.end.clock == FlowClock::uptime_ms);
    CHECK(f.end.value == 3'590'000);

    CHECK(read(f, ie::start_seconds, be(1'700'000'000, 4)));
    CHECK(f.start.clock == FlowClock::absolute_ms);
    CHECK(f.start.value == 1'700'000'000'000);
    CHECK(read(f, ie::end_milliseconds, be(1'700'000'000'123ull, 8)));
    CHECK(f.end.clock == FlowClock::absolute_ms);
    CHECK(f.end.value == 1'700'000'000'123);
    CHECK(read(f, ie::end_seconds, be(1'700'000'001, 4)));
    CHECK(f.end.value == 1'700'000'001'000);
    CHECK(read(f, ie::start_milliseconds, be(1'699'999'999'999ull, 8)));
    CHECK(f.start.value == 1'699'999'999'999);
}

TEST_CASE("NTP microsecond and nanosecond times become ms since 1970", "[information_elements]") {
    CHECK(ntp_unix_offset == 2'208'988'800ull);
    const std::uint64_t secs = 1'700'000'000;
    const std::int64_t ms = 1'700'000'000'000;
    struct Case {
        std::uint32_t fraction;
        std::int64_t ms_after;  // the fraction in whole ms, rounded down
    };
    // fraction / 2^32 s: 2^30 is 250 ms, 2^31 500 ms; one unit short of
    // 2^31 is still in the 499th ms; 0xffffffff is 999.9999998 ms.
    const std::vector<Case> cases = {
        {0, 0}, {1u << 30, 250}, {1u << 31, 500}, {(1u << 31) - 1, 499}, {0xffffffffu, 999}};
    for (const std::uint16_t id : {ie::start_microseconds, ie::end_microseconds,
                                   ie::start_nanoseconds, ie::end_nanoseconds}) {
        for (const Case& c : cases) {
            INFO("element " << id << " fraction " << c.fraction);
            ExportedFlow f;
            CHECK(read(f, id, ntp(secs, c.fraction)));
            const bool start = id == ie::start_microseconds || id == ie::start_nanoseconds;
            const capture::FlowInstant& t = start ? f.start : f.end;
            CHECK(t.clock == FlowClock::absolute_ms);
            CHECK(t.value == ms + c.ms_after);
            CHECK((start ? f.end : f.start).clock == FlowClock::none);
        }
    }
    // 1 ms as a fraction is 2^32 / 1000 = 4294967.296: rounded up, it is
    // in the first ms, not still in the 0th.
    const std::uint32_t one_ms = static_cast<std::uint32_t>((1ull << 32) / 1000 + 1);
    ExportedFlow f;
    CHECK(read(f, ie::start_microseconds, ntp(secs, one_ms)));
    CHECK(f.start.value == ms + 1);
}

TEST_CASE("delta microseconds, system init time and durations", "[information_elements]") {
    ExportedFlow f;
    CHECK(read(f, ie::start_delta_microseconds, be(2'500'000, 4)));
    CHECK(read(f, ie::end_delta_microseconds, be(40'000, 4)));
    CHECK(f.start.clock == FlowClock::before_export);
    CHECK(f.start.value == 2'500'000);
    CHECK(f.end.clock == FlowClock::before_export);
    CHECK(f.end.value == 40'000);

    CHECK(read(f, ie::system_init_milliseconds, be(1'690'000'000'000ull, 8)));
    CHECK(f.system_init_ms == 1'690'000'000'000);

    CHECK(read(f, ie::duration_milliseconds, be(5'000, 4)));
    CHECK(f.duration_ms == 5'000);
    CHECK(read(f, ie::duration_microseconds, be(7'250'999, 4)));
    CHECK(f.duration_ms == 7'250);
}

TEST_CASE("options records give sampling and interface names", "[information_elements]") {
    SECTION("sampling intervals of any width") {
        for (const std::uint16_t id :
             {ie::sampling_interval, ie::sampler_random_interval, ie::sampling_packet_interval}) {
            for (std::size_t length : {1u, 2u, 4u, 8u}) {
                INFO("element " << id << " length " << length);
                ExporterOptions o;
                CHECK(read_option(o, id, be(100, length)));
                CHECK(o.sampling_interval == 100);
            }
        }
        ExporterOptions o;
        CHECK_FALSE(read_option(o, ie::sampling_interval, be(100, 9)));
        CHECK(o.sampling_interval == 0);
    }
    SECTION("interface") {
        ExporterOptions o;
        CHECK(read_option(o, ie::ingress_interface, be(70'000, 4)));
        CHECK(o.interface == 70'000);
        CHECK_FALSE(read_option(o, ie::ingress_interface, be(1, 8)));
        CHECK(o.interface == 70'000);
    }
    SECTION("an interface name is cut at its NUL padding") {
        Bytes name(16, 0);
        const std::string text = "Gi0/0/1";
        std::copy(text.begin(), text.end(), name.begin());
        ExporterOptions o;
        CHECK(read_option(o, ie::interface_name, name));
        CHECK(o.interface_name == "Gi0/0/1");
        CHECK(o.interface_name.size() == 7);
    }
    SECTION("a name filling its field has no NUL") {
        const std::string text = "TenGigE0/1/0/23";
        ExporterOptions o;
        CHECK(read_option(o, ie::interface_name, Bytes(text.begin(), text.end())));
        CHECK(o.interface_name == text);
    }
    SECTION("flow elements are not options") {
        ExporterOptions o;
        CHECK_FALSE(read_option(o, ie::octet_delta_count, be(1, 4)));
        CHECK_FALSE(read_option(o, ie::interface_name, Bytes{}));
    }
}

TEST_CASE("a planned fixed-length record reads as the same record field by field",
          "[information_elements]") {
    // Every element the decoder reads, each in a length it accepts, plus
    // ones it skips (an enterprise field, an unknown element, a wrong
    // length), in several orders and with a repeated element; the values
    // are pseudo-random bytes.
    std::vector<TemplateField> fields = {
        {ie::octet_delta_count, 8, 0},
        {ie::packet_delta_count, 4, 0},
        {ie::octet_total_count, 8, 0},
        {ie::protocol, 1, 0},
        {ie::class_of_service, 1, 0},
        {ie::tcp_control_bits, 2, 0},
        {ie::source_port, 2, 0},
        {ie::destination_port, 2, 0},
        {ie::source_ipv4, 4, 0},
        {ie::destination_ipv4, 4, 0},
        {ie::next_hop_ipv4, 4, 0},
        {ie::source_ipv4_prefix, 1, 0},
        {ie::destination_ipv4_prefix, 1, 0},
        {ie::ingress_interface, 2, 0},
        {ie::egress_interface, 4, 0},
        {ie::source_as, 4, 0},
        {ie::destination_as, 2, 0},
        {ie::icmp_type_code_ipv4, 2, 0},
        {ie::engine_type, 1, 0},
        {ie::engine_id, 1, 0},
        {ie::start_sysuptime, 4, 0},
        {ie::end_milliseconds, 8, 0},
        {ie::duration_milliseconds, 4, 0},
        {ie::system_init_milliseconds, 8, 0},
        {ie::source_port, 2, 0},
        {1, 4, 9},
        {999, 3, 0},
        {ie::protocol, 2, 0},
    };
    std::uint32_t state = 12345;
    const auto next = [&] {
        state = state * 1103515245u + 12345u;
        return static_cast<std::uint8_t>(state >> 16);
    };
    for (int round = 0; round < 50; ++round) {
        // A different order each round (a rotation and a swap).
        std::rotate(fields.begin(), fields.begin() + 1, fields.end());
        std::swap(fields[static_cast<std::size_t>(round) % fields.size()], fields.back());
        capture::Template t;
        t.fields = fields;
        Bytes record(t.min_record_length());
        for (auto& b : record) b = next();

        ExportedFlow walked, planned;
        REQUIRE(capture::read_flow_record(t, true, record.data(), record.data() + record.size(),
                                          walked) == record.size());
        const auto plan = capture::plan_flow_record(t);
        REQUIRE(plan.has_value());
        REQUIRE(plan->record_length == record.size());
        capture::read_planned_record(*plan, record.data(), planned);
        CHECK(planned == walked);
    }
    capture::Template variable;
    variable.fields = {{ie::source_ipv4, 4, 0}, {82, capture::variable_field_length, 0}};
    CHECK_FALSE(capture::plan_flow_record(variable).has_value());
}
