#include "filter/ipv6_prefix.hpp"

#include <string>

#include "tools/usage_error.hpp"

namespace flowquery {

flowfile::Ipv6Prefix parse_ipv6_prefix_strict(std::string_view text, std::string_view where) {
    auto fail = [&](const std::string& what) { return UsageError(std::string(where) + what); };
    const std::string quoted = std::string("'").append(text).append("'");
    const auto slash = text.find('/');
    const auto address = flowfile::parse_ipv6_prefix(text.substr(0, slash));
    if (!address || address->length != 128) throw fail("bad address " + quoted);
    if (slash == std::string_view::npos) return *address;

    const std::string_view length_text = text.substr(slash + 1);
    unsigned length = 0;
    bool length_ok = !length_text.empty() && length_text.size() <= 3;
    for (char c : length_text) {
        if (c < '0' || c > '9') length_ok = false;
        length = length * 10 + static_cast<unsigned>(c - '0');
    }
    if (!length_ok || length > 128)
        throw fail("bad prefix length in " + quoted + " (expected 0 to 128)");

    flowfile::Ipv6Prefix prefix{address->address, length};
    for (unsigned bit = length; bit < 128; ++bit)
        prefix.address[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
    if (prefix.address != address->address)
        throw fail(quoted + " has host bits set (did you mean " +
                   flowfile::ipv6_text(prefix.address) + "/" + std::to_string(length) + "?)");
    return prefix;
}

}  // namespace flowquery
