#include "summary/summary_key.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "summary/service_port.hpp"

namespace flowquery {

unsigned SummaryKeyLayout::bits_of(SummaryKey key, KeyFamily family) {
    switch (key) {
        case SummaryKey::protocol:
            return 8;
        case SummaryKey::service:
            return 25;
        case SummaryKey::src_port:
        case SummaryKey::dst_port:
        case SummaryKey::port:
            return 16;
        case SummaryKey::src_ip:
        case SummaryKey::dst_ip:
        case SummaryKey::ip:
        case SummaryKey::exporter:
            return family == KeyFamily::ipv6 ? 33 : 32;
        case SummaryKey::account:
        case SummaryKey::connection:
            return 32;
        case SummaryKey::interval:
            return 64;
    }
    return 64;
}

SummaryKeyLayout::SummaryKeyLayout(const std::vector<SummaryKey>& by, KeyFamily family)
    : fields_(by.size()) {
    // First-fit decreasing: with each key at most once the widest case,
    // 64 + 4 * 33 + 2 * 32 + 25 + 3 * 16 + 8 bits, fits six words (the four
    // addresses take a word each, as no two 33-bit values share one).
    std::vector<std::size_t> order(by.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return bits_of(by[a], family) > bits_of(by[b], family);
    });
    std::array<unsigned, max_summary_key_words> used{};
    words_ = 1;
    for (std::size_t column : order) {
        const unsigned bits = bits_of(by[column], family);
        std::size_t word = 0;
        while (word < max_summary_key_words && used[word] + bits > 64) ++word;
        if (word == max_summary_key_words)
            throw std::invalid_argument("summary keys do not fit a packed key (key given twice?)");
        fields_[column].word = static_cast<std::uint8_t>(word);
        fields_[column].shift = static_cast<std::uint8_t>(used[word]);
        fields_[column].mask = bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
        used[word] += bits;
        words_ = std::max(words_, word + 1);
    }
}

std::uint64_t service_key_value(const ServicePortRule& rule, std::uint8_t protocol,
                                std::uint16_t src_port, std::uint16_t dst_port) {
    const std::uint64_t key = std::uint64_t{protocol} << 17;
    if (!protocol_has_ports(protocol)) return key;
    return key | (std::uint64_t{rule.service_port(src_port, dst_port)} + 1);
}

}  // namespace flowquery
