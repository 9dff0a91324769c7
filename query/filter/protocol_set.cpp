#include "filter/protocol_set.hpp"

#include <string>

#include "filter/list_items.hpp"
#include "tools/usage_error.hpp"

namespace flowquery {

ProtocolSet ProtocolSet::parse(std::string_view list, std::string_view option,
                               const ServiceNames& names) {
    ProtocolSet set;
    for (std::string_view item : list_items(list, option)) {
        unsigned number = 0;
        if (item.find_first_not_of("0123456789") == std::string_view::npos) {
            for (char c : item) {
                number = number * 10 + static_cast<unsigned>(c - '0');
                if (number > 255)
                    throw UsageError(std::string(option) + ": bad protocol number '" +
                                     std::string(item) + "'");
            }
        } else if (const auto named = names.protocol(item)) {
            number = *named;
        } else {
            throw UsageError(std::string(option) + ": unknown protocol '" + std::string(item) +
                             "'");
        }
        set.bits_[number >> 6] |= std::uint64_t{1} << (number & 63);
    }
    return set;
}

bool ProtocolSet::contains_everything() const {
    for (std::uint64_t word : bits_)
        if (word != UINT64_MAX) return false;
    return true;
}

}  // namespace flowquery
