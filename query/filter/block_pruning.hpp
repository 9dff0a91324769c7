#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clients/client_map.hpp"
#include "filter/flow_filter.hpp"
#include "flowfile/block_index.hpp"

namespace flowquery {

// A query's criteria as probes of the block index (flow-index(5)): which
// blocks of an indexed file can hold a flow the query keeps.  The probes
// may say "maybe" in vain, never "no" for a block that holds a match, so
// reading only the candidate blocks gives the answer a scan gives.
//
//   * --ip, --src-ip, --dst-ip: the index keeps both sides in one filter,
//     so each is "either side may hold one of these".  An IPv4 address is
//     its own key, a prefix of /24 to /31 its /24, one of /16 to /23 each
//     /24 inside it; IPv6 /128 its own key, /64 to /127 its /64, /48 to /63
//     its /48.  A shorter prefix does not narrow (it would need too many
//     probes or none of the keys the index holds).
//   * --account/--connection: the prefixes the clients file gives the
//     wanted accounts, each only while its period can meet the block's
//     flow starts.
//   * --port, --src-port, --dst-port: each port of the set (either side);
//     a set of more than a few hundred ports does not narrow.
//   * --proto: the protocol bitmap.
//   * --from/--to: FlowFilter's overlap rule on the block's time bounds.
//   * --exporter is not indexed and does not narrow.
// A block is a candidate when every criterion may hold in it.
class BlockPruning {
  public:
    // The plan for these criteria, or null when none of them narrows
    // anything the index knows (then a query has no use for the index).
    // `clients` is needed when `accounts` or `connections` is not empty.
    static std::shared_ptr<const BlockPruning> plan(const FilterSpec& spec,
                                                    const ClientMap* clients,
                                                    const std::vector<std::string>& accounts,
                                                    const std::vector<std::string>& connections);

    // The blocks of the file `index` describes that may hold a flow the
    // query keeps, in file order; empty when the file holds none (the data
    // file need not be opened).  When the index's block filters turn out
    // damaged, every probe says "maybe" and index.filters_damaged() tells.
    std::vector<std::uint32_t> candidates(const flowfile::BlockIndex& index) const;

    // Which keys an address criterion probes; exposed for its tests.
    struct Probe {
        bool anything = false;                   // cannot narrow: every block may hold it
        std::vector<flowfile::AddressKey> keys;  // one of them must be there
    };
    static Probe ipv4_probe(const AddressSet& set);
    static Probe ipv6_probe(const AddressSet& set);

    ~BlockPruning();
    BlockPruning(const BlockPruning&) = delete;
    BlockPruning& operator=(const BlockPruning&) = delete;

    struct Criteria;  // defined in block_pruning.cpp

  private:
    explicit BlockPruning(std::unique_ptr<Criteria> criteria);
    std::unique_ptr<Criteria> criteria_;
};

}  // namespace flowquery
