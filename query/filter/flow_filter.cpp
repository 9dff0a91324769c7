#include "filter/flow_filter.hpp"

#include <memory>
#include <utility>

namespace flowquery {
namespace {

enum class Field : std::uint8_t { src, dst, either, exporter };
enum class Kind : std::uint8_t { address_range, address_set, port, protocol, window };

}  // namespace

struct FlowFilter::Test {
    Kind kind;
    Field field = Field::either;
    std::uint32_t first = 0, last = 0;    // address_range, inclusive
    std::int64_t from_ms = 0, to_ms = 0;  // window
    // Shared by copies of the filter: the sets are never changed.
    std::shared_ptr<const AddressSet> addresses;
    std::shared_ptr<const PortSet> ports;
    std::shared_ptr<const ProtocolSet> protocols;
};

namespace {

using flowfile::Record;
using Test = FlowFilter::Test;

bool carries_ports(std::uint8_t protocol) {
    return protocol == 6 || protocol == 17 || protocol == 132;
}

template <typename In, typename Use>
decltype(auto) with_address_field(Field field, In in, Use&& use) {
    switch (field) {
        case Field::src:
            return use([in](const Record& r) { return in(r.srcaddr); });
        case Field::dst:
            return use([in](const Record& r) { return in(r.dstaddr); });
        case Field::exporter:
            return use([in](const Record& r) { return in(r.exaddr); });
        case Field::either:
            break;
    }
    return use([in](const Record& r) { return in(r.srcaddr) || in(r.dstaddr); });
}

// Calls use(predicate) with a predicate built for this one test, so that
// each kind of test gets its own tight, inlined loop instead of a switch
// per record.
template <typename Use>
decltype(auto) with_predicate(const Test& t, Use&& use) {
    switch (t.kind) {
        case Kind::address_range: {
            const std::uint32_t first = t.first;
            const std::uint32_t width = t.last - t.first;
            return with_address_field(
                t.field, [first, width](std::uint32_t a) { return a - first <= width; }, use);
        }
        case Kind::address_set: {
            const AddressSet* set = t.addresses.get();
            return with_address_field(
                t.field, [set](std::uint32_t a) { return set->contains(a); }, use);
        }
        case Kind::port: {
            const PortSet* set = t.ports.get();
            switch (t.field) {
                case Field::src:
                    return use([set](const Record& r) {
                        return carries_ports(r.prot) && set->contains(r.srcport);
                    });
                case Field::dst:
                    return use([set](const Record& r) {
                        return carries_ports(r.prot) && set->contains(r.dstport);
                    });
                default:
                    return use([set](const Record& r) {
                        return carries_ports(r.prot) &&
                               (set->contains(r.srcport) || set->contains(r.dstport));
                    });
            }
        }
        case Kind::protocol: {
            const ProtocolSet* set = t.protocols.get();
            return use([set](const Record& r) { return set->contains(r.prot); });
        }
        case Kind::window:
            break;
    }
    const std::int64_t from_ms = t.from_ms;
    const std::int64_t to_ms = t.to_ms;
    return use([from_ms, to_ms](const Record& r) {
        const flowfile::FlowTimes times = flowfile::flow_times(r);
        return times.start_ms < to_ms && times.end_ms >= from_ms;
    });
}

Test address_test(const AddressSet& set, Field field) {
    Test t{};
    t.field = field;
    if (set.ranges().size() == 1) {
        t.kind = Kind::address_range;
        t.first = set.ranges()[0].first;
        t.last = set.ranges()[0].last;
    } else {
        t.kind = Kind::address_set;
        t.addresses = std::make_shared<const AddressSet>(set);
    }
    return t;
}

}  // namespace

FlowFilter::FlowFilter(FilterSpec spec) {
    auto add_addresses = [this](std::optional<AddressSet>& set, Field field) {
        if (set && !set->contains_everything()) tests_.push_back(address_test(*set, field));
    };
    add_addresses(spec.src_ip, Field::src);
    add_addresses(spec.dst_ip, Field::dst);
    add_addresses(spec.ip, Field::either);
    add_addresses(spec.exporter, Field::exporter);

    auto add_ports = [this](std::optional<PortSet>& set, Field field) {
        if (!set) return;
        Test t{};
        t.kind = Kind::port;
        t.field = field;
        t.ports = std::make_shared<const PortSet>(std::move(*set));
        tests_.push_back(std::move(t));
    };
    add_ports(spec.src_port, Field::src);
    add_ports(spec.dst_port, Field::dst);
    add_ports(spec.port, Field::either);

    if (spec.protocol && !spec.protocol->contains_everything()) {
        Test t{};
        t.kind = Kind::protocol;
        t.protocols = std::make_shared<const ProtocolSet>(*spec.protocol);
        tests_.push_back(std::move(t));
    }
    // Last: it is the dearest test per record and the archive listing has
    // usually done most of its work already.
    if (spec.window) {
        Test t{};
        t.kind = Kind::window;
        t.from_ms = spec.window->from_ms;
        t.to_ms = spec.window->to_ms;
        tests_.push_back(std::move(t));
    }
}

FlowFilter::~FlowFilter() = default;
FlowFilter::FlowFilter(const FlowFilter&) = default;
FlowFilter::FlowFilter(FlowFilter&&) noexcept = default;
FlowFilter& FlowFilter::operator=(const FlowFilter&) = default;
FlowFilter& FlowFilter::operator=(FlowFilter&&) noexcept = default;

bool FlowFilter::accepts_everything() const {
    return tests_.empty();
}

bool FlowFilter::matches(const Record& r) const {
    for (const Test& t : tests_)
        if (!with_predicate(t, [&r](auto&& predicate) { return predicate(r); })) return false;
    return true;
}

void FlowFilter::select(std::span<const Record> in, std::vector<Record>& out) const {
    if (tests_.empty()) {
        out.insert(out.end(), in.begin(), in.end());
        return;
    }
    // One pass per test: the first copies what it keeps from `in`, each
    // later one compacts those survivors in place.
    const std::size_t base = out.size();
    with_predicate(tests_.front(), [&](auto&& keep) {
        for (const Record& r : in)
            if (keep(r)) out.push_back(r);
    });
    for (std::size_t i = 1; i < tests_.size() && out.size() > base; ++i) {
        with_predicate(tests_[i], [&](auto&& keep) {
            std::size_t kept = base;
            for (std::size_t j = base; j < out.size(); ++j)
                if (keep(out[j])) out[kept++] = out[j];
            out.resize(kept);
        });
    }
}

}  // namespace flowquery
