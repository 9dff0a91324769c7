#include "filter/flow_filter.hpp"

#include <memory>
#include <type_traits>
#include <utility>

namespace flowquery {
namespace {

enum class Field : std::uint8_t { src, dst, either, exporter };
enum class Kind : std::uint8_t { address_range, address_set, port, protocol, window, nothing };

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
using flowfile::Record6;
using Test = FlowFilter::Test;

bool carries_ports(std::uint8_t protocol) {
    return protocol == 6 || protocol == 17 || protocol == 132;
}

template <typename R, typename In, typename Use>
decltype(auto) with_address_field(Field field, In in, Use&& use) {
    switch (field) {
        case Field::src:
            return use([in](const R& r) { return in(r.srcaddr); });
        case Field::dst:
            return use([in](const R& r) { return in(r.dstaddr); });
        case Field::exporter:
            return use([in](const R& r) { return in(r.exaddr); });
        case Field::either:
            break;
    }
    return use([in](const R& r) { return in(r.srcaddr) || in(r.dstaddr); });
}

// Calls use(predicate) with a predicate built for this one test, so that
// each kind of test gets its own tight, inlined loop instead of a switch
// per record.  R is Record or Record6.
template <typename R, typename Use>
decltype(auto) with_predicate(const Test& t, Use&& use) {
    switch (t.kind) {
        case Kind::address_range:
            if constexpr (std::is_same_v<R, Record>) {
                const std::uint32_t first = t.first;
                const std::uint32_t width = t.last - t.first;
                return with_address_field<R>(
                    t.field, [first, width](std::uint32_t a) { return a - first <= width; }, use);
            }
            [[fallthrough]];  // only built for IPv4 records
        case Kind::address_set: {
            const AddressSet* set = t.addresses.get();
            return with_address_field<R>(
                t.field, [set](const auto& a) { return set->contains(a); }, use);
        }
        case Kind::port: {
            const PortSet* set = t.ports.get();
            switch (t.field) {
                case Field::src:
                    return use([set](const R& r) {
                        return carries_ports(r.prot) && set->contains(r.srcport);
                    });
                case Field::dst:
                    return use([set](const R& r) {
                        return carries_ports(r.prot) && set->contains(r.dstport);
                    });
                default:
                    return use([set](const R& r) {
                        return carries_ports(r.prot) &&
                               (set->contains(r.srcport) || set->contains(r.dstport));
                    });
            }
        }
        case Kind::protocol: {
            const ProtocolSet* set = t.protocols.get();
            return use([set](const R& r) { return set->contains(r.prot); });
        }
        case Kind::nothing:
            return use([](const R&) { return false; });
        case Kind::window:
            break;
    }
    const std::int64_t from_ms = t.from_ms;
    const std::int64_t to_ms = t.to_ms;
    if constexpr (std::is_same_v<R, Record>) {
        return use([from_ms, to_ms](const R& r) {
            const flowfile::FlowTimes times = flowfile::flow_times(r);
            return times.start_ms < to_ms && times.end_ms >= from_ms;
        });
    } else {
        return use(
            [from_ms, to_ms](const R& r) { return r.start_ms < to_ms && r.end_ms >= from_ms; });
    }
}

Test address_test(const std::shared_ptr<const AddressSet>& set, Field field) {
    Test t{};
    t.field = field;
    if (set->ranges().size() == 1) {
        t.kind = Kind::address_range;
        t.first = set->ranges()[0].first;
        t.last = set->ranges()[0].last;
    } else {
        t.kind = Kind::address_set;
        t.addresses = set;
    }
    return t;
}

Test address6_test(const std::shared_ptr<const AddressSet>& set, Field field) {
    Test t{};
    t.kind = Kind::address_set;
    t.field = field;
    t.addresses = set;
    return t;
}

template <typename R>
bool matches_all(const std::vector<Test>& tests, const R& r) {
    for (const Test& t : tests)
        if (!with_predicate<R>(t, [&r](auto&& predicate) { return predicate(r); })) return false;
    return true;
}

template <typename R>
void select_all(const std::vector<Test>& tests, std::span<const R> in, std::vector<R>& out) {
    if (tests.empty()) {
        out.insert(out.end(), in.begin(), in.end());
        return;
    }
    // One pass per test: the first copies what it keeps from `in`, each
    // later one compacts those survivors in place.
    const std::size_t base = out.size();
    with_predicate<R>(tests.front(), [&](auto&& keep) {
        for (const R& r : in)
            if (keep(r)) out.push_back(r);
    });
    for (std::size_t i = 1; i < tests.size() && out.size() > base; ++i) {
        with_predicate<R>(tests[i], [&](auto&& keep) {
            std::size_t kept = base;
            for (std::size_t j = base; j < out.size(); ++j)
                if (keep(out[j])) out[kept++] = out[j];
            out.resize(kept);
        });
    }
}

}  // namespace

FlowFilter::FlowFilter(FilterSpec spec) {
    // The flows' own addresses decide which families can match at all.
    for (const auto* set : {&spec.src_ip, &spec.dst_ip, &spec.ip}) {
        if (!*set) continue;
        accepts_ipv4_ = accepts_ipv4_ && (*set)->has_ipv4();
        accepts_ipv6_ = accepts_ipv6_ && (*set)->has_ipv6();
    }
    Test nothing{};
    nothing.kind = Kind::nothing;
    if (!accepts_ipv4_) tests_.push_back(nothing);
    if (!accepts_ipv6_) tests6_.push_back(nothing);

    auto add_addresses = [this](std::optional<AddressSet>& set, Field field) {
        if (!set) return;
        const auto shared = std::make_shared<const AddressSet>(std::move(*set));
        if (accepts_ipv4_ && !shared->contains_every_ipv4())
            tests_.push_back(address_test(shared, field));
        if (accepts_ipv6_ && !shared->contains_every_ipv6())
            tests6_.push_back(address6_test(shared, field));
    };
    add_addresses(spec.src_ip, Field::src);
    add_addresses(spec.dst_ip, Field::dst);
    add_addresses(spec.ip, Field::either);
    add_addresses(spec.exporter, Field::exporter);

    // The other criteria read fields both records have, the same way.
    auto add_both = [this](Test t) {
        tests_.push_back(t);
        tests6_.push_back(std::move(t));
    };
    auto add_ports = [&add_both](std::optional<PortSet>& set, Field field) {
        if (!set) return;
        Test t{};
        t.kind = Kind::port;
        t.field = field;
        t.ports = std::make_shared<const PortSet>(std::move(*set));
        add_both(std::move(t));
    };
    add_ports(spec.src_port, Field::src);
    add_ports(spec.dst_port, Field::dst);
    add_ports(spec.port, Field::either);

    if (spec.protocol && !spec.protocol->contains_everything()) {
        Test t{};
        t.kind = Kind::protocol;
        t.protocols = std::make_shared<const ProtocolSet>(*spec.protocol);
        add_both(std::move(t));
    }
    // Last: it is the dearest test per record and the archive listing has
    // usually done most of its work already.
    if (spec.window) {
        Test t{};
        t.kind = Kind::window;
        t.from_ms = spec.window->from_ms;
        t.to_ms = spec.window->to_ms;
        add_both(std::move(t));
    }
}

FlowFilter::~FlowFilter() = default;
FlowFilter::FlowFilter(const FlowFilter&) = default;
FlowFilter::FlowFilter(FlowFilter&&) noexcept = default;
FlowFilter& FlowFilter::operator=(const FlowFilter&) = default;
FlowFilter& FlowFilter::operator=(FlowFilter&&) noexcept = default;

bool FlowFilter::accepts_everything() const {
    return tests_.empty() && tests6_.empty();
}

bool FlowFilter::matches(const Record& r) const {
    return matches_all(tests_, r);
}

bool FlowFilter::matches(const Record6& r) const {
    return matches_all(tests6_, r);
}

void FlowFilter::select(std::span<const Record> in, std::vector<Record>& out) const {
    select_all(tests_, in, out);
}

void FlowFilter::select(std::span<const Record6> in, std::vector<Record6>& out) const {
    select_all(tests6_, in, out);
}

}  // namespace flowquery
