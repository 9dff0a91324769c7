// flowquery::ClientMap::parse over arbitrary text: the --clients file is
// written by hand or exported from a billing system, so it must be refused
// with one UsageError line, never crash.  A map that parsed is then asked
// about the addresses and times its own lines mention, which walks every
// prefix table and period it built.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "clients/client_map.hpp"
#include "fuzz_check.hpp"
#include "tools/usage_error.hpp"

using flowkeep_fuzz::check;

namespace {

// Addresses and times worth asking about: the bytes of the input read as
// big-endian words, which include any address or epoch the mutator wrote.
std::uint32_t word_at(std::string_view text, std::size_t i) {
    std::uint32_t w = 0;
    for (std::size_t k = 0; k < 4; ++k)
        w = w << 8 | static_cast<unsigned char>(i + k < text.size() ? text[i + k] : 0);
    return w;
}

}  // namespace

// Local times in the file follow TZ; a zone with daylight saving reaches the
// skipped and repeated hours.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
    ::setenv("TZ", "Europe/Berlin", 1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = flowkeep_fuzz::as_text(data, size);
    try {
        const flowquery::ClientMap map = flowquery::ClientMap::parse(text, "fuzz.csv");
        check(map.size() <= text.size() / 2 + 1, "more entries than the text has lines");
        for (std::size_t i = 0; i < text.size() && i < 256; i += 3) {
            const std::uint32_t address = word_at(text, i);
            const std::int64_t when = static_cast<std::int64_t>(word_at(text, i + 4)) * 8;
            if (const auto found = map.find(address, when)) {
                check(!found->account.empty(), "a mapping without an account");
                check(map.has_account(found->account), "found account unknown to has_account");
            }
            flowfile::Record r{};
            r.srcaddr = address;
            r.dstaddr = ~address;
            r.unix_secs = static_cast<std::uint32_t>(when);
            (void)flowquery::find_flow_client(map, r);

            // The same bytes as an IPv6 address, and mapped.
            flowfile::Ipv6Address address6{};
            for (std::size_t k = 0; k < address6.size(); ++k)
                address6[k] = static_cast<std::uint8_t>(word_at(text, i + k) >> 24);
            for (const flowfile::Ipv6Address& a : {address6, flowfile::ipv4_mapped(address)}) {
                if (const auto found = map.find(a, when)) {
                    check(!found->account.empty(), "an IPv6 mapping without an account");
                    check(map.has_account(found->account),
                          "found IPv6 account unknown to has_account");
                }
            }
            check(map.find(flowfile::ipv4_mapped(address), when).has_value() ==
                      map.find(address, when).has_value(),
                  "a mapped address found differently from its IPv4 address");
            flowfile::Record6 r6{};
            r6.srcaddr = address6;
            r6.dstaddr = flowfile::ipv4_mapped(address);
            r6.start_ms = when * 1000 - 1;
            (void)flowquery::find_flow_client(map, r6);
        }
    } catch (const flowquery::UsageError& e) {
        const std::string_view what = e.what();
        check(what.starts_with("clients file fuzz.csv"), "an error that does not name the file");
    }
    return 0;
}
