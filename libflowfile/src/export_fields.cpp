#include "flowfile/export_fields.hpp"

namespace flowfile {

namespace {

namespace f = export_field;

// v1 has no engine fields, prefix masks or AS numbers; v5 adds them and every
// later version is v5 plus a few fields of its own.
constexpr std::uint64_t v1_fields = f::unix_secs | f::unix_nsecs | f::sysuptime | f::exaddr |
                                    f::dpkts | f::doctets | f::first | f::last | f::srcaddr |
                                    f::dstaddr | f::nexthop | f::input | f::output | f::srcport |
                                    f::dstport | f::prot | f::tos | f::tcp_flags;
constexpr std::uint64_t v5_fields =
    v1_fields | f::engine_type | f::engine_id | f::src_mask | f::dst_mask | f::src_as | f::dst_as;

}  // namespace

std::uint64_t field_mask(std::uint16_t export_version) {
    switch (export_version) {
        case 1:
            return v1_fields;
        case 5:
            return v5_fields;
        case 6:
            return v5_fields | f::in_encaps | f::out_encaps | f::peer_nexthop;
        case 7:
            return v5_fields | f::router_sc;
        case 1005:
            return v5_fields | f::src_tag | f::dst_tag;
        default:
            return 0;
    }
}

}  // namespace flowfile
