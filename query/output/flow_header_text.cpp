#include "output/flow_header_text.hpp"

#include <array>
#include <cstdint>
#include <ctime>
#include <string_view>

#include "flowfile/ipv4_text.hpp"

namespace flowquery {

namespace {

constexpr std::size_t label_width = 22;

void add_line(std::string& out, std::string_view label, std::string_view value) {
    out += "# ";
    out += label;
    // printf("%-22s") pads but never truncates.
    if (label.size() < label_width) out.append(label_width - label.size(), ' ');
    out += value;
    out += '\n';
}

std::string local_date(std::uint32_t unix_secs) {
    const std::time_t t = static_cast<std::time_t>(unix_secs);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    std::array<char, 64> buf{};
    const std::size_t n = std::strftime(buf.data(), buf.size(), "%a, %d %b %Y %H:%M:%S %z", &tm);
    return std::string(buf.data(), n);
}

std::string_view agg_method_name(std::uint8_t method) {
    static constexpr std::array<std::string_view, 15> names = {
        "Unknown",
        "AS",
        "Protocol Port",
        "Source Prefix",
        "Destination Prefix",
        "Prefix",
        "Destination",
        "Source Destination",
        "Full Flow",
        "ToS AS",
        "ToS Proto Port",
        "ToS Source Prefix",
        "ToS Destination Prefix",
        "ToS Prefix",
        "ToS Prefix Port",
    };
    return method < names.size() ? names[method] : names[0];
}

std::string_view byte_order_name(flowfile::ByteOrder order) {
    switch (order) {
        case flowfile::ByteOrder::little:
            return "little";
        case flowfile::ByteOrder::big:
            return "big";
    }
    // The original reads any other byte-order byte as host order and says so.
    return "BROKEN";
}

}  // namespace

std::string render_flow_header(const flowfile::Header& h) {
    namespace flag = flowfile::header_flag;
    const bool streaming = (h.flags & flag::streaming) != 0;
    const bool preloaded = (h.flags & flag::preloaded) != 0;
    // A plain stream carries no capture metadata worth printing; a preloaded
    // one (flow-cat -p) carries pre-summed values and shows them.
    const bool streaming2 = streaming && !preloaded;
    const bool final_values = (h.flags & (flag::done | flag::preloaded)) != 0;
    const bool is_v8 = h.export_version == 8;

    std::string out = "#\n";
    add_line(out, "mode:", streaming ? "streaming" : "normal");
    if (h.flags & flag::xlate) add_line(out, "translated:", "yes");
    if (!streaming && h.hostname) add_line(out, "capture hostname:", *h.hostname);
    if (!streaming && h.exporter_ip)
        add_line(out, "exporter IP address:", flowfile::ipv4_text(*h.exporter_ip));
    if (!streaming2 && h.cap_start) add_line(out, "capture start:", local_date(*h.cap_start));
    if (!streaming2 && final_values && h.cap_end) {
        add_line(out, "capture end:", local_date(*h.cap_end));
        if (h.cap_start)
            add_line(
                out, "capture period:",
                std::to_string(static_cast<std::uint32_t>(*h.cap_end - *h.cap_start)) + " seconds");
    }
    add_line(out, "compress:", (h.flags & flag::compress) ? "on" : "off");
    add_line(out, "byte order:", byte_order_name(h.byte_order));
    // Only version 3 streams are written; the version-1 ones are translated on read.
    add_line(out, "stream version:", "3");
    if (h.export_version) add_line(out, "export version:", std::to_string(*h.export_version));
    if (is_v8 && h.agg_version)
        add_line(out, "export agg_version:", std::to_string(*h.agg_version));
    if (is_v8 && h.agg_method)
        add_line(out, "export agg_method:",
                 std::to_string(*h.agg_method) + " (" +
                     std::string(agg_method_name(*h.agg_method)) + ")");
    if (!streaming2) {
        if (h.lost_flows) add_line(out, "lost flows:", std::to_string(*h.lost_flows));
        if (h.misordered) add_line(out, "misordered flows:", std::to_string(*h.misordered));
        if (h.corrupt_packets)
            add_line(out, "corrupt packets:", std::to_string(*h.corrupt_packets));
        if (h.seq_resets) add_line(out, "sequencer resets:", std::to_string(*h.seq_resets));
    }
    if (h.comments) add_line(out, "comments:", *h.comments);
    if (!streaming2 && final_values && h.flow_count)
        add_line(out, "capture flows:", std::to_string(*h.flow_count));
    if (!streaming2 && !final_values) out += "# note, incomplete flow file\n";
    // Interface name/alias TLVs (17, 18) would be listed here; Header does
    // not keep them because no 0.68.5 tool writes them (file-format.md §3.6).
    out += "#\n";
    return out;
}

}  // namespace flowquery
