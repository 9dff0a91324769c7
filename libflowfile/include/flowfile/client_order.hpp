#pragma once

// The order of a finished file's records that makes the block index
// (flow-index(5)) answer a client's question from few blocks.
//
// In arrival order one client's flows are spread evenly through a file: an
// active client of the ISP model is in 61% of the 1024-record blocks of a
// busy file, so a per-block index can skip little for the question an ISP is
// asked most ("every connection of this address").  Ordered by the client's
// address (the side of the flow that lies in the ISP's own networks), a
// client's flows of a file lie in one or two blocks.  The records stay as
// received; only their order in the file changes, and flow-tools reads the
// file as before (its tools never relied on arrival order).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "flowfile/ipv6_text.hpp"
#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"

namespace flowfile {

// The ISP's client address space (flow-capture --client-networks): IPv4 and
// IPv6 prefixes.
class ClientNetworks {
  public:
    ClientNetworks() = default;

    // "10.0.0.0/8,100.64.0.0/10,2001:db8::/32" (commas or blanks between
    // items; an address without a length is a host).  IPv4 items are strict
    // dotted quads with no host bits set, as the query tools' --ip takes them.
    // Throws flowfile::Error whose text names the bad item, e.g.
    //   client networks: bad prefix '10.0.0.0/33'
    //   client networks: '10.0.3.7/16' has host bits set (did you mean 10.0.0.0/16?)
    static ClientNetworks parse(std::string_view list);

    bool empty() const { return v4_.empty() && v6_.empty(); }
    bool contains(std::uint32_t ipv4) const;  // host order
    bool contains(const Ipv6Address& address) const;
    // The prefixes as parse() took them, in its canonical text (for logs).
    std::string text() const;

  private:
    struct V4 {
        std::uint32_t network = 0;  // host order
        unsigned length = 32;
    };
    std::vector<V4> v4_;
    std::vector<Ipv6Prefix> v6_;
};

// Orders records by their client address: the source address when it lies
// in `networks`, else the destination address when that does, ascending;
// records with neither (transit) come last.  Stable: one client's flows keep
// their arrival order, and so do the transit flows.  An IPv4-mapped address
// in a Record6 counts as the IPv4 address it maps.  With empty networks the
// order is left as it is.
void order_by_client(std::span<Record> records, const ClientNetworks& networks);
void order_by_client(std::span<Record6> records, const ClientNetworks& networks);

// How many records a caller orders at a time, at most, when it orders a file
// it reads back (flow-capture): the memory stays bounded whatever the file's
// size, and a client's flows of a file lie in one or two blocks of each run.
inline constexpr std::size_t client_order_run_records = std::size_t{1} << 20;

}  // namespace flowfile
