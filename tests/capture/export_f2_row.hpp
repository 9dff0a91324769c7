#pragma once

// Test-side rendering of a record as one `flow-export -f2` CSV row for the
// column list of the golden file's "#:" line, so decoded records are compared
// field for field with what flow-tools stored.

#include <string>
#include <vector>

#include "flowfile/ipv4_text.hpp"
#include "flowfile/record.hpp"

namespace flowkeep_test {

inline std::vector<std::string> split_csv(const std::string& line) {
    std::vector<std::string> out;
    std::string cell;
    for (char c : line) {
        if (c == ',') {
            out.push_back(cell);
            cell.clear();
        } else {
            cell += c;
        }
    }
    out.push_back(cell);
    return out;
}

// `columns` as on the "#:" line (without "#:").  flow-export names v6's
// peer_nexthop "nexthop" too; the second "nexthop" is that one.
inline std::string render_f2_row(const std::vector<std::string>& columns,
                                 const flowfile::Record& r) {
    std::string row;
    bool first_column = true;
    bool seen_nexthop = false;
    for (const std::string& c : columns) {
        std::string v;
        if (c == "unix_secs")
            v = std::to_string(r.unix_secs);
        else if (c == "unix_nsecs")
            v = std::to_string(r.unix_nsecs);
        else if (c == "sysuptime")
            v = std::to_string(r.sysuptime);
        else if (c == "exaddr")
            v = flowfile::ipv4_text(r.exaddr);
        else if (c == "dpkts")
            v = std::to_string(r.dpkts);
        else if (c == "doctets")
            v = std::to_string(r.doctets);
        else if (c == "first")
            v = std::to_string(r.first);
        else if (c == "last")
            v = std::to_string(r.last);
        else if (c == "engine_type")
            v = std::to_string(r.engine_type);
        else if (c == "engine_id")
            v = std::to_string(r.engine_id);
        else if (c == "srcaddr")
            v = flowfile::ipv4_text(r.srcaddr);
        else if (c == "dstaddr")
            v = flowfile::ipv4_text(r.dstaddr);
        else if (c == "nexthop") {
            v = flowfile::ipv4_text(seen_nexthop ? r.peer_nexthop : r.nexthop);
            seen_nexthop = true;
        } else if (c == "input")
            v = std::to_string(r.input);
        else if (c == "output")
            v = std::to_string(r.output);
        else if (c == "srcport")
            v = std::to_string(r.srcport);
        else if (c == "dstport")
            v = std::to_string(r.dstport);
        else if (c == "prot")
            v = std::to_string(r.prot);
        else if (c == "tos")
            v = std::to_string(r.tos);
        else if (c == "tcp_flags")
            v = std::to_string(r.tcp_flags);
        else if (c == "src_mask")
            v = std::to_string(r.src_mask);
        else if (c == "dst_mask")
            v = std::to_string(r.dst_mask);
        else if (c == "src_as")
            v = std::to_string(r.src_as);
        else if (c == "dst_as")
            v = std::to_string(r.dst_as);
        else if (c == "router_sc")
            v = flowfile::ipv4_text(r.router_sc);
        else if (c == "in_encaps")
            v = std::to_string(r.in_encaps);
        else if (c == "out_encaps")
            v = std::to_string(r.out_encaps);
        else
            v = "<unknown column " + c + ">";
        if (!first_column) row += ',';
        first_column = false;
        row += v;
    }
    return row;
}

}  // namespace flowkeep_test
