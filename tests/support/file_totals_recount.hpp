#pragma once

// The totals an index should hold for a file's records, counted the plain
// way (flowfile::FileTotals: ports over TCP, UDP and SCTP flows only), for
// the tests that check what a builder wrote.

#include <vector>

#include "flowfile/block_index.hpp"

namespace flowkeep_test {

template <typename R>
flowfile::FileTotals recount_totals(const std::vector<R>& records) {
    flowfile::FileTotals t;
    for (const R& r : records) {
        t.all.add(r.dpkts, r.doctets);
        t.protocols[r.prot].add(r.dpkts, r.doctets);
        if (r.prot == 6 || r.prot == 17 || r.prot == 132) {
            t.src_ports[r.srcport].add(r.dpkts, r.doctets);
            t.dst_ports[r.dstport].add(r.dpkts, r.doctets);
        }
    }
    return t;
}

}  // namespace flowkeep_test
