#pragma once

#include <cstdint>
#include <string_view>

namespace flowquery {

// An IPv4 address (length 32) or CIDR prefix, as --ip and the clients file
// give them.
struct Ipv4Prefix {
    std::uint32_t network = 0;  // host order, no host bits set
    unsigned length = 32;

    std::uint32_t host_bits() const {
        return length == 0 ? UINT32_MAX : (std::uint32_t{1} << (32 - length)) - 1;
    }
    std::uint32_t last() const { return network | host_bits(); }
};

// "10.0.3.7" or "10.0.3.0/28": strict dotted quad (no leading zeros, which
// inet_aton() would read as octal and an operator as decimal), length 0-32,
// no host bits set.  Throws UsageError whose text is `where` followed by
//   bad address '256.1.1.1'
//   bad prefix length in '10.0.0.0/33' (expected 0 to 32)
//   '10.0.3.7/16' has host bits set (did you mean 10.0.0.0/16?)
Ipv4Prefix parse_ipv4_prefix(std::string_view text, std::string_view where);

}  // namespace flowquery
