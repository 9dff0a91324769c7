#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clients/client_map.hpp"
#include "filter/service_names.hpp"
#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"
#include "time/time_text.hpp"

namespace flowquery {

// The columns flow-select and flow-export-csv can print, by the names the
// operator gives to --fields.
enum class FlowColumn {
    start,
    end,
    duration,
    protocol,
    src_ip,
    src_port,
    dst_ip,
    dst_port,
    packets,
    bytes,
    tcp_flags,
    tos,
    exporter,
    input,
    output,
    nexthop,
    src_as,
    dst_as,
    src_mask,
    dst_mask,
    engine_type,
    engine_id,
    event,
    account,
    device,
    connection,
};

struct ColumnInfo {
    FlowColumn column;
    std::string_view name;   // --fields and CSV header: "src_ip"
    std::string_view title;  // table header: "Src IP"
    int width;               // table width; wider values push the row out
    bool numeric;            // right-aligned in the table
};

const ColumnInfo& column_info(FlowColumn c);

// The table width of an address column (src_ip, dst_ip, nexthop, exporter)
// in a listing that holds IPv6 flows: the longest RFC 5952 text
// (ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff), so that the columns after it
// stay aligned whatever the address.
inline constexpr int ipv6_address_width = 39;
bool is_address_column(FlowColumn c);

// "start,src_ip,bytes" -> columns, in the order given.  Throws UsageError
// naming the unknown word and listing the accepted names.
std::vector<FlowColumn> parse_columns(std::string_view list, std::string_view option);

// The comma-separated list of every column name, for --help and messages.
std::string column_names();

bool needs_clients(const std::vector<FlowColumn>& columns);

struct RenderContext {
    TimeZoneStyle zone = TimeZoneStyle::local;
    // Non-null with --descriptions: protocols and well-known ports by name.
    const ServiceNames* names = nullptr;
    // Non-null with --clients: account and device of the flow's client side.
    const ClientMap* clients = nullptr;
};

// Renders the columns of one flow (IPv4 or IPv6), handing each value to
// `emit`.  The client lookup runs once per flow, only when a client column
// is asked for.
class FlowRenderer {
  public:
    FlowRenderer(std::vector<FlowColumn> columns, RenderContext context);

    const std::vector<FlowColumn>& columns() const { return columns_; }

    template <typename R, typename Emit>
    void render(const R& r, Emit emit) {
        std::optional<FlowClient> client;
        if (context_.clients && wants_client_) client = find_flow_client(*context_.clients, r);
        for (FlowColumn c : columns_) {
            value_.clear();
            append_value(c, r, client);
            emit(c, std::string_view(value_));
        }
    }

  private:
    void append_value(FlowColumn c, const flowfile::Record& r,
                      const std::optional<FlowClient>& client);
    void append_value(FlowColumn c, const flowfile::Record6& r,
                      const std::optional<FlowClient>& client);
    void append_port(std::uint16_t port, std::uint8_t protocol);

    std::vector<FlowColumn> columns_;
    RenderContext context_;
    bool wants_client_;
    std::string value_;
};

// TCP flags the way nfdump prints them, one position per flag: "UAPRSF"
// with "." for a clear flag (".A..S." = SYN and ACK seen).
std::string tcp_flags_text(std::uint8_t flags);

}  // namespace flowquery
